"""Judge one URL on its own and return it as a ``Link`` (the shape links have in scan results).

``UrlChecker.check`` is the fuller answer (list hits, normalized URL, errors as reports); this keeps the
``Link`` shape for callers that want the same object a scan returns.
"""

from __future__ import annotations

from ._errors import InputError
from ._links import find_links
from ._normalize import normalize
from ._reputation import assess
from ._types import Link

MAX_URL_CHARS = 100_000


def check_url(url: str) -> Link:
    """The reputation of ``url``, which must be one link (scheme optional, defanged forms accepted).

    Raises ``InputError`` when the string is empty, too long, or not a link.
    """
    if not isinstance(url, str) or not url.strip():
        raise InputError("empty URL")
    if len(url) > MAX_URL_CHARS:
        raise InputError(f"URL longer than {MAX_URL_CHARS} characters")
    stripped = url.strip()
    norm = normalize(stripped)
    links = find_links(norm.text)
    if not links:
        raise InputError("not a URL or domain name")
    lk = max(links, key=lambda x: x.end - x.start)
    from ._url_checker import UrlChecker
    from ._urlparse import UrlError, parse_url

    rep = assess(lk)
    score, verdict, reasons = rep.score, rep.verdict, rep.reasons
    try:
        report = UrlChecker.default().judge(parse_url(lk.url), obfuscated=lk.obfuscated)
        score, verdict, reasons = report.score, report.verdict, report.reasons
    except UrlError:
        pass
    start, end = norm.to_original(lk.start, lk.end)
    return Link(
        start,
        end,
        stripped[start:end],
        lk.url,
        lk.host,
        lk.registered_domain,
        lk.suffix,
        score,
        verdict,
        reasons,
        lk.obfuscated,
    )
