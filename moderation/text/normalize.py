"""A normalized view of a text that remembers where every character came from.

Detection looks at NFKC-normalized text with zero-width and soft-hyphen characters removed
(full-width ``ｅｘａｍｐｌｅ．ｃｏｍ`` becomes ``example.com``, ``\\u200b`` disappears), but every
result must point into the original string. ``NormalizedText.to_original`` maps a normalized
``[start, end)`` back; we never re-search the original text.

Most news text is already normalized, so the common case costs one C-level check and no copy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from .._disguise import INVISIBLE, INVISIBLE_RE


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The normalized string and, when it differs from the original, a map back.

    Attributes:
        original: the text as given.
        text: the normalized view detection works on.
        index: ``index[i]`` is the original offset of normalized character ``i``; ``None`` when the view is
            the original itself (identity map).
    """

    original: str
    text: str
    index: np.ndarray | None

    @property
    def is_identity(self) -> bool:
        """True when the view is the original text (no character was changed)."""
        return self.index is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized ``[start, end)`` to the original text (covering whole source characters)."""
        if self.index is None:
            return start, end
        if end <= start:
            pos = int(self.index[start]) if start < len(self.index) else len(self.original)
            return pos, pos
        # every source character yields at least one normalized character, so the source span ends one
        # past the source of the last normalized character (invisible characters at the edges stay out)
        return int(self.index[start]), int(self.index[end - 1]) + 1


def normalize(text: str) -> NormalizedText:
    """Return the normalized view of ``text`` (NFKC per character, invisible characters removed)."""
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and not INVISIBLE_RE.search(text)):
        return NormalizedText(text, text, None)
    # only the distinct characters that change need a decision; str.translate does the rest in C
    table: dict[int, str] = {}
    for ch in set(text):
        if ch in INVISIBLE:
            table[ord(ch)] = ""
        elif not ch.isascii():
            norm = unicodedata.normalize("NFKC", ch)
            if norm != ch:
                table[ord(ch)] = norm
    if not table:
        return NormalizedText(text, text, None)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    widths = np.ones(len(codes), dtype=np.int64)
    for code, repl in table.items():
        widths[codes == code] = len(repl)
    index = np.repeat(np.arange(len(codes), dtype=np.int64), widths)
    return NormalizedText(text, text.translate(table), index)
