"""A small language identifier for the four languages of the data pack (en, de, pt, id).

Why a model of our own: the span reason "written in X inside a Y article" used to come from counts of a
few function words, which called plain English spam "Portuguese" (short spam has few function words, and
"a", "o", "e" are Portuguese ones). This is a linear model over hashed character 1-4-grams (the same
polynomial hashing as the text models, no vocabulary stored), trained on train-split articles; it answers
only when it is sure, so a short line or a fifth language gives no language claim at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LANGID_LANGUAGES: tuple[str, ...] = ("en", "de", "pt", "id")
LANGID_FEATURES = 1 << 16
NGRAMS = (1, 4)
TEXT_CAP = 400  # characters read per text: enough for the language, and the cost stays flat
_NOT_LETTER = re.compile(r"[\W\d_]+")


@dataclass
class LangId:
    """Weights (features x languages) and biases of a multinomial logistic model."""

    coef: np.ndarray
    intercept: np.ndarray
    languages: tuple[str, ...] = LANGID_LANGUAGES

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of class probabilities (``languages`` order) for each text."""
        from ._hashing import char_arrays

        data, indices, indptr = char_arrays([t[:TEXT_CAP].lower() for t in texts], LANGID_FEATURES, NGRAMS)
        # the sparse product by hand from the CSR arrays (no scipy matrix built): one gather and a
        # running sum (scipy's matmul has a fixed cost per call that a few short spans never amortize)
        part = self.coef[indices] * data[:, None]
        csum = np.zeros((len(part) + 1, part.shape[1]), dtype=np.float64)
        np.cumsum(part, axis=0, dtype=np.float64, out=csum[1:])
        z = csum[indptr[1:]] - csum[indptr[:-1]] + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def identify(
        self, texts: Sequence[str], min_proba: float = 0.9, min_letters: int = 12
    ) -> list[str | None]:
        """The language of each text, or None when it is too short or the model is not sure."""
        if not texts:
            return []
        p = self.proba(texts)
        best = p.argmax(axis=1)
        out: list[str | None] = []
        for t, k, row in zip(texts, best, p, strict=True):
            enough = len(_NOT_LETTER.sub("", t[: 4 * min_letters + 40])) >= min_letters
            out.append(self.languages[int(k)] if enough and row[k] >= min_proba else None)
        return out

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], C: float = 10.0, seed: int = 13) -> LangId:
        """Fit on labelled texts (scikit-learn is used here only)."""
        from sklearn.linear_model import LogisticRegression

        from ._hashing import char_matrix

        x = char_matrix([t.lower() for t in texts], LANGID_FEATURES, NGRAMS)
        y = np.array([LANGID_LANGUAGES.index(v) for v in labels])
        clf = LogisticRegression(C=C, max_iter=300, random_state=seed).fit(x, y)
        return cls(clf.coef_.T.astype(np.float32), clf.intercept_.astype(np.float32))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"langid_coef": self.coef, "langid_intercept": self.intercept}

    @classmethod
    def from_arrays(cls, params: dict[str, Any], arrays: dict[str, np.ndarray]) -> LangId:
        langs = tuple(params["languages"])
        coef, icpt = arrays["langid_coef"], arrays["langid_intercept"]
        if coef.shape != (LANGID_FEATURES, len(langs)) or icpt.shape != (len(langs),):
            raise ValueError("language model arrays have the wrong shape")
        return cls(coef, icpt, langs)
