"""Cut a text into the units the scorer judges, keeping exact offsets.

Injected spam arrives as a paragraph of its own, a line, a sentence appended to a paragraph or wedged
inside one, or run straight into the next sentence after its link ("...sign up at example.top The minister
said..."). So we cut at three levels:

1. paragraphs: blank-line separated blocks;
2. lines: every line of a multi-line paragraph (link lists, boilerplate lines, datelines);
3. sentences: at sentence punctuation followed by whitespace (not after known abbreviations, initials or
   German ordinals; always after a link), after a link followed by a capitalized word, and in glued text
   (a lost space after a sentence end, a comma before a capitalized word, an opening quotation after a
   word: see ``GLUED``).

Segments never include surrounding whitespace; very long runs without any boundary are cut at whitespace so
that no segment exceeds ``MAX_SEGMENT_CHARS``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from .results import Segment

MAX_SEGMENT_CHARS = 2000

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
# sentence-final punctuation, optional closing quotes/brackets, then whitespace. Matches start only at the
# first mark of a run and the runs are possessive: a run not followed by whitespace fails once, not once per
# mark (``'.' * n`` was quadratic); the matches are the same, since no mark is a quote or whitespace.
# The pattern opens with the mark itself and checks "not after a mark" behind it: a pattern that opens
# with a character class lets the regex engine skip to the next candidate character in C, while one
# that opens with a lookbehind is tried at every position (4-5x slower on news text, same matches).
_SENTENCE_END = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+[\"'”’»)\]]*+(?=\s)")

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st sr sra jr gen gov sen rep lt col capt sgt cpl maj adm inc ltd co corp bros
    no nr vs jan feb mar apr jun jul aug sep sept oct nov dec mt ft rev hon fig figs vol pp art abs dept
    univ approx est bzw ca ggf evtl inkl zb dipl ing mag mio mrd tel str av pres exmo sto sta""".split()
)


def _word_start(text: str, dot: int, lo: int, before: int) -> int:
    """Where the word ending at ``text[dot]`` starts (after the last space, newline or tab before it).

    Only ``text[lo:dot]`` is searched; ``before`` is the answer for ``lo`` (the previous sentence end's),
    so that the searches of all sentence ends together read the text once (searching back to the start
    for every sentence end was quadratic)."""
    found = max(text.rfind(" ", lo, dot), text.rfind("\n", lo, dot), text.rfind("\t", lo, dot))
    return found + 1 if found >= 0 else before


def _is_abbreviation(text: str, dot: int, start: int) -> bool:
    """Is the period at ``text[dot]`` (its word starting at ``start``) part of an abbreviation rather than
    the end of a sentence?"""
    word = text[start:dot].lstrip("(\"'“‘[")
    if not word:
        return False
    if "." in word:  # U.S. / e.g. / z.B.
        return True
    if len(word) == 1 and word.isalpha():  # initials, "z. B."
        return True
    if word.isdigit() and len(word) <= 2:  # German ordinals: "am 19. Februar"
        return True
    return word.lower() in _ABBREVIATIONS


# Glued text, as scrapers deliver it (detection v2): a sentence end whose space was lost ("said.Make"),
# a clause cut after a comma before a capitalized word (spam wedged between two clauses), and an
# opening quotation right after a word (spam without final punctuation before a quote).
# Each starts only at the first character of its run and is possessive, so a long run of marks or spaces
# that is not followed by a capital or a quote is read once (backtracking from every position in it took
# quadratic time: 53 s for 20,000 ellipses).
# (each opens with a character class for the same reason as _SENTENCE_END; the quote pattern is found
# from the quotation mark, which is rare, and the space run before it is walked back: see _quote_cuts)
_LOST_SPACE = re.compile(r"[.!?](?<![.!?][.!?])[.!?]*+(?=[A-ZÀ-ÖØ-Þ])")  # after two letters (checked)
_CLAUSE = re.compile(r",(?<=[^\W\d_],)[^\S\n]++(?=[A-ZÀ-ÖØ-Þ])")
_OPENING_QUOTE = re.compile(r"[\"“„«]")
# The clause cut was off while the shipped model predated the placement generator (news clauses were
# flagged); a model trained with it on sees such fragments on both sides (ARCHITECTURE.md).
GLUED = {"lost_space": True, "clause": True, "quote": True}


def _glued_cuts(text: str, links: Sequence[tuple[int, int]]) -> set[int]:
    """Cut points inside run-together text; never inside a link."""
    cuts: set[int] = set()
    if GLUED["lost_space"]:
        cuts.update(
            m.end()
            for m in _LOST_SPACE.finditer(text)
            if m.start() >= 2 and text[m.start() - 2 : m.start()].isalpha()
        )
    if GLUED["clause"]:
        cuts.update(m.end() for m in _CLAUSE.finditer(text))
    if GLUED["quote"]:
        cuts.update(_quote_cuts(text))
    n = len(text)
    for _, le in links:  # a link ends its sentence, whatever follows (its comma goes with it)
        nxt = le
        while nxt < n and text[nxt] in " \t\u00a0":
            nxt += 1
        if nxt < n and text[nxt] == ",":
            cuts.add(nxt + 1)
        elif le < nxt < n or (nxt < n and text[nxt] in '"“„«'):
            cuts.add(le)
    if links:  # links are disjoint: one bisection per cut (testing every link was cuts x links)
        spans = sorted(links)
        starts = [a for a, _ in spans]
        cuts = {c for c in cuts if not _inside(spans, starts, c)}
    return cuts


