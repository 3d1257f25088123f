"""``POST /v1/scan`` with an HTML page: ``{"html", "url"?, "id"?}`` as JSON, or the page itself as
``text/html`` (``?url=...&id=...`` in the query, the charset from ``Content-Type``). The answer is the scan
result plus the page's own fields (``text``, ``page_spans`` with element paths and source ranges,
``cleaned_html``). The route in ``main.py`` hands such requests here."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from moderation import Scanner
from moderation.html import HtmlError, HtmlScanner

from ._problems import ApiError

HTML = "text/html"


def charset_of(request: Request) -> str | None:
    """The ``charset`` parameter of the request's ``Content-Type``, if any."""
    for part in request.headers.get("content-type", "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


async def scan_page(
    scanner: Scanner, page: str | bytes, url: str | None, doc_id: Any, charset: str | None
) -> dict:
    """Scan one page in a worker thread; an unusable page is a 422 naming the problem."""

    def run() -> dict:
        return HtmlScanner(scanner).scan(page, url=url, id=doc_id, charset=charset).to_dict()

    try:
        return await run_in_threadpool(run)
    except HtmlError as exc:
        raise ApiError(422, f"html: {exc}") from None
