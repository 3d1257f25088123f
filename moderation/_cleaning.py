"""Cut spans out of a text and mend the whitespace at each cut.

The rule: spans separated only by whitespace are cut as one. At each cut, the whitespace run just before
the cut and the one just after it become one run, namely the one with more line breaks (on a tie the
earlier one, unless it is empty), so a removed paragraph leaves one paragraph break and a removed
sentence leaves one space. A cut at the start of the text takes the whitespace after it too; a cut at the
end keeps the text's own trailing whitespace.
"""

from __future__ import annotations

from collections.abc import Sequence


def _ws_left(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def _ws_right(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def merge_touching(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join sorted spans that are separated only by whitespace."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def cut_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without the (sorted, disjoint) ``spans``, whitespace mended as described above."""
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end in merge_touching(text, spans):
        left = max(_ws_left(text, start), pos)
        right = _ws_right(text, end)
        out.append(text[pos:left])
        before, after = text[left:start], text[end:right]
        if left == 0:
            joint = ""
        elif right >= len(text):
            joint = after
        elif before.count("\n") != after.count("\n"):
            joint = before if before.count("\n") > after.count("\n") else after
        else:
            joint = before or after
        out.append(joint)
        pos = right
    out.append(text[pos:])
    return "".join(out)
