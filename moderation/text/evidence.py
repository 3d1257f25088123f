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

_ZEROS = (0.0,) * 6

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
    ``reports`` the checker's judgement of each (its rule evidence is what the columns read)."""
    out = np.zeros((len(bounds), len(LINK_FEATURES)), dtype=np.float32)
    if not links:
        return out
    # each link's columns once, as Python numbers; a segment's row is their maximum, written once
    # (max then rounding to float32 equals rounding then max: the rounding is monotone)
    per_link = []
    for lk, report in zip(links, reports, strict=True):
        rep = report.rules
        assert rep is not None  # a judged link always carries its rule evidence
        per_link.append(
            (
                rep.score,
                rep.abused_tld,
                float(rep.tracking_path),
                float(rep.shortener or rep.chat_invite),
                float(lk.obfuscated),
                float(rep.trusted),
            )
        )
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
