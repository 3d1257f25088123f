"""The URL checker's verdict in the span decision (detection v2).

Why: the text models read only each link's rule evidence (the model/feature contract, ``evidence.py``),
so a link the checker calls malicious from its lists or lexical model (0.999) did not make its sentence
a span, and a link to a deployment's allowlisted or well-known source did not protect its sentence. The
checker's final verdict now moves the segment's probability after the models, visibly: a malicious link
lifts it to the decision threshold, a segment whose links are all trusted (or all quoted indicators,
``x[.]top``) is scaled down, and the span's reasons say which happened. Another defanged form
(``hxxp://x.top``) lifts only when the text model itself leans to spam.
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
DEFANGED_TEXT_SCORE = 0.5
# The lexical model alone calls links into large platforms malicious (pic.twitter.com 0.997,
# docs.google.com 0.99: the URL checker's known gap), so a lift needs a block-list hit or rule evidence.
RULE_EVIDENCE = 0.3


def _lifts(link: FoundLink, report: UrlReport, text_score: float) -> bool:
    """Does this link make its segment spam? Malicious, by lists or rules, and not a quoted indicator."""
    if report.verdict != "malicious":
        return False
    if not report.list_hits and (report.rules is None or report.rules.score < RULE_EVIDENCE):
        return False
    return not _quoted(link) and (not link.obfuscated or text_score >= DEFANGED_TEXT_SCORE)


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
    """(adjusted probabilities, per segment ``"malicious"`` / ``"trusted"`` / None)."""
    out = proba.copy()
    pulls: list[str | None] = [None] * len(segments)
    if not links:
        return out, pulls
    k = 0
    for j, seg in enumerate(segments):
        while k < len(links) and links[k].end <= seg.start:
            k += 1
        inside = []
        m = k
        while m < len(links) and links[m].start < seg.end:
            inside.append(m)
            m += 1
        if not inside:
            continue
        bad = [i for i in inside if _lifts(links[i], reports[i], float(text_score[j]))]
        if bad:
            out[j] = max(out[j], floor)
            pulls[j] = "malicious"
        elif all(_vouched(reports[i]) for i in inside):
            out[j] *= TRUSTED_FACTOR
            pulls[j] = "trusted"
        elif all(_quoted(links[i]) for i in inside):  # a report quoting indicators, not an advert
            out[j] *= TRUSTED_FACTOR
    return out, pulls
