"""Cut spans out of a text and mend the whitespace at each cut.

The rule: spans separated only by whitespace are cut as one. At each cut, the whitespace runs around and
between the cut spans become one run, namely the one with the most line breaks (on a tie the earliest
non-empty one), so a removed paragraph leaves one paragraph break and a removed sentence leaves one
space. A cut at the start of the text takes the whitespace after it too; a cut at the end keeps the
text's own trailing whitespace.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise


def _ws_left(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def _ws_right(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def _groups(text: str, spans: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Sorted spans grouped where they are separated only by whitespace (or overlap)."""
    groups: list[list[tuple[int, int]]] = []
    for start, end in spans:
        if groups and (start <= groups[-1][-1][1] or not text[groups[-1][-1][1] : start].strip()):
            groups[-1].append((start, end))
        else:
            groups.append([(start, end)])
    return groups


def _joint(runs: list[str]) -> str:
    """The run with the most line breaks; on a tie the earliest non-empty one."""
    best = ""
    for run in runs:
        if run.count("\n") > best.count("\n") or (not best and run):
            best = run
    return best


def cut_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without the (sorted, disjoint) ``spans``, whitespace mended as described above."""
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for group in _groups(text, spans):
        start, end = group[0][0], max(e for _, e in group)
        left = max(_ws_left(text, start), pos)
        right = _ws_right(text, end)
        out.append(text[pos:left])
        gaps = [text[a_end:b_start] for (_, a_end), (b_start, _) in pairwise(group)]
        before, after = text[left:start], text[end:right]
        if left == 0:
            joint = ""
        elif right >= len(text):
            joint = after
        else:
            joint = _joint([before, *gaps, after])
        out.append(joint)
        pos = right
    out.append(text[pos:])
    return "".join(out)
