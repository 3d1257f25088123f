"""The language claims a span's reasons make ("written in X inside a Y article").

Why a separate identifier and not the models' function-word votes: short spam has few function words and
shares some with Portuguese ("a", "o", "e"), so the votes called plain English spam "Portuguese". The claim
now comes from ``classifiers.LangId`` (character n-grams, trained on train-split text of the four
languages), made only when it is sure about both the span and the article; otherwise no claim at all.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from classifiers import LangId

_lock = threading.Lock()
_models: dict[Path | None, LangId | None] = {}
# Enough of the article to know its language; the identifier's cost grows with the text.
ARTICLE_SAMPLE = 3000


def language_model(model_dir: Path | None) -> LangId | None:
    """The language identifier in ``model_dir`` (default: the shipped one), loaded once per process."""
    from classifiers import load_lang_model

    with _lock:
        if model_dir not in _models:
            _models[model_dir] = load_lang_model(model_dir)
        return _models[model_dir]


def span_languages(
    model: LangId | None, article: str, spans: Sequence[str]
) -> tuple[str | None, list[str | None]]:
    """(the article's language, each span's language); None wherever the identifier is not sure."""
    if model is None or not spans:
        return None, [None] * len(spans)
    said = model.identify([article[:ARTICLE_SAMPLE], *spans])
    return said[0], said[1:]
