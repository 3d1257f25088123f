"""Word-precise span ends: re-cut each flagged run of segments where the boundary tagger says.

Why: the segment models decide *which* sentences hold spam; their spans are whole segments, and a segment
is whatever the punctuation rules cut. Spam glued to its neighbour ("...said.Make money at x.top The
minister...") or wedged between two clauses comes out with a piece of the news, or leaves a piece of itself
behind, and the cleaned text is then wrong. Here each flagged run is widened by one unflagged neighbour
segment on each side (same paragraph), the window is cut into word tokens (a link is one token), the
boundary tagger (``classifiers/_boundary.py``) gives each token a log-odds of being spam, and the span
becomes the contiguous stretch of tokens with the largest total (log-odds minus ``bias``) that still
overlaps the flagged run and begins and ends at whitespace or at a lost space (``edges``: never inside a
glued run such as "Ummm..."). When no stretch has a positive total, the segment bounds stay.

Only the bounds move: which runs are spans, their scores and reasons stay the segment models'.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .links import FoundLink
from .results import Segment

if TYPE_CHECKING:
    from classifiers import BoundaryModel, TokenWindow

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\S")
_DIGITS = str.maketrans("0123456789", "0000000000")
_MARKS = {
    ".": 7, ",": 8, "!": 9, "?": 10, ":": 11, ";": 12, '"': 13, "“": 13, "”": 13, "„": 13, "«": 13, "»": 13,
    "'": 14, "‘": 14, "’": 14, "(": 15, ")": 16, "-": 17, "–": 17, "—": 17, "/": 18, "@": 19, "#": 19,
    "$": 20, "£": 20, "€": 20, "*": 21, "&": 22,
}  # fmt: skip
_LINK_WORD = "\x00link"
_NEAR = 8  # link distances are capped here; 9 = no link in the window
_token_cache: dict[str, tuple[int, int, int]] = {}  # token -> (word hash, shape, affix hash)


def _hash(s: str) -> int:
    return zlib.crc32(s.encode("utf-8", "surrogatepass"))


def _token_inputs(tok: str, is_link: bool) -> tuple[int, int, int]:
    """(word hash, shape, affix hash) of one token: a link is one word, its affix its top-level domain."""
    if is_link:
        return _hash(_LINK_WORD), 1, _hash("\x00tld" + tok.rsplit(".", 1)[-1][:6].lower())
    folded = tok.lower().translate(_DIGITS)
    return _hash(folded), _shape(tok), _hash("\x00sfx" + folded[-3:])


def _shape(tok: str) -> int:
    if tok.isalpha():
        if len(tok) == 1:
            return 2 if tok.isupper() else 6
        if tok.isupper():
            return 3
        if tok[0].isupper():
            return 4
        return 5
    if tok.isdigit():
        return 23
    if tok[0].isalnum() or tok[0] == "_":
        return 24  # mixed letters and digits ("2nite", "B4", "£50" is a mark then digits)
    return _MARKS.get(tok, 25)


@dataclass
class Window:
    """One flagged run widened by its neighbours: its tokens and where the run itself lies.

    Attributes:
        starts, ends: token offsets in the scanned view.
        core: ``(first, last)`` token index of the flagged run's own tokens (inclusive).
        fallback: the run's segment bounds (kept when the tagger finds no positive stretch).
        can_start, can_end: where a span may begin and end (``edges``).
    """

    starts: list[int]
    ends: list[int]
    core: tuple[int, int]
    fallback: tuple[int, int]
    can_start: list[bool]
    can_end: list[bool]


def _tokens(view: str, start: int, end: int, links: Sequence[FoundLink]) -> list[tuple[int, int, bool]]:
    """(start, end, is_link) of every token of ``view[start:end]``; a link (clipped to it) is one token."""
    out: list[tuple[int, int, bool]] = []
    pos = start
    for lk in links:
        if lk.end <= start or lk.start >= end:
            continue
        a, b = max(lk.start, start), min(lk.end, end)
        if a - pos > 1 or (a > pos and not view[pos].isspace()):  # no search in the space between links
            out.extend((m.start(), m.end(), False) for m in _TOKEN.finditer(view, pos, a))
        out.append((a, b, True))
        pos = b
    out.extend((m.start(), m.end(), False) for m in _TOKEN.finditer(view, pos, end))
    return out


def _link_distances(is_link: Sequence[bool]) -> list[int]:
    """Tokens to the nearest link token, capped at ``_NEAR``; ``_NEAR + 1`` when the window has none.
    The last link at or before and the first at or after each token, as running maxima/minima over the
    link positions (a minimum over every link per token was tokens x links, a Python pass per token
    was visible on texts of 200,000 links); the same integers as the two passes it replaced."""
    n = len(is_link)
    flags = np.fromiter(is_link, dtype=bool, count=n)
    if not flags.any():
        return [_NEAR + 1] * n
    k = np.arange(n, dtype=np.int64)
    before = np.maximum.accumulate(np.where(flags, k, -n))
    after = np.minimum.accumulate(np.where(flags, k, 2 * n)[::-1])[::-1]
    out: list[int] = np.minimum(np.minimum(k - before, after - k), _NEAR).tolist()
    return out


def _inputs_of(tok: str) -> tuple[int, int, int]:
    """``_token_inputs`` of a word token, from the cache (filled up to 200,000 distinct tokens)."""
    known = _token_cache.get(tok)
    if known is None:
        known = _token_inputs(tok, False)
        if len(_token_cache) < 200_000:
            _token_cache[tok] = known
    return known


def windows_for_runs(
    view: str,
    segments: Sequence[Segment],
    runs: Sequence[Sequence[int]],
    flagged: np.ndarray,
    proba: np.ndarray,
    links: Sequence[FoundLink],
    window_id: int = 0,
) -> tuple[list[Window], list[dict[str, list[int]]]]:
    """The window of each run and its per-token inputs (lists; ``inputs_array`` stacks them).

    Each column is one comprehension over the window's tokens, and a token's segment and the core's
    first and last token are found by bisection (a loop per token with its appends and walks was the
    cost of a text of 200,000 flagged links); the values are the same."""
    link_ends = [lk.end for lk in links]  # links are sorted and disjoint
    out_w: list[Window] = []
    out_in: list[dict[str, list[int]]] = []
    link_inputs: dict[str, tuple[int, int, int]] = {}
    for r, run in enumerate(runs):
        i0, i1 = run[0], run[-1]
        lo, hi = i0, i1
        if lo > 0 and not flagged[lo - 1] and segments[lo - 1].paragraph == segments[lo].paragraph:
            lo -= 1
        if (
            hi + 1 < len(segments)
            and not flagged[hi + 1]
            and segments[hi + 1].paragraph == segments[hi].paragraph
        ):
            hi += 1
        w_start, w_end = segments[lo].start, segments[hi].end
        first = bisect_right(link_ends, w_start)
        last = first
        while last < len(links) and links[last].start < w_end:
            last += 1
        toks = _tokens(view, w_start, w_end, links[first:last])  # never empty: segments hold text
        starts = [t[0] for t in toks]
        ends = [t[1] for t in toks]
        is_link = [t[2] for t in toks]
        dists = _link_distances(is_link)
        core_lo = bisect_left(starts, segments[i0].start)
        core_lo = core_lo if core_lo < len(toks) else 0
        core_hi = bisect_right(ends, segments[i1].end) - 1  # ends rise: tokens are disjoint, in order
        core_hi = core_hi if core_hi >= 0 else len(toks) - 1
        known = []
        for a, b, link in toks:
            tok = view[a:b]
            if link:
                got = link_inputs.get(tok)
                if got is None:
                    got = link_inputs[tok] = _token_inputs(tok, True)
                known.append(got)
            else:
                known.append(_inputs_of(tok))
        seg_bins = [min(9, int(float(x) * 10)) for x in proba[lo : hi + 1]]
        # a token's segment: the last of lo..hi starting at or before it (lo when none does)
        seg_starts = [segments[j].start for j in range(lo + 1, hi + 1)]
        inputs = {
            "word": [k[0] for k in known],
            "shape": [k[1] for k in known],
            "gap": [
                2 if a == 0 or view[a - 1] == "\n" else (1 if view[a - 1].isspace() else 0) for a in starts
            ],
            "segment_bin": [seg_bins[bisect_right(seg_starts, a)] for a in starts],
            "link_distance": dists,
            "affix": [k[2] for k in known],
        }
        can_start, can_end = edges(view, toks)
        out_w.append(
            Window(starts, ends, (core_lo, max(core_lo, core_hi)), (segments[i0].start, segments[i1].end),
                   can_start, can_end)
        )  # fmt: skip
        inputs["window"] = [window_id + r] * len(toks)
        out_in.append(inputs)
    return out_w, out_in


def inputs_array(inputs: Sequence[dict[str, list[int]]]) -> TokenWindow:
    """Stack per-window token inputs into the model's ``TokenWindow`` arrays."""
    from classifiers import TokenWindow

    def col(name: str) -> np.ndarray:
        if not inputs:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.asarray(d[name], dtype=np.int64) for d in inputs])

    return TokenWindow(
        word=col("word"),
        shape=col("shape"),
        gap=col("gap"),
        segment_bin=col("segment_bin"),
        link_distance=col("link_distance"),
        affix=col("affix"),
        window=col("window"),
    )


