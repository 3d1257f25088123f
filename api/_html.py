"""HTML pages on the scan endpoints: ``{"html", "url"?, "id"?}`` as JSON (``POST /v1/scan``, or a document
of ``POST /v1/scan/batch``), or the page itself as ``text/html`` (``POST /v1/scan``: ``?url=...&id=...`` in
the query, the charset from ``Content-Type``). A page record is checked by the library's one record rule
with ``html`` in the text's place (``moderation.text.html.PAGE_FIELDS``); the answer is the scan result
plus the page's own fields (``text``, ``title``, ``page_spans`` with element paths and source ranges,
``cleaned_html``, ``encoding``, ``notes``). The routes in ``_scan.py`` hand such requests here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from moderation import Document, HtmlError, HtmlScanner, Scanner
from moderation.text.html import PAGE_FIELDS

from ._problems import ApiError

HTML = "text/html"


@dataclass(frozen=True, slots=True)
class Page:
    """A page to scan: a string (from a JSON record that passed the record rule) or the body's bytes
    (``charset``: the transport's, else sniffed)."""

    html: str | bytes
    id: Any = None
    url: str | None = None
    charset: str | None = None

    @classmethod
    def of(cls, doc: Document) -> Page:
        """A page record read by the record rule (``PAGE_FIELDS``: the page is the document's text)."""
        return cls(doc.text, doc.id, doc.url)


def is_page(obj: Any) -> bool:
    """A JSON record is a page when it has ``html`` and no ``text``."""
    return isinstance(obj, dict) and "html" in obj and "text" not in obj


def page_of_body(request: Request, body: bytes) -> Page:
    """A ``text/html`` body: the page's bytes, its id and URL from the query, the charset from the type."""
    q = request.query_params
    charset = None
    for part in request.headers.get("content-type", "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    return Page(body, q.get("id"), q.get("url"), charset)


def scan_pages(scanner: Scanner, pages: list[Page]) -> list[dict[str, Any]]:
    """Scan pages (in a worker thread): their JSON results, in order; an unusable page is a 422."""
    items = [{"html": p.html, "id": p.id, "url": p.url, "charset": p.charset} for p in pages]
    try:
        return [r.to_dict() for r in HtmlScanner(scanner).scan_many(items, batch_size=max(1, len(items)))]
    except HtmlError as exc:
        raise ApiError(422, f"html: {exc}") from None


def scan_mixed(scanner: Scanner, items: list[Any], scan_texts: Any) -> list[dict[str, Any]]:
    """A batch of documents and pages: each kind scanned in one go, the results back in input order."""
    pages = [i for i, x in enumerate(items) if isinstance(x, Page)]
    if not pages:
        return list(scan_texts(items))
    texts = [x for x in items if not isinstance(x, Page)]
    results: list[Any] = list(scan_texts(texts)) if texts else []
    for i, result in zip(pages, scan_pages(scanner, [items[i] for i in pages]), strict=True):
        results.insert(i, result)
    return results


async def scan_page(scanner: Scanner, page: Page) -> dict[str, Any]:
    """One page, in a worker thread."""
    (result,) = await run_in_threadpool(scan_pages, scanner, [page])
    return result


__all__ = ["HTML", "PAGE_FIELDS", "Page", "is_page", "page_of_body", "scan_mixed", "scan_page"]
