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
    if model is None or not spans:
        return None, [None] * len(spans)
    from classifiers import LANGUAGES

    doc = article_language(votes)
    out: list[str | None] = [None] * len(spans)
    ask = []
    for i in range(len(spans)):
        v = span_votes[i] if i < len(span_votes) else None
        if doc is not None and v is not None and v.sum() >= 3 and v[LANGUAGES.index(doc)] >= 0.8 * v.sum():
            out[i] = doc
        else:
            ask.append(i)
    for i, said in zip(ask, model.identify([spans[i] for i in ask]), strict=True):
        out[i] = said
    return doc, out
