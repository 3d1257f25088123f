"""The segment model: a two-stage cascade of linear models over hashed n-grams.

Stage A (every segment): word unigrams+bigrams and the engineered signals. It is cheap and clears most
news sentences. Stage B (only the candidates stage A did not clear): adds character n-grams, which catch
spelling games and other languages but cost several times more to compute.

Follows scikit-learn's rules: ``__init__`` stores parameters, learned attributes end in ``_``, ``fit``
returns ``self``. Prediction is done with the learned coefficients directly (a sparse dot product), which
avoids the per-call overhead of ``predict_proba`` on small batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from ._features import char_vectorizer, text_features, word_vectorizer


@dataclass(frozen=True, slots=True)
class SegmentScores:
    """Scores for a batch of segments.

    Attributes:
        stage_a: probability from the word-level model, for every segment.
        score: the final segment probability: stage B where it ran, else stage A.
        candidate: True where stage B ran.
        words: the hashed word features (rows L2-normalized), reused for article-context similarity.
    """

    stage_a: np.ndarray
    score: np.ndarray
    candidate: np.ndarray
    words: sp.csr_matrix


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


class SegmentModel(BaseEstimator):
    """Cascade classifier: is this segment spam (on its own, without article context)?

    Parameters:
        n_features: hash space size of each vectorizer.
        char_ngram_range: character n-gram lengths for stage B.
        C_a, C_b: inverse regularization strength of the two logistic regressions.
        candidate_threshold: stage-A probability at or above which stage B runs.
    """

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

    def fit(
        self,
        texts: Sequence[str],
        extra: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
    ) -> SegmentModel:
        """Fit both stages on segment texts, their extra (link) features and 0/1 labels."""
        self.word_vectorizer_ = word_vectorizer(self.n_features)
        self.char_vectorizer_ = char_vectorizer(self.n_features, self.char_ngram_range)
        words = self.word_vectorizer_.transform(texts)
        chars = self.char_vectorizer_.transform(texts)
        dense = np.hstack([text_features(texts), extra]).astype(np.float32)
        self.n_dense_ = dense.shape[1]
        a = LogisticRegression(C=self.C_a, solver="liblinear", max_iter=200)
        a.fit(sp.hstack([words, sp.csr_matrix(dense)]).tocsr(), y, sample_weight=sample_weight)
        b = LogisticRegression(C=self.C_b, solver="liblinear", max_iter=200)
        b.fit(sp.hstack([words, chars, sp.csr_matrix(dense)]).tocsr(), y, sample_weight=sample_weight)
        n = self.n_features
        coef_a = a.coef_.ravel().astype(np.float32)
        coef_b = b.coef_.ravel().astype(np.float32)
        self.word_coef_a_, self.dense_coef_a_ = coef_a[:n], coef_a[n:]
        self.intercept_a_ = float(a.intercept_[0])
        self.word_coef_b_, self.char_coef_b_, self.dense_coef_b_ = coef_b[:n], coef_b[n : 2 * n], coef_b[2 * n :]
        self.intercept_b_ = float(b.intercept_[0])
        return self

    def score(self, texts: Sequence[str], extra: np.ndarray) -> SegmentScores:
        """Score segments; ``extra`` holds the same extra columns as at fit time."""
        words = self.word_vectorizer_.transform(texts)
        dense = np.hstack([text_features(texts), extra]).astype(np.float32)
        base_b = words @ self.word_coef_b_ + dense @ self.dense_coef_b_ + self.intercept_b_
        stage_a = _sigmoid(words @ self.word_coef_a_ + dense @ self.dense_coef_a_ + self.intercept_a_)
        candidate = stage_a >= self.candidate_threshold
        score = stage_a.copy()
        idx = np.flatnonzero(candidate)
        if idx.size:
            chars = self.char_vectorizer_.transform([texts[i] for i in idx])
            score[idx] = _sigmoid(base_b[idx] + chars @ self.char_coef_b_)
        return SegmentScores(stage_a, score, candidate, words)
