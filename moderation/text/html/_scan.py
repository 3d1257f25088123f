"""The HTML path: page in, ``HtmlScanResult`` out.

::

    bytes -> decode (BOM, charset, meta, checked against the bytes)     _decode.py
    str   -> parse (elements and text nodes with source ranges)           _parse.py
          -> extract (article text + offset map; hidden/ad/comment/furniture facts per element)  _extract.py
          -> anchors (targets, rel, anchor text)                          _anchors.py
          -> the HTML rules decide elements on their own                  _judge.py
          -> the text engine scans the article text and the comments (one batch for many pages)
          -> engine spans become page spans (whole blocks, or balanced source ranges), HTML findings
             inside the article become text spans; both merged
          -> cleaned text, cleaned page (the page spans cut out, nothing else touched)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..._errors import HtmlError
from ..._reasons import Reason
from ..cut import cut_spans
from ..document import RecordFields
from ..results import ScanResult
from ._anchors import anchors, own_domains
from ._decode import decode
from ._extract import Extraction, extract
from ._judge import Finding, Judge
from ._merge import (
    chunks,
    comment_doc,
    comment_findings,
    cut,
    embeds,
    engine_findings,
    join_results,
    merge_spans,
    outermost,
    range_text,
    trim,
    unique,
    visible,
    without_embedded,
)
from ._parse import parse
from ._result import HtmlScanResult, PageSpan

if TYPE_CHECKING:
    from ..scanner import Scanner

#: The record rule's fields for a page record (``{"html", "id"?, "url"?}``): the page in the text's place,
#: so a record without a page string is rejected like a text record without its text.
PAGE_FIELDS = RecordFields(text="html", id="id", url="url", lang=None)

MAX_BYTES = 32 * 1024 * 1024
CHUNK = 100_000  # characters of article text per engine document


@dataclass
class _Page:
    id: Any
    url: str | None
    ext: Extraction
    findings: list[Finding]
    encoding: str | None
    notes: list[str]
    comments: list[tuple[int, int, int]] = field(default_factory=list)  # (item, start, end) in comment_text
    comment_text: str = ""
    embeds: list[tuple[int, int]] = field(default_factory=list)  # source ranges of embedded social posts


def _as_item(item: Any, index: int) -> tuple[str | bytes, str | None, Any, str | None]:
    if isinstance(item, str | bytes):
        return item, None, index, None
    if isinstance(item, Mapping):
        page = item.get("html")
        if not isinstance(page, str | bytes):
            what = (
                "no 'html' field"
                if page is None
                else f"'html' is {type(page).__name__}, not a string or bytes"
            )
            raise HtmlError(f"record has {what}", record_id=item.get("id", index))
        url = item.get("url")
        charset = item.get("charset")
        return (
            page,
            url if isinstance(url, str) else None,
            item.get("id", index),
            charset if isinstance(charset, str) else None,
        )
    raise HtmlError(
        f"cannot scan a {type(item).__name__} as HTML; give a string, bytes or a mapping with 'html'"
    )


class HtmlScanner:
    """Scans HTML pages with a text ``Scanner`` (thread-safe like it; build once, scan many).

    Args:
        scanner: the text engine; ``None`` = HTML evidence only (no text model, no article spans).
        max_bytes: pages larger than this are refused with an ``HtmlError`` (default 32 MiB).
        url_checker: judges link targets (default: the scanner's, else ``UrlChecker.default()``).
    """

    def __init__(self, scanner: Scanner | None, max_bytes: int = MAX_BYTES, url_checker: Any = None) -> None:
        self.scanner = scanner
        self.max_bytes = max_bytes
        self._url_checker = url_checker

    @property
    def _checker(self) -> Any:
        """The scanner's URL checker; without a scanner, ``UrlChecker.default()`` (no text models loaded)."""
        if self._url_checker is None:
            if self.scanner is not None:
                self._url_checker = self.scanner.url_checker
            else:
                from ...urls.checker import UrlChecker

                self._url_checker = UrlChecker.default()
        return self._url_checker

    def scan(
        self, html: str | bytes, url: str | None = None, id: Any = None, charset: str | None = None
    ) -> HtmlScanResult:
        """Scan one page (``bytes`` are decoded: ``charset`` from the transport, else sniffed)."""
        if not isinstance(html, str | bytes):
            raise HtmlError(f"html must be a string or bytes, not {type(html).__name__}", record_id=id)
        return next(iter(self.scan_many([{"html": html, "url": url, "id": id, "charset": charset}])))

    def scan_many(self, items: Iterable[Any], batch_size: int | None = None) -> Iterator[HtmlScanResult]:
        """Scan pages (strings, bytes, or ``{"html", "url", "id", "charset"}`` mappings) in input order; the
        text engine runs once per batch."""
        size = batch_size or (self.scanner.settings.batch_size if self.scanner else 64)
        batch: list[_Page] = []
        for i, item in enumerate(items):
            batch.append(self.prepare(*_as_item(item, i)))
            if len(batch) >= size:
                yield from self._finish_batch(batch)
                batch = []
        if batch:
            yield from self._finish_batch(batch)

    def prepare(self, html: str | bytes, url: str | None, id: Any, charset: str | None = None) -> _Page:
        """Everything before the text engine: decode, parse, extract, the HTML rules."""
        notes: list[str] = []
        encoding = None
        if isinstance(html, bytes):
            if len(html) > self.max_bytes:
                raise HtmlError(
                    f"page of {len(html):,} bytes exceeds the limit of {self.max_bytes:,}", record_id=id
                )
            decoded = decode(html, charset)
            text, encoding = decoded.text, decoded.encoding
            if decoded.note:
                notes.append(decoded.note)
        elif isinstance(html, str):
            if len(html) > self.max_bytes:
                raise HtmlError(
                    f"page of {len(html):,} characters exceeds the limit of {self.max_bytes:,}", record_id=id
                )
            text = html
        else:
            raise HtmlError(f"html must be a string or bytes, not {type(html).__name__}", record_id=id)
        if "\x00" in text:
            text = text.replace("\x00", "\ufffd")  # as the HTML rules do; keeps offsets
            notes.append("NUL characters read as U+FFFD")
        tree = parse(text)
        if tree.truncated:
            notes.append("markup ends inside a tag or comment; the rest of the page was not read")
        if tree.flattened:
            notes.append("elements nested deeper than 512 levels were flattened")
        ext = extract(tree)
        own = own_domains(tree, url)
        base = url or _canonical(tree)
        links = anchors(tree, base, own)
        findings = Judge(ext, links, self._checker, base, own).run()
        comments, comment_text = comment_doc(ext)
        return _Page(id, url, ext, findings, encoding, notes, comments, comment_text, embeds(tree, links))

    def _finish_batch(self, pages: Sequence[_Page]) -> list[HtmlScanResult]:
        """One ``scan_many`` for the batch's article texts and comments. Texts longer than ``CHUNK`` go in
        pieces cut at paragraph breaks (the engine's cost grows faster than linearly with one document's
        length: 0.4 s for 0.7 MB, 3.5 s for 2.8 MB), and the pieces' results are joined back."""
        text_results: list[ScanResult | None] = [None] * len(pages)
        comment_results: list[ScanResult | None] = [None] * len(pages)
        if self.scanner is None:
            return [self.finish(p, None, None) for p in pages]
        docs: list[dict[str, Any]] = []
        where: list[tuple[int, int, int]] = []  # (page, 0 text / 1 comments, offset of the piece)
        for k, p in enumerate(pages):
            for kind, text in ((0, p.ext.text), (1, p.comment_text)):
                if text.strip():
                    for a, b in chunks(text, CHUNK):
                        docs.append({"text": text[a:b], "id": p.id, "url": p.url})
                        where.append((k, kind, a))
        results = list(self.scanner.scan_many(docs, batch_size=max(1, len(docs)))) if docs else []
        for (k, kind, offset), res in zip(where, results, strict=True):
            target = text_results if kind == 0 else comment_results
            target[k] = join_results(target[k], res, offset)
        return [self.finish(p, text_results[k], comment_results[k]) for k, p in enumerate(pages)]

    def finish(self, page: _Page, text: ScanResult | None, comments: ScanResult | None) -> HtmlScanResult:
        """Merge the text engine's spans with the HTML findings; cut both out of the text and the page."""
        ext = page.ext
        findings = list(page.findings)
        if text is not None and page.embeds:
            text = without_embedded(ext, text, page.embeds)
        if text is not None:
            findings.extend(engine_findings(ext, text))
        if comments is not None:
            findings.extend(comment_findings(ext, page.comments, page.comment_text, comments))
        findings = outermost(findings)
        tree = ext.tree
        page_spans = []
        text_spans: list[tuple[int, int, float, list[Reason]]] = []
        for f in findings:
            el = tree.elements[f.element]
            if f.start == el.start and f.end == el.end:
                where = ext.text_range(f.element)
            else:
                where = range_text(ext, f)
            if where is not None:
                where = trim(ext.text, *where)
            page_spans.append(
                PageSpan(
                    f.start,
                    f.end,
                    tree.path(f.element),
                    el.tag,
                    visible(ext, f),
                    f.score,
                    unique(f.reasons),
                    where[0] if where else None,
                    where[1] if where else None,
                )
            )
            if where is not None and where[1] > where[0]:
                text_spans.append((where[0], where[1], f.score, list(unique(f.reasons))))
        if text is not None:
            text_spans.extend((s.start, s.end, s.score, list(s.reasons)) for s in text.spans)
        spans = merge_spans(ext.text, text_spans)
        scores = [s.score for s in spans] + [p.score for p in page_spans]
        doc_score = max(scores) if scores else (text.score if text is not None else 0.0)
        return HtmlScanResult(
            id=page.id,
            url=page.url,
            verdict="spam" if scores else "clean",
            score=doc_score,
            text=ext.text,
            title=ext.title,
            spans=spans,
            links=text.links if text is not None else (),
            page_spans=tuple(page_spans),
            cleaned_text=cut_spans(ext.text, [(s.start, s.end) for s in spans]),
            cleaned_html=cut(tree.source, [(p.start, p.end) for p in page_spans]),
            encoding=page.encoding,
            notes=tuple(page.notes),
            model_version=self.scanner.model_version if self.scanner is not None else "",
            extraction=ext,
        )


def _canonical(tree: Any) -> str | None:
    from ._attrs import attrs

    for el in tree.elements:
        if el.tag == "link" and "canonical" in attrs(el).get("rel", "").lower():
            return attrs(el).get("href") or None
        if el.tag == "body":
            return None
    return None
