"""The boundary tagger: which word tokens of a flagged stretch of text are the spam.

Why: spans are built from segments, and segments come from punctuation rules, so spam glued to the news
around it (a lost space, a missing full stop, a wedge between two clauses) is cut with a piece of the
sentence beside it, or a piece of the spam is left behind. The segment models already say *which*
sentences are spam; this model says, word by word, *where* the spam begins and ends. It reads only a
window around each span the segment models flagged, so its cost is per span, not per word of the article.

It knows nothing of texts: the caller (``moderation/text/boundary.py``) turns a window into integer
arrays per token (the token's hash, its shape, the whitespace before it, the spam probability of the
segment it sits in, its distance to a link) and this module hashes them, with the neighbours' values,
into ``n_features`` buckets of one logistic regression (weights only, no vocabulary).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._polyhash import _mix

# The per-token inputs, each an int64 array over the window's tokens (-1 where a value is missing).
TOKEN_INPUTS = ("word", "shape", "gap", "segment_bin", "link_distance", "affix", "lexical", "lexical_near")
_PAD = np.int64(-7)  # the value of a neighbour outside the window


@dataclass
class TokenWindow:
    """The per-token inputs of one window (or of many windows, concatenated, with ``window`` ids).

    Attributes:
        word: hash of the token's folded form (lower case, digits as 0).
        shape: small code of the token's shape (upper, capitalized, lower, digits, a link, a mark).
        gap: whitespace before the token: 0 none, 1 spaces, 2 a line break.
        segment_bin: the segment models' spam probability of the token's segment, in tenths (0-9).
        link_distance: tokens to the nearest link, capped (0 = the token is a link; 9 = none near).
        affix: hash of the token's last three characters.
        window: which window each token belongs to (neighbours never cross windows).
        lexical: the segment model's word weight of the token, rounded (-8..8).
        lexical_near: half the sum of those weights over the token and two neighbours each side.
    """

    word: np.ndarray
    shape: np.ndarray
    gap: np.ndarray
    segment_bin: np.ndarray
    link_distance: np.ndarray
    affix: np.ndarray
    window: np.ndarray
    lexical: np.ndarray | None = None
    lexical_near: np.ndarray | None = None


def _shift(a: np.ndarray, window: np.ndarray, k: int) -> np.ndarray:
    """``a`` moved by ``k`` tokens (``out[i] = a[i - k]``), padded where that neighbour is in another
    window."""
    out = np.full_like(a, _PAD)
    if k > 0:
        out[k:] = a[:-k]
        same = np.zeros(len(a), dtype=bool)
        same[k:] = window[k:] == window[:-k]
    else:
        out[:k] = a[-k:]
        same = np.zeros(len(a), dtype=bool)
        same[:k] = window[:k] == window[-k:]
    out[~same] = _PAD
    return out


def _combine(*parts: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = np.zeros(len(parts[0]), dtype=np.uint64)
        for p in parts:
            h = _mix(h ^ p.astype(np.uint64), 0x51ED270B)
    return h


def feature_columns(w: TokenWindow, n_features: int, lexical: bool = False) -> np.ndarray:
    """The hashed feature index of every (token, template): an ``(n_tokens, n_templates)`` int64 array
    (with ``lexical``, five more templates over the segment model's word weights)."""
    if len(w.word) == 0:
        return np.zeros((0, 0), dtype=np.int64)

    def sh(a: np.ndarray, k: int) -> np.ndarray:
        return _shift(a, w.window, k)

    wd, shp, seg = w.word, w.shape, w.segment_bin
    templates = [
        (wd,),
        (sh(wd, 1),),
        (sh(wd, -1),),
        (sh(wd, 2),),
        (sh(wd, -2),),
        (sh(wd, 1), wd),
        (wd, sh(wd, -1)),
        (shp,),
        (sh(shp, 1), shp, sh(shp, -1)),
        (sh(shp, 2), sh(shp, 1), shp),
        (shp, sh(shp, -1), sh(shp, -2)),
        (w.gap, shp),
        (sh(w.gap, -1), sh(shp, -1), shp),
        (seg,),
        (sh(seg, 1), seg, sh(seg, -1)),
        (seg, shp),
        (seg, wd),
        (seg, w.gap),
        (w.link_distance,),
        (w.link_distance, shp),
        (w.affix,),
        (sh(w.affix, 1), shp),
    ]
    if lexical:
        if w.lexical is None or w.lexical_near is None:
            raise ValueError("this boundary model reads word weights: the window has none")
        lex, near = w.lexical, w.lexical_near
        templates += [(lex,), (lex, shp), (sh(lex, 1), lex, sh(lex, -1)), (near,), (near, seg)]
    cols = np.empty((len(wd), len(templates)), dtype=np.int64)
    for t, parts in enumerate(templates):
        h = _combine(np.full(len(wd), t, dtype=np.int64), *parts)
        cols[:, t] = (h % np.uint64(n_features)).astype(np.int64)
    return cols


class BoundaryModel:
    """Logistic regression over hashed token templates; ``proba`` is P(token is injected spam).

    Parameters (scikit-learn's rules: stored by ``__init__``, learned attributes end in ``_``):
        n_features: hash buckets.
        C: inverse regularization strength.
        max_iter: solver iterations.
        lexical: read the segment model's word weights too (``TokenWindow.lexical``).
    """

    def __init__(
        self, n_features: int = 2**18, C: float = 1.0, max_iter: int = 300, lexical: bool = False
    ) -> None:
        self.n_features = n_features
        self.C = C
        self.max_iter = max_iter
        self.lexical = lexical

    def get_params(self) -> dict[str, Any]:
        return {
            "n_features": self.n_features,
            "C": self.C,
            "max_iter": self.max_iter,
            "lexical": self.lexical,
        }

    def fit(
        self, windows: TokenWindow, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> BoundaryModel:
        import scipy.sparse as sp
        from sklearn.linear_model import LogisticRegression

        cols = feature_columns(windows, self.n_features, self.lexical)
        n, k = cols.shape
        x = sp.csr_matrix(
            (np.ones(n * k, dtype=np.float64), cols.ravel(), np.arange(0, n * k + 1, k)),
            shape=(n, self.n_features),
        )
        x.sum_duplicates()
        clf = LogisticRegression(C=self.C, max_iter=self.max_iter, solver="lbfgs")
        clf.fit(x, y, sample_weight=sample_weight)
        self.coef_ = clf.coef_.ravel().astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def logits(self, windows: TokenWindow) -> np.ndarray:
        """Log-odds per token (a template hit twice counts twice; fitting summed duplicates the same way)."""
        cols = feature_columns(windows, self.n_features, self.lexical)
        if cols.size == 0:
            return np.zeros(len(windows.word))
        return self.coef_[cols].sum(axis=1, dtype=np.float64) + self.intercept_

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"boundary.coef_": self.coef_, "boundary.intercept_": np.array([self.intercept_])}

    @classmethod
    def from_arrays(cls, params: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> BoundaryModel:
        model = cls(**params)
        model.coef_ = np.asarray(arrays["boundary.coef_"], dtype=np.float32)
        model.intercept_ = float(arrays["boundary.intercept_"][0])
        if len(model.coef_) != model.n_features:
            raise ValueError("boundary.coef_ does not match n_features")
        return model
