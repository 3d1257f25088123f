"""The URL checker's verdict in the span decision (detection v2).

Why: the text models read only each link's rule evidence (the model/feature contract, ``evidence.py``),
so a link the checker calls malicious from its lists or lexical model (0.999) did not make its sentence
a span, and a link to a deployment's allowlisted or well-known source did not protect its sentence. The
checker's final verdict now moves the segment's probability after the models, visibly: a malicious link
lifts it to the decision threshold, a segment whose links are all trusted (or all quoted indicators,
``x[.]top``) is scaled down, and the span's reasons say which happened. Another defanged form
(``hxxp://x.top``), or a malicious verdict from the lexical model alone (no list hit, no rule
evidence), lifts only when the text model itself leans to spam.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..urls.checker import UrlReport
    from .links import FoundLink
    from .results import Segment

TRUSTED_FACTOR = 0.25
# A lift that the text must second: the text model's own score (the sentence alone) at least this.
LEANING_TEXT_SCORE = 0.5
# The lexical model alone calls links into large platforms malicious (pic.twitter.com 0.997,
# docs.google.com 0.99: the URL checker's known gap), so a lift whatever the text says needs a
# block-list hit or rule evidence; the lexical model alone lifts only a sentence the text model leans on.
RULE_EVIDENCE = 0.3


def _lifts(link: FoundLink, report: UrlReport, text_score: float) -> bool:
    """Does this link make its segment spam? Malicious and not a quoted indicator; by lists or rules
    for a plainly written link, otherwise (a defanged form, or the lexical model alone) only when the
    text leans to spam too."""
    if report.verdict != "malicious" or _quoted(link):
        return False
    evidence = bool(report.list_hits) or (report.rules is not None and report.rules.score >= RULE_EVIDENCE)
    if evidence and not link.obfuscated:
        return True
    return text_score >= LEANING_TEXT_SCORE


def _vouched(report: UrlReport) -> bool:
    """Trusted because someone vouches for the site: the deployment's allowlist or the well-known-source
    rule (a government, an encyclopedia, a news outlet). Popularity alone does not pull a sentence towards
    clean: link spam points at popular hosts all the time (an app-store page, a music profile, a
    fundraiser, a redirect through a search engine), and those are judged as text, as before."""
    if report.verdict != "trusted":
        return False
    return any(h.kind == "allow" for h in report.list_hits) or any(
        r.code == "URL_TRUSTED_SOURCE" for r in report.reasons
    )


def _quoted(link: FoundLink) -> bool:
    """Written the way security reporting quotes an indicator (``x[.]top``), which spam does not."""
    return "[.]" in link.raw or "(.)" in link.raw or "[dot]" in link.raw.lower()


def link_pull(
    segments: Sequence[Segment],
    links: Sequence[FoundLink],
    reports: Sequence[UrlReport],
    proba: np.ndarray,
    text_score: np.ndarray,
    floor: float,
) -> tuple[np.ndarray, list[str | None]]:
    """(adjusted probabilities, per segment ``"malicious"`` / ``"trusted"`` / None).

    A segment's links are those that end after its start and start before its end. Each link's part in
    the rules (lifts, lifts only with a spam-leaning text, vouched for, quoted) is worked out once per
    distinct link and report; a segment's outcome comes from counts of them over its range of links
    (prefix sums, one bisection per segment bound), so a text of 200,000 links costs no Python step per
    segment and link. The rules apply in the same order as before: a lift, else all vouched for, else
    all quoted. With few links (most articles) the segments are walked in Python, the same rules:
    a dozen array operations cost more than the walk there."""
    out = proba.copy()
    pulls: list[str | None] = [None] * len(segments)
    if not links or not segments:
        return out, pulls
    if len(links) < MANY_LINKS:
        _pull_each(segments, links, reports, out, pulls, text_score, floor)
        return out, pulls
    flags = _link_flags(links, reports)  # columns: lifts, lifts if defanged, vouched, quoted
    counts = np.zeros((len(links) + 1, flags.shape[1]), dtype=np.int64)
    np.cumsum(flags, axis=0, out=counts[1:])
    link_starts = np.fromiter((lk.start for lk in links), dtype=np.int64, count=len(links))
    link_ends = np.fromiter((lk.end for lk in links), dtype=np.int64, count=len(links))
    seg_starts = np.fromiter((sg.start for sg in segments), dtype=np.int64, count=len(segments))
    seg_ends = np.fromiter((sg.end for sg in segments), dtype=np.int64, count=len(segments))
    first = np.searchsorted(link_ends, seg_starts, side="right")  # the first link ending after its start
    stop = np.maximum(np.searchsorted(link_starts, seg_ends, side="left"), first)
    inside = stop - first
    has = inside > 0
    n = counts[stop] - counts[first]
    bad = has & ((n[:, 0] > 0) | ((n[:, 1] > 0) & (text_score >= LEANING_TEXT_SCORE)))
    vouched = has & ~bad & (n[:, 2] == inside)
    quoted = has & ~bad & ~vouched & (n[:, 3] == inside)
    out[bad] = np.maximum(out[bad], floor)
    out[vouched | quoted] *= TRUSTED_FACTOR
    for j in np.flatnonzero(bad).tolist():
        pulls[j] = "malicious"
    for j in np.flatnonzero(vouched).tolist():
        pulls[j] = "trusted"
    return out, pulls


# from this many links in a document on, the pull is counted over arrays (below it, walked per segment)
MANY_LINKS = 64


def _pull_each(
    segments: Sequence[Segment],
    links: Sequence[FoundLink],
    reports: Sequence[UrlReport],
    out: np.ndarray,
    pulls: list[str | None],
    text_score: np.ndarray,
    floor: float,
) -> None:
    """``link_pull`` by walking the segments and their links (``out`` and ``pulls`` updated in place)."""
    k = 0
    for j, seg in enumerate(segments):
        while k < len(links) and links[k].end <= seg.start:
            k += 1
        m = k
        while m < len(links) and links[m].start < seg.end:
            m += 1
        inside = range(k, m)
        if not inside:
            continue
        if any(_lifts(links[i], reports[i], float(text_score[j])) for i in inside):
            out[j] = max(out[j], floor)
            pulls[j] = "malicious"
        elif all(_vouched(reports[i]) for i in inside):
            out[j] *= TRUSTED_FACTOR
            pulls[j] = "trusted"
        elif all(_quoted(links[i]) for i in inside):  # a report quoting indicators, not an advert
            out[j] *= TRUSTED_FACTOR


def _link_flags(links: Sequence[FoundLink], reports: Sequence[UrlReport]) -> np.ndarray:
    """Per link (rows) whether it lifts its segment whatever the text says, lifts it only when the text
    leans to spam (a defanged form), is vouched for, is a quoted indicator; once per distinct (report,
    written form)."""
    memo: dict[tuple[int, str, bool], tuple[bool, bool, bool, bool]] = {}
    rows = []
    for lk, report in zip(links, reports, strict=True):
        key = (id(report), lk.raw, lk.obfuscated)
        row = memo.get(key)
        if row is None:
            plain = _lifts(lk, report, 0.0)  # whatever the text says
            leaning = _lifts(lk, report, 1.0) and not plain  # only when the text leans to spam
            row = memo[key] = (plain, leaning, _vouched(report), _quoted(lk))
        rows.append(row)
    return np.array(rows, dtype=bool).reshape(-1, 4)
