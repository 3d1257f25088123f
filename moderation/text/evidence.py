"""Evidence about segments that is ours, not learned: links inside them and the reasons for a span.

``link_features`` turns the links of each segment into the extra numeric columns the segment model sees
(``LINK_FEATURES``): the URL checker's *rule* evidence (``urls/rules.py``), which is what the models were
trained on. That is the model/feature contract: the checker's lists, lexical model and look-alike weights
change a link's reported verdict, never these columns, so a new URL rule moves the text model's inputs
only through ``RuleEvidence`` (and a retrain). ``explain`` turns the numbers behind a flagged span into
``Reason`` codes an editor can read (``moderation/_reasons.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .._reasons import Reason
from ..urls.checker import UrlReport
from .links import FoundLink

LINK_FEATURES: tuple[str, ...] = (
    "has_link",
    "max_link_score",
    "abused_tld",
    "tracking_path",
    "shortener_or_invite",
    "obfuscated_link",
    "trusted_link",
    "link_share",
)

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "pt": "Portuguese",
    "id": "Indonesian",
    "es": "Spanish",
    "fr": "French",
}


def link_features(
    bounds: Sequence[tuple[int, int]], links: Sequence[FoundLink], reports: Sequence[UrlReport]
) -> np.ndarray:
    """``LINK_FEATURES`` for segments at ``bounds``; ``links`` sorted by start, offsets in the same view,
    ``reports`` the checker's judgement of each (its rule evidence is what the columns read).

    A segment's links are those starting inside it: one bisection of the link starts per bound. Its
    columns are the maximum of its links' (from 0), its link share the characters they cover in it.
    Vectorized over segments (a loop per segment and link was a second per MB of ``'a.io ' * n``); the
    numbers are those of that loop: the maxima run in link order and the share is the same integer
    ratio, rounded to float32 once. With few links (most articles) the loop itself runs: a dozen
    array operations cost more than it there."""
    out = np.zeros((len(bounds), len(LINK_FEATURES)), dtype=np.float32)
    if not links or not bounds:
        return out
    if len(links) < MANY_LINKS:
        return _columns_each(bounds, links, reports, out)
    per_link = _link_columns(links, reports)
    link_starts = np.fromiter((lk.start for lk in links), dtype=np.int64, count=len(links))
    link_ends = np.fromiter((lk.end for lk in links), dtype=np.int64, count=len(links))
    seg = np.array(bounds, dtype=np.int64).reshape(-1, 2)
    first = np.searchsorted(link_starts, seg[:, 0], side="left")  # the first link starting in it
    stop = np.searchsorted(link_starts, seg[:, 1], side="left")  # the first starting after it
    rows = np.flatnonzero(stop > first)
    if not len(rows):
        return out
    first, stop, s, e = first[rows], stop[rows], seg[rows, 0], seg[rows, 1]
    # links are disjoint and sorted: only a segment's last link can reach past its end
    covered = np.zeros(len(links) + 1, dtype=np.int64)
    np.cumsum(link_ends - link_starts, out=covered[1:])
    chars = covered[stop] - covered[first] - np.maximum(link_ends[stop - 1] - e, 0)
    width = e - s
    share = np.divide(chars, width, out=np.zeros(len(rows)), where=width > 0)
    # the ranges [first, stop) are disjoint and rising: one reduceat over their interleaved edges
    padded = np.vstack([per_link, np.zeros((1, per_link.shape[1]))])
    edges = np.empty(2 * len(rows), dtype=np.int64)
    edges[0::2], edges[1::2] = first, stop
    columns = np.maximum(np.zeros(1), np.maximum.reduceat(padded, edges, axis=0)[0::2])
    out[rows, 0] = 1.0
    out[rows, 1:7] = columns
    out[rows, 7] = share
    return out


# from this many links in a document on, the columns are computed over arrays (below, per segment)
MANY_LINKS = 64


def _columns_each(
    bounds: Sequence[tuple[int, int]],
    links: Sequence[FoundLink],
    reports: Sequence[UrlReport],
    out: np.ndarray,
) -> np.ndarray:
    """``link_features`` by walking the segments and their links: each link's columns once, a segment's
    row their maximum (max then rounding to float32 equals rounding then max: the rounding is monotone)."""
    per_link = [tuple(row) for row in _link_columns(links, reports).tolist()]
    rows, values = [], []
    j = 0
    for i, (s, e) in enumerate(bounds):
        while j < len(links) and links[j].start < s:
            j += 1
        k = j
        while k < len(links) and links[k].start < e:
            k += 1
        if k == j:
            continue
        chars = sum(min(links[m].end, e) - links[m].start for m in range(j, k))
        columns = tuple(map(max, _ZEROS, *per_link[j:k]))  # from 0, as the row starts
        rows.append(i)
        values.append((1.0, *columns, chars / (e - s) if e > s else 0.0))
    if rows:
        out[rows] = values
    return out


_ZEROS = (0.0,) * 6


def _link_columns(links: Sequence[FoundLink], reports: Sequence[UrlReport]) -> np.ndarray:
    """Each link's six rule-evidence columns (float64), built once per distinct (report, disguise): a
    text repeating one link shares one report (``scanner._judge_all``)."""
    index: dict[tuple[int, bool], int] = {}
    table: list[tuple[float, ...]] = []
    which = []
    for lk, report in zip(links, reports, strict=True):
        key = (id(report), lk.obfuscated)
        k = index.get(key)
        if k is None:
            rep = report.rules
            assert rep is not None  # a judged link always carries its rule evidence
            k = index[key] = len(table)
            table.append(
                (
                    rep.score,
                    rep.abused_tld,
                    float(rep.tracking_path),
                    float(rep.shortener or rep.chat_invite),
                    float(lk.obfuscated),
                    float(rep.trusted),
                )
            )
        which.append(k)
    return np.array(table, dtype=np.float64)[np.array(which, dtype=np.intp)]


_CTA_PHRASES = re.compile(
    r"\b(make money|earn|sign(?:ing)? up|join|subscribe|click|claim|win|won|free|call|text|txt|reply|"
    r"visit|check (?:out|my)|buy|cheap|bonus|loan|casino|bet(?:ting)?|jackpot|slot|crypto|bitcoin|"
    r"followers|likes|essay|spell|prize|gift|daftar|gratis|ganhe|jetzt|kostenlos)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\+?\d[\d .-]{6,}\d")


def explain(
    text: str,
    score: float,
    text_score: float,
    similarity: float,
    seg_lang: str | None,
    doc_lang: str | None,
    link_reasons: Sequence[Reason],
) -> list[Reason]:
    """The reasons for a flagged stretch of text (``text`` with its links blanked out)."""
    reasons: list[Reason] = []
    cues = []
    for m in _CTA_PHRASES.finditer(text):
        cue = m.group().lower()
        if cue not in cues:
            cues.append(cue)
    if text_score >= 0.5:
        if cues:
            reasons.append(Reason("TEXT_CALL_TO_ACTION", {"cues": cues[:4], "score": text_score}))
        else:
            reasons.append(Reason("TEXT_SPAM_STYLE", {"score": text_score}))
    if _PHONE.search(text):
        reasons.append(Reason("TEXT_PHONE_NUMBER"))
    reasons.extend(link_reasons)
    if seg_lang and doc_lang and seg_lang != doc_lang:
        names = {"language": LANGUAGE_NAMES.get(seg_lang, seg_lang)}
        names["article_language"] = LANGUAGE_NAMES.get(doc_lang, doc_lang)
        reasons.append(Reason("TEXT_OTHER_LANGUAGE", names))
    if similarity < 0.05:
        reasons.append(Reason("TEXT_OFF_TOPIC"))
    if not reasons:
        reasons.append(Reason("TEXT_OUT_OF_PLACE", {"score": score}))
    return reasons
