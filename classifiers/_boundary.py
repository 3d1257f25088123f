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
TOKEN_INPUTS = ("word", "shape", "gap", "segment_bin", "link_distance", "affix")
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
    """

    word: np.ndarray
    shape: np.ndarray
    gap: np.ndarray
    segment_bin: np.ndarray
    link_distance: np.ndarray
    affix: np.ndarray
    window: np.ndarray


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


def feature_columns(w: TokenWindow, n_features: int) -> np.ndarray:
    """The hashed feature index of every (token, template): an ``(n_tokens, n_templates)`` int64 array."""
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
    cols = np.empty((len(wd), len(templates)), dtype=np.int64)
    for t, parts in enumerate(templates):
        h = _combine(np.full(len(wd), t, dtype=np.int64), *parts)
        cols[:, t] = (h % np.uint64(n_features)).astype(np.int64)
    return cols


def edge_labels(y: np.ndarray, window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which tokens begin and which end a stretch of spam tokens (``y`` 0/1, within each window)."""
    y = np.asarray(y).astype(bool)
    prev = np.r_[False, y[:-1] & (window[1:] == window[:-1])]
    nxt = np.r_[y[1:] & (window[1:] == window[:-1]), False]
    return (y & ~prev).astype(np.int8), (y & ~nxt).astype(np.int8)


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """Sample weights that make the 1s weigh as much in total as the 0s (half the total each)."""
    pos = max(int(y.sum()), 1)
    neg = max(len(y) - pos, 1)
    return np.where(y == 1, 0.5 * len(y) / pos, 0.5 * len(y) / neg)


class BoundaryModel:
    """Logistic regression over hashed token templates; ``proba`` is P(token is injected spam).

    Two more heads over the same hashed columns say how likely a token is to be the *first* and the
    *last* token of the spam (``edge_logits``). Why: the token head alone knows that a word is spam-like,
    not that it is where the spam begins ("Suffolk, Win cash now ..."); the decoder adds the two edge
    scores to a stretch's total, which moved exact span ends more than any richer token feature did.

    Parameters (scikit-learn's rules: stored by ``__init__``, learned attributes end in ``_``):
        n_features: hash buckets.
        C: inverse regularization strength.
        max_iter: solver iterations.
    """

    # the edge heads, set by ``fit`` (None: a model saved before they existed)
    edge_coef_: np.ndarray | None = None
    edge_intercept_: np.ndarray | None = None

    def __init__(self, n_features: int = 2**18, C: float = 1.0, max_iter: int = 300) -> None:
        self.n_features = n_features
        self.C = C
        self.max_iter = max_iter

    def get_params(self) -> dict[str, Any]:
        return {"n_features": self.n_features, "C": self.C, "max_iter": self.max_iter}

    def fit(
        self, windows: TokenWindow, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> BoundaryModel:
        import scipy.sparse as sp
        from sklearn.linear_model import LogisticRegression

        cols = feature_columns(windows, self.n_features)
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
        self.edge_coef_ = np.zeros((2, self.n_features), dtype=np.float32)
        self.edge_intercept_ = np.zeros(2)
        for row, labels in enumerate(edge_labels(y, windows.window)):
            if 0 < labels.sum() < len(labels):
                head = LogisticRegression(C=self.C, max_iter=self.max_iter, solver="lbfgs")
                head.fit(x, labels, sample_weight=balanced_weights(labels))
                self.edge_coef_[row] = head.coef_.ravel()
                self.edge_intercept_[row] = float(head.intercept_[0])
        return self

    def logits(self, windows: TokenWindow) -> np.ndarray:
        """Log-odds per token (a template hit twice counts twice; fitting summed duplicates the same way)."""
        return self.all_logits(windows)[0]

    def all_logits(self, windows: TokenWindow) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Log-odds per token of being spam, of beginning the spam and of ending it (the edge heads are
        0 in models saved without them). The hashed columns are computed once for the three heads."""
        n = len(windows.word)
        cols = feature_columns(windows, self.n_features)
        if cols.size == 0:
            return np.zeros(n), np.zeros(n), np.zeros(n)
        token = self.coef_[cols].sum(axis=1, dtype=np.float64) + self.intercept_
        if self.edge_coef_ is None or self.edge_intercept_ is None:
            return token, np.zeros(n), np.zeros(n)
        start = self.edge_coef_[0][cols].sum(axis=1, dtype=np.float64) + self.edge_intercept_[0]
        end = self.edge_coef_[1][cols].sum(axis=1, dtype=np.float64) + self.edge_intercept_[1]
        return token, start, end

    def to_arrays(self) -> dict[str, np.ndarray]:
        out = {"boundary.coef_": self.coef_, "boundary.intercept_": np.array([self.intercept_])}
        if self.edge_coef_ is not None:
            out["boundary.edge_coef_"] = self.edge_coef_
            out["boundary.edge_intercept_"] = self.edge_intercept_
        return out

    @classmethod
    def from_arrays(cls, params: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> BoundaryModel:
        model = cls(**params)
        model.coef_ = np.asarray(arrays["boundary.coef_"], dtype=np.float32)
        model.intercept_ = float(arrays["boundary.intercept_"][0])
        if len(model.coef_) != model.n_features:
            raise ValueError("boundary.coef_ does not match n_features")
        if "boundary.edge_coef_" in arrays:
            model.edge_coef_ = np.asarray(arrays["boundary.edge_coef_"], dtype=np.float32)
            model.edge_intercept_ = np.asarray(arrays["boundary.edge_intercept_"], dtype=np.float64)
            if model.edge_coef_.shape != (2, model.n_features) or model.edge_intercept_.shape != (2,):
                raise ValueError("boundary.edge_coef_ does not match n_features")
        return model