def best_stretch(
    z: np.ndarray,
    core: tuple[int, int],
    can_start: Sequence[bool] | None = None,
    can_end: Sequence[bool] | None = None,
    start_bonus: np.ndarray | None = None,
    end_bonus: np.ndarray | None = None,
) -> tuple[int, int] | None:
    """The contiguous ``[a, b]`` with the largest ``sum(z[a..b]) + start_bonus[a] + end_bonus[b]``
    that overlaps ``core``, starting where ``can_start`` and ending where ``can_end`` allow (default:
    anywhere, no bonus); None when no such stretch has a positive total. Linear: prefix sums, the best
    allowed start at or before each token and the best allowed end at or after it, as running extrema
    (a window of a text of 200,000 flagged links has as many tokens; Python loops over them were
    visible). Ties go as in a scan: the earliest start, the latest end, the first token of the core."""
    n = len(z)
    if n == 0:
        return None
    s = np.concatenate([[0.0], np.cumsum(z)])
    lead = s[:-1] if start_bonus is None else s[:-1] - start_bonus  # minimize at the start
    tail = s[1:] if end_bonus is None else s[1:] + end_bonus  # maximize at the end
    k = np.arange(n)
    starts = lead if can_start is None else np.where(np.asarray(can_start, dtype=bool), lead, np.inf)
    # a start is the best so far where it is strictly below every earlier allowed one
    low = np.minimum.accumulate(starts)
    new_low = starts < np.concatenate([[np.inf], low[:-1]])
    arg_min = np.maximum.accumulate(np.where(new_low, k, -1))
    ends = tail if can_end is None else np.where(np.asarray(can_end, dtype=bool), tail, -np.inf)
    # an end is the best so far (from the right) where it is strictly above every later allowed one
    high = np.maximum.accumulate(ends[::-1])[::-1]
    new_high = ends > np.concatenate([high[1:], [-np.inf]])
    arg_max = np.minimum.accumulate(np.where(new_high, k, n)[::-1])[::-1]
    lo, hi = core
    a, b = arg_min[lo : hi + 1], arg_max[lo : hi + 1]  # a stretch overlapping the core holds one of it
    valid = (a >= 0) & (b < n)
    if not valid.any():
        return None
    gain = np.where(valid, tail[np.minimum(b, n - 1)] - lead[np.maximum(a, 0)], 0.0)
    best = int(np.argmax(gain))  # the first of the largest
    if not gain[best] > 0.0:
        return None
    return int(a[best]), int(b[best])


