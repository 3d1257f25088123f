"""JSON lines for every door: one encoder that never fails on the text documents hold."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def dumps(obj: Any, default: Callable[[Any], Any] | None = None) -> str:
    """One JSON line; falls back to ASCII escapes when the text holds lone surrogates. ``default`` is
    ``json.dumps``'s hook for values JSON cannot hold."""
    s = json.dumps(obj, ensure_ascii=False, default=default)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = json.dumps(obj, ensure_ascii=True, default=default)
    return s