def _quote_cuts(text: str) -> Iterator[int]:
    """Opening quotation marks right after a run of spaces (no line break) that follows a word character
    or "/": ``said "It's`` cuts before the quote. The run is walked back from each quote; runs end at a
    quote, so no character is walked twice."""
    for m in _OPENING_QUOTE.finditer(text):
        q = s = m.start()
        while s and text[s - 1] != "\n" and text[s - 1].isspace():
            s -= 1
        if 0 < s < q and (text[s - 1].isalnum() or text[s - 1] in "_/"):
            yield q


def _inside(spans: Sequence[tuple[int, int]], starts: Sequence[int], c: int) -> bool:
    """Is ``c`` strictly inside one of the sorted, disjoint ``spans``?"""
    i = bisect_left(starts, c) - 1  # the last span starting before c
    return i >= 0 and c < spans[i][1]


def _cuts(text: str, link_ends: Sequence[int], links: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Every offset where a new sentence or line may begin, over the whole text, sorted."""
    cuts: set[int] = _glued_cuts(text, links)
    ends = set(link_ends)  # "sign up at x.top. The ...": a full stop right after a link ends a sentence
    lo = start = 0
    add, rfind = cuts.add, text.rfind
    for m in _SENTENCE_END.finditer(text):
        dot = m.start()
        # a period right after a space, a line break or a tab (or at the start) ends no word, so it is
        # no abbreviation: no word to look up, and the walk's bounds can stay (a later walk over the
        # longer range finds the same last space); a period right after a link ends its sentence
        if text[dot] == "." and dot and text[dot - 1] not in " \n\t" and dot not in ends:
            punct = m.group()
            if len(punct) == 1 or len(punct.rstrip("\"'”’»)]")) == 1:
                # _word_start and _is_abbreviation, inlined (they run for most sentences)
                found = max(rfind(" ", lo, dot), rfind("\n", lo, dot), rfind("\t", lo, dot))
                lo, start = dot, (found + 1 if found >= 0 else start)
                word = text[start:dot].lstrip("(\"'“‘[")
                if word and (
                    "." in word
                    or (len(word) == 1 and word.isalpha())
                    or (len(word) <= 2 and word.isdigit())
                    or word.lower() in _ABBREVIATIONS
                ):
                    continue
        add(m.end())
    n = len(text)
    for le in link_ends:
        nxt = le
        while nxt < n and text[nxt] in " \t\u00a0":
            nxt += 1
        if le < nxt < n and text[nxt].isupper():
            cuts.add(le)
    pos = text.find("\n")
    while pos != -1:
        cuts.add(pos)
        pos = text.find("\n", pos + 1)
    return sorted(cuts)


def _split_long(start: int, end: int, text: str) -> Iterable[tuple[int, int]]:
    """Cut a run longer than MAX_SEGMENT_CHARS at whitespace (or hard, if there is none)."""
    while end - start > MAX_SEGMENT_CHARS:
        limit = start + MAX_SEGMENT_CHARS
        cut = text.rfind(" ", start + MAX_SEGMENT_CHARS // 2, limit)
        if cut <= start:
            cut = limit
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return start, start
    s = start + len(piece) - len(piece.lstrip())
    return s, s + len(stripped)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every blank-line separated block, whitespace trimmed, in order."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        s, e = _trimmed(text, pos, m.start())
        if e > s:
            out.append((s, e))
        pos = m.end()
    s, e = _trimmed(text, pos, len(text))
    if e > s:
        out.append((s, e))
    return out


def segment(text: str, link_ends: Sequence[int] = (), links: Sequence[tuple[int, int]] = ()) -> list[Segment]:
    """Cut ``text`` into segments (offsets into ``text``), in order, disjoint, whitespace-trimmed.

    ``link_ends`` are the end offsets of links found in the text: a link followed by a capitalized word
    ends a sentence even without punctuation.
    """
    segments: list[Segment] = []
    cuts = _cuts(text, link_ends, links)
    k = 0
    for p_index, (p_start, p_end) in enumerate(paragraphs(text)):
        k = bisect_right(cuts, p_start, k)
        stop = bisect_left(cuts, p_end, k)
        inner = cuts[k:stop]
        k = stop
        multi_line = text.find("\n", p_start, p_end) != -1
        pieces: list[tuple[int, int]] = []
        for a, b in zip([p_start, *inner], [*inner, p_end], strict=True):
            piece = text[a:b]
            stripped = piece.strip()
            if not stripped:
                continue
            s = a + piece.find(stripped[0])  # the first non-space character is where the strip ended
            e = s + len(stripped)
            if e - s > MAX_SEGMENT_CHARS:
                pieces.extend(_split_long(s, e, text))
            else:
                pieces.append((s, e))
        if multi_line:
            kind = "line"
        else:
            kind = "paragraph" if len(pieces) == 1 else "sentence"
        segments.extend(Segment(s, e, p_index, kind) for s, e in pieces)
    return segments