_ENDS = frozenset(".!?…")


def _lost_space_at(view: str, toks: Sequence[tuple[int, int, bool]], k: int) -> bool:
    """Does token ``k`` begin a sentence glued to the previous one ("said.Make": a sentence mark right
    after a word of two letters or more, then a letter; not "U.S")?"""
    if k < 2:
        return False
    (pa, pb, _), (wa, wb, _) = toks[k - 1], toks[k - 2]
    return (
        view[pa:pb] in _ENDS
        and view[toks[k][0]].isalpha()
        and pb - pa == 1
        and wb - wa >= 2
        and view[wa:wb].isalpha()
    )


def edges(view: str, toks: Sequence[tuple[int, int, bool]]) -> tuple[list[bool], list[bool]]:
    """Where a span may begin and end: at whitespace, or where a sentence was glued to the one before
    (a lost space); never inside a run of glued tokens such as "Ummm..." or "T&C's"."""
    n = len(toks)
    spaced = [k == 0 or toks[k][0] > toks[k - 1][1] for k in range(n)]  # whitespace before token k
    glued_start = [spaced[k] or _lost_space_at(view, toks, k) for k in range(n)]
    can_end = [k == n - 1 or glued_start[k + 1] for k in range(n)]
    return glued_start, can_end


Tags = tuple[np.ndarray, np.ndarray, np.ndarray]  # per token: spam, first token of it, last token of it


def refine(
    windows: Sequence[Window], logits: Tags, bias: float, edge_weight: float = 0.0
) -> list[tuple[int, int]]:
    """New bounds (view offsets) for each window, in order: the best stretch of token log-odds minus
    ``bias``, plus ``edge_weight`` times the edge heads' log-odds at its first and last token."""
    token, start, end = logits
    out, pos = [], 0
    for w in windows:
        rows = slice(pos, pos + len(w.starts))
        pos = rows.stop
        bonus = (edge_weight * start[rows], edge_weight * end[rows]) if edge_weight else (None, None)
        ab = best_stretch(token[rows] - bias, w.core, w.can_start, w.can_end, *bonus)
        out.append((w.starts[ab[0]], w.ends[ab[1]]) if ab else w.fallback)
    return out


def tag(model: BoundaryModel, inputs: Sequence[dict[str, list[int]]]) -> Tags:
    """The tagger's three log-odds for every token of ``inputs``, in order (``BoundaryModel.all_logits``)."""
    if not inputs:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    return model.all_logits(inputs_array(inputs))


def merge_overlaps(
    runs: Sequence[list[int]], bounds: Sequence[tuple[int, int]]
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Runs whose moved bounds touch or overlap become one run (both windows may take the unflagged
    segment between them)."""
    out_runs: list[list[int]] = []
    out_bounds: list[tuple[int, int]] = []
    for run, (s, e) in zip(runs, bounds, strict=True):
        if out_bounds and s <= out_bounds[-1][1]:
            ps, pe = out_bounds[-1]
            out_bounds[-1] = (min(ps, s), max(pe, e))
            out_runs[-1] = [*out_runs[-1], *run]
        else:
            out_runs.append(list(run))
            out_bounds.append((s, e))
    return out_runs, out_bounds
