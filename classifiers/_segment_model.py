"""The segment model: a two-stage cascade of linear models over hashed n-grams.

Stage A (every segment): hashed word unigrams+bigrams, the engineered text signals and the caller's extra
columns (link evidence). It is cheap and clears most news sentences. Stage B (only the candidates that
stage A did not clear): adds hashed character n-grams, which catch spelling games and other languages but
cost several times more to compute.

Follows scikit-learn's rules: ``__init__`` stores parameters, learned attributes end in ``_``, ``fit``
returns ``self``. scikit-learn is used to *fit* (logistic regression); prediction is a sparse dot product
with the learned arrays, so scanning needs neither scikit-learn nor pickles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from ._hashing import TextBatch, char_matrix, featurize_texts


@dataclass(frozen=True, slots=True)
class SegmentScores:
    """Scores for a batch of segments.

    Attributes:
        stage_a: probability from the word-level model, for every segment.
        score: the final segment probability: stage B where it ran, else stage A.
        candidate: True where stage B ran.
        word_blocks: the hashed word features (rows L2-normalized) as consecutive blocks of rows, one
            per block of text ``score`` featurized, reused for article-context similarity (which reads
            the blocks as they are: stacking them copied every one, a large text's peak memory).
        lang_votes: function-word counts per language.
    """

    stage_a: np.ndarray
    score: np.ndarray
    candidate: np.ndarray
    word_blocks: tuple[sp.csr_matrix, ...]
    lang_votes: np.ndarray

    @property
    def words(self) -> sp.csr_matrix:
        """The word features as one matrix (the blocks stacked; one block is returned as it is)."""
        if len(self.word_blocks) == 1:
            return self.word_blocks[0]
        return sp.vstack(self.word_blocks, format="csr")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


class SegmentModel:
    """Cascade classifier: is this segment spam (on its own, without article context)?

    Parameters:
        n_features: hash space size (a power of two) of the word and of the character features.
        char_ngram_range: character n-gram lengths for stage B.
        C_a, C_b: inverse regularization strength of the two logistic regressions.
        candidate_threshold: stage-A probability at or above which stage B runs.
    """

    ARRAYS = ("word_coef_a_", "dense_coef_a_", "word_coef_b_", "char_coef_b_", "dense_coef_b_")

    def __init__(
        self,
        n_features: int = 2**20,
        char_ngram_range: tuple[int, int] = (2, 5),
        C_a: float = 8.0,
        C_b: float = 8.0,
        candidate_threshold: float = 0.02,
    ) -> None:
        self.n_features = n_features
        self.char_ngram_range = char_ngram_range
        self.C_a = C_a
        self.C_b = C_b
        self.candidate_threshold = candidate_threshold

    def get_params(self) -> dict[str, object]:
        """Constructor parameters (scikit-learn convention)."""
        return {
            "n_features": self.n_features,
            "char_ngram_range": list(self.char_ngram_range),
            "C_a": self.C_a,
            "C_b": self.C_b,
            "candidate_threshold": self.candidate_threshold,
        }

    def _features(self, texts: Sequence[str], chunk: int = 20000) -> TextBatch:
        parts = [featurize_texts(texts[i : i + chunk], self.n_features) for i in range(0, len(texts), chunk)]
        return TextBatch(
            sp.vstack([p.words for p in parts]).tocsr(),
            np.vstack([p.dense for p in parts]),
            np.vstack([p.lang_votes for p in parts]),
        )

    def _chars(self, texts: Sequence[str], chunk: int = 5000) -> sp.csr_matrix:
        parts = [
            char_matrix(texts[i : i + chunk], self.n_features, self.char_ngram_range)
            for i in range(0, len(texts), chunk)
        ]
        return sp.vstack(parts).tocsr()

    def fit(
        self,
        texts: Sequence[str],
        extra: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
    ) -> SegmentModel:
        """Fit both stages on segment texts, their extra (link) columns and 0/1 labels."""
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        batch = self._features(texts)
        chars = self._chars(texts)
        dense = sp.csr_matrix(np.hstack([batch.dense, extra]).astype(np.float32))
        a = LogisticRegression(C=self.C_a, solver="liblinear", max_iter=300, random_state=0)
        a.fit(sp.hstack([batch.words, dense]).tocsr(), y, sample_weight=sample_weight)
        b = LogisticRegression(C=self.C_b, solver="liblinear", max_iter=300, random_state=0)
        b.fit(sp.hstack([batch.words, chars, dense]).tocsr(), y, sample_weight=sample_weight)
        n = self.n_features
        coef_a = a.coef_.ravel().astype(np.float32)
        coef_b = b.coef_.ravel().astype(np.float32)
        self.word_coef_a_, self.dense_coef_a_ = coef_a[:n], coef_a[n:]
        self.intercept_a_ = float(a.intercept_[0])
        self.word_coef_b_, self.char_coef_b_, self.dense_coef_b_ = (
            coef_b[:n],
            coef_b[n : 2 * n],
            coef_b[2 * n :],
        )
        self.intercept_b_ = float(b.intercept_[0])
        return self

    # segments are featurized in blocks of about this many characters: the hashing's per-character
    # arrays (code points, prefix sums, n-gram hashes) then cost a block's size, not the document's
    # (one 1 MB text in one block peaked at ~75x its size); every row is scored on its own, so the
    # blocks change no score
    BLOCK_CHARS = 65_536

    def score(self, texts: Sequence[str], extra: np.ndarray) -> SegmentScores:
        """Score segments; ``extra`` holds the same extra columns as at fit time."""
        texts = list(texts)
        bounds = _blocks(texts, self.BLOCK_CHARS)
        if len(bounds) <= 2:
            return self._score(texts, extra)
        parts = [self._score(texts[a:b], extra[a:b]) for a, b in pairwise(bounds)]
        return SegmentScores(
            np.concatenate([p.stage_a for p in parts]),
            np.concatenate([p.score for p in parts]),
            np.concatenate([p.candidate for p in parts]),
            tuple(b for p in parts for b in p.word_blocks),
            np.concatenate([p.lang_votes for p in parts]),
        )

    def _score(self, texts: list[str], extra: np.ndarray) -> SegmentScores:
        batch = featurize_texts(texts, self.n_features)
        dense = np.hstack([batch.dense, extra]).astype(np.float32)
        words = batch.words
        stage_a = _sigmoid(words @ self.word_coef_a_ + dense @ self.dense_coef_a_ + self.intercept_a_)
        candidate = stage_a >= self.candidate_threshold
        score = stage_a.copy()
        idx = np.flatnonzero(candidate)
        if idx.size:
            chars = char_matrix([texts[i] for i in idx], self.n_features, self.char_ngram_range)
            z = (
                words[idx] @ self.word_coef_b_
                + chars @ self.char_coef_b_
                + dense[idx] @ self.dense_coef_b_
                + self.intercept_b_
            )
            score[idx] = _sigmoid(z)
        return SegmentScores(stage_a, score, candidate, (words,), batch.lang_votes)

    # -- artifacts -------------------------------------------------------------------------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The learned state as named arrays (for ``.npz``)."""
        out = {f"segment.{k}": getattr(self, k) for k in self.ARRAYS}
        out["segment.intercepts"] = np.array([self.intercept_a_, self.intercept_b_])
        return out

    @classmethod
    def from_arrays(cls, params: dict[str, object], arrays: dict[str, np.ndarray]) -> SegmentModel:
        """Rebuild a fitted model from ``get_params()`` and ``to_arrays()`` output."""
        model = cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()})  # type: ignore[arg-type]
        for k in cls.ARRAYS:
            setattr(model, k, np.asarray(arrays[f"segment.{k}"], dtype=np.float32))
        model.intercept_a_, model.intercept_b_ = (float(v) for v in arrays["segment.intercepts"])
        return model


def _blocks(texts: Sequence[str], limit: int) -> list[int]:
    """Row offsets that cut ``texts`` into runs of about ``limit`` characters (at least one row each):
    a block takes rows up to its first non-empty one, then more while their total stays within
    ``limit``. Found by bisection on the running total, one step per block (a text of 500,000 tiny
    segments made a loop over rows visible)."""
    n = len(texts)
    if not n:
        return [0, 0]
    total = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=total[1:])
    bounds = [0]
    while bounds[-1] < n:
        i = bounds[-1]
        through_first = int(np.searchsorted(total, total[i], side="right"))
        within = int(np.searchsorted(total, total[i] + limit, side="right")) - 1
        bounds.append(min(max(through_first, within), n))
    return bounds
