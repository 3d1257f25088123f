"""The language claims a span's reasons make ("written in X inside a Y article").

Why a separate identifier and not the models' function-word votes: short spam has few function words and
shares some with Portuguese ("a", "o", "e"), so the votes called plain English spam "Portuguese". The claim
now comes from ``classifiers.LangId`` (character n-grams, trained on train-split text of the four
languages), made only when it is sure; the article's own language still comes from the function-word
counts of all its segments (many, so reliable, and free); no claim when either is unsure.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from classifiers import LangId

_lock = threading.Lock()
_models: dict[Path | None, LangId | None] = {}


def language_model(model_dir: Path | None) -> LangId | None:
    """The language identifier in ``model_dir`` (default: the shipped one), loaded once per process."""
    from classifiers import load_lang_model

    with _lock:
        if model_dir not in _models:
            _models[model_dir] = load_lang_model(model_dir)
        return _models[model_dir]


def article_language(votes: np.ndarray) -> str | None:
    """The article's language from its segments' function-word counts (``LANGUAGES`` order): over a
    whole article they are many and reliable (it is short spam they mislead), and already counted."""
    from classifiers import LANGUAGES

    total = votes.sum(axis=0)
    return LANGUAGES[int(np.argmax(total))] if total.sum() >= 5 else None


def span_languages(
    model: LangId | None, votes: np.ndarray, spans: Sequence[str], span_votes: Sequence[np.ndarray] = ()
) -> tuple[str | None, list[str | None]]:
    """(the article's language, each span's language); None wherever unsure.

    A span whose own function words clearly agree with the article's language (at least three, 80% of
    them) is taken to be in it without asking the identifier (most spans, and a wrong "same language"
    only costs a claim we would not make); the identifier decides the rest, in one call.
    """
    return span_languages_many(model, [(votes, spans, span_votes)])[0]


def span_languages_many(
    model: LangId | None, docs: Sequence[tuple[np.ndarray, Sequence[str], Sequence[np.ndarray]]]
) -> list[tuple[str | None, list[str | None]]]:
    """``span_languages`` for many documents ((votes, spans, span votes) each) with one identifier call
    for all of them (its fixed cost per call was a visible share of a batch)."""
    if model is None:
        return [(None, [None] * len(spans)) for _, spans, _ in docs]
    from classifiers import LANGUAGES

    results: list[tuple[str | None, list[str | None]]] = []
    ask: list[tuple[int, int]] = []
    for d, (votes, spans, span_votes) in enumerate(docs):
        doc = article_language(votes) if spans else None
        out: list[str | None] = [None] * len(spans)
        for i in range(len(spans)):
            v = span_votes[i] if i < len(span_votes) else None
            if (
                doc is not None
                and v is not None
                and v.sum() >= 3
                and v[LANGUAGES.index(doc)] >= 0.8 * v.sum()
            ):
                out[i] = doc
            else:
                ask.append((d, i))
        results.append((doc, out))
    if ask:
        said = model.identify([docs[d][1][i] for d, i in ask])
        for (d, i), lang in zip(ask, said, strict=True):
            results[d][1][i] = lang
    return results
