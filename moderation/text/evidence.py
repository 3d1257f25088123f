"""Evidence about segments that is ours, not learned: links inside them and readable reasons.

``link_features`` turns the links of each segment into the extra numeric columns the segment model sees
(``LINK_FEATURES``). ``explain`` turns the numbers behind a flagged span into sentences an editor can check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from ..urls.rules import LinkVerdict, Reputation, rule_evidence
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
    bounds: Sequence[tuple[int, int]], links: Sequence[FoundLink], reps: Sequence[Reputation]
) -> np.ndarray:
    """``LINK_FEATURES`` for segments at ``bounds``; ``links`` sorted by start, offsets in the same view."""
    out = np.zeros((len(bounds), len(LINK_FEATURES)), dtype=np.float32)
    if not links:
        return out
    j = 0
    for i, (s, e) in enumerate(bounds):
        while j < len(links) and links[j].start < s:
            j += 1
        k = j
        chars = 0
        while k < len(links) and links[k].start < e:
            lk, rep = links[k], reps[k]
            row = out[i]
            row[0] = 1.0
            row[1] = max(row[1], rep.score)
            row[2] = max(row[2], rep.abused_tld)
            row[3] = max(row[3], float(rep.tracking_path))
            row[4] = max(row[4], float(rep.shortener or rep.chat_invite))
            row[5] = max(row[5], float(lk.obfuscated))
            row[6] = max(row[6], float(rep.trusted))
            chars += min(lk.end, e) - lk.start
            k += 1
        if e > s:
            out[i, 7] = chars / (e - s)
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
    link_reasons: Sequence[str],
) -> list[str]:
    """Readable reasons for a flagged stretch of text (``text`` with its links blanked out)."""
    reasons: list[str] = []
    cues = []
    for m in _CTA_PHRASES.finditer(text):
        cue = m.group().lower()
        if cue not in cues:
            cues.append(cue)
    if text_score >= 0.5:
        if cues:
            quoted = ", ".join(f"'{c}'" for c in cues[:4])
            reasons.append(f"reads like a spam call to action ({quoted}; text model {text_score:.2f})")
        else:
            reasons.append(f"reads like spam or chat, not news (text model {text_score:.2f})")
    if _PHONE.search(text):
        reasons.append("asks the reader to call or text a number")
    reasons.extend(link_reasons)
    if seg_lang and doc_lang and seg_lang != doc_lang:
        reasons.append(
            f"written in {LANGUAGE_NAMES.get(seg_lang, seg_lang)} inside a "
            f"{LANGUAGE_NAMES.get(doc_lang, doc_lang)} article"
        )
    if similarity < 0.05:
        reasons.append("off-topic: shares almost no words with the rest of the article")
    if not reasons:
        reasons.append(f"out of place in this article (context model {score:.2f})")
    return reasons


def assess(link: FoundLink) -> Reputation:
    """Judge one link from its shape alone."""
    userinfo = "@" in link.raw.split("//", 1)[-1].split("/", 1)[0]
    weight, reasons, tracking, h = rule_evidence(
        link.host, link.domain, link.suffix, link.path, userinfo, link.obfuscated
    )
    score = 1.0 / (1.0 + math.exp(-weight))
    verdict: LinkVerdict
    if h.trusted and score < 0.5:
        verdict = "trusted"
    elif score >= 0.85:
        verdict = "malicious"
    elif score >= 0.5:
        verdict = "suspicious"
    else:
        verdict = "neutral"
    return Reputation(
        score, verdict, reasons, h.abuse, tracking, h.shortener, h.chat_invite, h.ip_host, h.trusted, weight
    )
