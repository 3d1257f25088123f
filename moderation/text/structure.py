"""Shapes of legitimate newsroom text that the text models mistake for spam (detection v2).

Why rules and not only training: an embedded social post (``... pic.twitter.com/AbC — Name (@handle)
June 4, 2021``) and a transcript's speaker turn (``Q: ... A: ...``, ``MARTIN: ...``) are chatty, short
and link-bearing, everything the segment model learned spam to be, and their shape is fixed by the
platform or the newsroom's style, not by the writer. A segment with such a shape and no other sign of
spam (no link outside the social platforms, no phone number) has its probability scaled down, the way
an all-trusted link does (``linkpull.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

LEGIT_FACTOR = 0.25
_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember"
    r"|janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)[a-z]*\.?"
)
_EMBED_SIGNATURE = re.compile(
    r"[—–-]\s*[^()\n]{1,60}\(@\w{1,30}\)\s*(?:" + _MONTH + r"\s+\d{1,2},?\s+\d{4}|\d)"
)
_SOCIAL = re.compile(r"^(?:pic\.twitter\.com|t\.co|twitter\.com|x\.com)/\S*$", re.I)
_SPEAKER = re.compile(
    r"^(?:Q|A|P|R|F|Frage|Antwort|Pergunta|Resposta|T|J|Tanya|Jawab"
    r"|[A-ZÄÖÜ][A-ZÄÖÜ'\-]{1,20}(?: [A-Z]\.?)?)\s?:\s"
)
_PHONE = re.compile(r"\d[\d ./-]{7,}\d")


def _linkish(text: str) -> list[str]:
    """The whitespace-separated words that look like a link with a path (a dot after the first
    character, then a slash at least two characters later). What the regex ``\\S+\\.\\S+/\\S*`` finds,
    in one pass: that regex backtracked cubically on a long run of dots or ellipses (26 s for 2,000 of
    them). A text without a slash has none (most sentences: no split needed)."""
    if "/" not in text:
        return []
    found = []
    for word in text.split():
        dot = word.find(".", 1)
        if dot != -1 and word.find("/", dot + 2) != -1:
            found.append(word)
    return found


def _only_social_links(text: str) -> bool:
    return all(_SOCIAL.match(w.strip("()[].,;")) for w in _linkish(text))


def _shaped(text: str) -> bool:
    """Does the segment have an embedded post's or a speaker turn's shape? (The signature needs a
    literal "(@", a platform link a "/", a speaker turn a ":": tested first, so most segments cost
    three substring tests.)"""
    if "/" not in text and ":" not in text and "(@" not in text:
        return False
    stripped = text.strip()
    return bool(
        ("(@" in text and _EMBED_SIGNATURE.search(text))
        or _SOCIAL.match(stripped)
        or (_SPEAKER.match(stripped) and not _linkish(text))
    )


def legit_shapes(texts: Sequence[str], paragraphs: Sequence[int]) -> np.ndarray:
    """For each segment: is it part of an embedded post or a speaker turn (the shape is looked for in
    its whole paragraph: a post's text and its signature are separate sentences) with nothing spam-like
    in the segment itself? The segments' own checks run only in shaped paragraphs (few articles have
    any), and a paragraph already shaped is not tested again."""
    shaped: set[int] = set()
    # only a segment with one of _shaped's marks can be shaped: one comprehension finds them (a call per
    # segment was visible on texts of 500,000 tiny segments)
    marked = [i for i, t in enumerate(texts) if "/" in t or ":" in t or "(@" in t]
    for i in marked:
        if paragraphs[i] not in shaped and _shaped(texts[i]):
            shaped.add(paragraphs[i])
    out = np.zeros(len(texts), dtype=bool)
    if shaped:
        for i, (t, par) in enumerate(zip(texts, paragraphs, strict=True)):
            out[i] = par in shaped and not _PHONE.search(t) and _only_social_links(t)
    return out


def wordless(texts: Sequence[str]) -> np.ndarray:
    """For each segment: does it hold no letter at all (a live blog's "09:40", a score "2-1", a figure
    line)? Such a segment says nothing by itself, yet a model that reads short lines as spam can flag
    it; its probability is scaled down like a legitimate shape's. (A phone number alone on a line is the
    one spam this lets by: spam lines carry words.)"""
    out = np.zeros(len(texts), dtype=bool)
    for i, t in enumerate(texts):
        # every letter is a word character that is neither a decimal digit nor "_", so a segment
        # without one has no letter (one search in C); what the class finds is a letter but for a few
        # other digits and numerals ("²", "½"), for which the characters are read one by one
        m = _LETTER_OR_NUMERAL.search(t)
        out[i] = m is None or (not m.group().isalpha() and not any(c.isalpha() for c in t))
    return out


_LETTER_OR_NUMERAL = re.compile(r"[^\W\d_]")
