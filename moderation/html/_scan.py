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

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._cleaning import cut_spans
from .._errors import InputError
from .._types import ScanResult, Span
from ._anchors import anchor_text, anchors, own_domains
from ._decode import decode
from ._extract import Extraction, extract
from ._judge import Finding, Judge
from ._parse import parse
from ._reasons import Reason, unique
from ._result import HtmlScanResult, PageSpan
from ._signals import spam_words

if TYPE_CHECKING:
    from .._scanner import Scanner

MAX_BYTES = 32 * 1024 * 1024


class HtmlError(InputError):
    """A page that cannot be scanned (too large, not text); the message says which and why."""


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
            raise HtmlError("record has no 'html' string", record_id=item.get("id", index))
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
    """

    def __init__(self, scanner: Scanner | None, max_bytes: int = MAX_BYTES) -> None:
        self.scanner = scanner
        self.max_bytes = max_bytes

    @property
    def _checker(self) -> Any:
        return self.scanner.url_checker if self.scanner is not None else None

    def scan(
        self, html: str | bytes, url: str | None = None, id: Any = None, charset: str | None = None
    ) -> HtmlScanResult:
        """Scan one page (``bytes`` are decoded: ``charset`` from the transport, else sniffed)."""
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
        page = _Page(id, url, ext, findings, encoding, notes, embeds=_embeds(tree, links))
        _comment_doc(page)
        return page

    def _finish_batch(self, pages: Sequence[_Page]) -> list[HtmlScanResult]:
        text_results: list[ScanResult | None] = [None] * len(pages)
        comment_results: list[ScanResult | None] = [None] * len(pages)
        if self.scanner is not None:
            docs, where = [], []
            for k, p in enumerate(pages):
                if p.ext.text.strip():
                    docs.append({"text": p.ext.text, "id": p.id, "url": p.url})
                    where.append((k, 0))
                if p.comment_text.strip():
                    docs.append({"text": p.comment_text, "id": p.id, "url": p.url})
                    where.append((k, 1))
            results = list(self.scanner.scan_many(docs, batch_size=max(1, len(docs)))) if docs else []
            for (k, kind), res in zip(where, results, strict=True):
                (text_results if kind == 0 else comment_results)[k] = res
        return [self.finish(p, text_results[k], comment_results[k]) for k, p in enumerate(pages)]

    def finish(self, page: _Page, text: ScanResult | None, comments: ScanResult | None) -> HtmlScanResult:
        """Merge the text engine's spans with the HTML findings; cut both out of the text and the page."""
        ext = page.ext
        findings = list(page.findings)
        if text is not None and page.embeds:
            text = _without_embedded(ext, text, page.embeds)
        if text is not None:
            findings.extend(_engine_findings(ext, text))
        if comments is not None:
            findings.extend(_comment_findings(page, comments))
        findings = _outermost(findings)
        tree = ext.tree
        page_spans = []
        text_spans: list[tuple[int, int, float, list[str]]] = []
        for f in findings:
            el = tree.elements[f.element]
            if f.start == el.start and f.end == el.end:
                where = ext.text_range(f.element)
            else:
                where = _range_text(ext, f)
            if where is not None:
                where = _trim(ext.text, *where)
            page_spans.append(
                PageSpan(
                    f.start,
                    f.end,
                    tree.path(f.element),
                    el.tag,
                    _visible(ext, f),
                    f.score,
                    unique(f.reasons),
                    where[0] if where else None,
                    where[1] if where else None,
                )
            )
            if where is not None and where[1] > where[0]:
                text_spans.append((where[0], where[1], f.score, [r.text for r in unique(f.reasons)]))
        if text is not None:
            text_spans.extend((s.start, s.end, s.score, list(s.reasons)) for s in text.spans)
        spans = _merge_spans(ext.text, text_spans)
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
            cleaned_html=_cut(tree.source, [(p.start, p.end) for p in page_spans]),
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


def _embeds(tree: Any, links: list[Any]) -> list[tuple[int, int]]:
    """Source ranges of embedded social posts: a ``blockquote`` (the way X, Instagram, TikTok and Facebook
    embeds are written) holding a link to the platform. Quoted posts are chatty by nature; the text model's
    spans inside them are not taken (see ``_without_embedded``)."""
    out = []
    elements = tree.elements
    for a in links:
        if not a.platform:
            continue
        i = elements[a.element].parent
        while i > 0 and elements[i].tag != "blockquote":
            i = elements[i].parent
        if i > 0 and (elements[i].start, elements[i].end) not in out:
            out.append((elements[i].start, elements[i].end))
    return out


def _without_embedded(ext: Extraction, result: ScanResult, embeds: list[tuple[int, int]]) -> ScanResult:
    """The text result without spans that lie inside embedded social posts."""
    from dataclasses import replace

    keep = []
    for span in result.spans:
        s, e = ext.source_range(span.start, span.end)
        if not any(a <= s and e <= b for a, b in embeds):
            keep.append(span)
    if len(keep) == len(result.spans):
        return result
    return replace(result, spans=tuple(keep), verdict="spam" if keep else "clean")


def _comment_doc(page: _Page) -> None:
    """The comments' text as one document (a paragraph per comment) for the text engine."""
    tree, ctx = page.ext.tree, page.ext.context
    starts = [t.start for t in tree.texts]
    parts, pos = [], 0
    for el in tree.elements:
        if ctx.comment_item[el.index] != el.index:
            continue
        text = anchor_text(tree, el.index, starts, ctx.block)
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        page.comments.append((el.index, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    page.comment_text = "".join(parts)


def _model_reasons(span: Span) -> list[Reason]:
    first = Reason("text.model", f"text model score {span.score:.2f}", {"score": round(span.score, 4)})
    return [first, *(Reason("text.model", r) for r in span.reasons)]


def _nonspace(s: str) -> int:
    return len(s) - s.count(" ") - s.count("\n")


def _engine_findings(ext: Extraction, result: ScanResult) -> list[Finding]:
    """Each engine span as whole block elements when it covers (nearly) all of them, else as a source range
    grown to whole elements where it would cut one in two."""
    out = []
    text, tree = ext.text, ext.tree
    for span in result.spans:
        blocks: list[int] = []
        for k, start in enumerate(ext.starts):
            if start >= span.end:
                break
            if start + ext.lengths[k] > span.start:
                b = ext.context.block[tree.texts[ext.nodes[k]].parent]
                if b not in blocks:
                    blocks.append(b)
        whole = []
        for b in blocks:
            r = ext.text_range(b)
            if r is None:
                continue
            inside = text[max(r[0], span.start) : min(r[1], span.end)]
            if _nonspace(inside) >= 0.8 * max(1, _nonspace(text[r[0] : r[1]])):
                whole.append(b)
            else:
                whole = []
                break
        reasons = _model_reasons(span)
        if whole:
            for b in whole:
                el = tree.elements[b]
                out.append(Finding(b, list(reasons), span.score, el.start, el.end))
            continue
        s, e = ext.source_range(span.start, span.end)
        s, e, holder = _balanced(tree, s, e)
        out.append(Finding(holder, list(reasons), span.score, s, e))
    return out


def _balanced(tree: Any, s: int, e: int) -> tuple[int, int, int]:
    """Grow ``[s, e)`` so that it cuts no element in two; also return the innermost element holding it."""
    changed = True
    while changed:
        changed = False
        for el in tree.elements[1:]:
            if el.start >= e:
                break
            if el.end <= s:
                continue
            starts_inside = s <= el.start < e
            ends_inside = s < el.end <= e
            if starts_inside and not ends_inside:
                e, changed = el.end, True
            elif (ends_inside and not starts_inside and el.open_end > s) or (
                not starts_inside and el.start < s < el.open_end
            ):
                s, changed = el.start, True
    holder = 0
    for el in tree.elements[1:]:
        if el.start > s:
            break
        if el.start <= s and e <= el.end:
            holder = el.index
    return s, e, holder


_CUE = re.compile(
    r"(?:\+?\d[\d ()-]{7,}\d)|(?:[$€£]\s?\d)|(?:\d\s?(?:usd|eur|dollars|euros|pounds))|whatsapp|telegram|dm me",
    re.I,
)


def _spam_cue(text: str, start: int, end: int, result: ScanResult) -> bool:
    """A comment the text model flags counts only with a cue of its own beyond its tone (comments are chatty,
    which the model was taught to find in articles): a link, spam words, a phone number, money, a chat
    invitation."""
    if any(start <= lk.start and lk.end <= end for lk in result.links):
        return True
    own = text[start:end]
    return bool(spam_words(own)) or bool(_CUE.search(own))


def _comment_findings(page: _Page, result: ScanResult) -> list[Finding]:
    """Comments at least half flagged by the text model, with a cue of their own."""
    out = []
    tree = page.ext.tree
    for item, a, b in page.comments:
        flagged = [s for s in result.spans if min(b, s.end) > max(a, s.start)]
        covered = sum(min(b, s.end) - max(a, s.start) for s in flagged)
        if not flagged or covered < 0.5 * (b - a) or not _spam_cue(page.comment_text, a, b, result):
            continue
        span = max(flagged, key=lambda s: s.score)
        el = tree.elements[item]
        why = Reason("html.comment-text", "comment flagged by the text model", {})
        out.append(Finding(item, [why, *_model_reasons(span)], span.score, el.start, el.end))
    return out


def _outermost(findings: list[Finding]) -> list[Finding]:
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if out and f.start < out[-1].end:
            last = out[-1]
            last.reasons.extend(r for r in f.reasons if r not in last.reasons)
            last.end = max(last.end, f.end)
            last.score = max(last.score, f.score)
            continue
        out.append(f)
    return out


def _range_text(ext: Extraction, f: Finding) -> tuple[int, int] | None:
    """The article text that came from source ``[f.start, f.end)``."""
    texts = ext.tree.texts
    first = last = None
    for k, node_index in enumerate(ext.nodes):
        node = texts[node_index]
        if node.start >= f.end:
            break
        if node.end > f.start and node.start >= f.start:
            if first is None:
                first = k
            last = k
    if first is None or last is None:
        return None
    return ext.starts[first], ext.starts[last] + ext.lengths[last]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _visible(ext: Extraction, f: Finding) -> str:
    from ._extract import emit

    tree = ext.tree
    parts = [tree.source[t.start : t.end] for t in tree.texts if f.start <= t.start and t.end <= f.end]
    return " ".join(emit("".join(parts)).split())


def _merge_spans(text: str, spans: list[tuple[int, int, float, list[str]]]) -> tuple[Span, ...]:
    out: list[tuple[int, int, float, list[str]]] = []
    for s, e, score, reasons in sorted(spans, key=lambda x: (x[0], -x[1])):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            ls, le, lscore, lreasons = out[-1]
            out[-1] = (
                ls,
                max(le, e),
                max(lscore, score),
                lreasons + [r for r in reasons if r not in lreasons],
            )
        else:
            out.append((s, e, score, list(reasons)))
    return tuple(Span(s, e, text[s:e], score, "spam", tuple(r)) for s, e, score, r in out)


def _cut(source: str, ranges: list[tuple[int, int]]) -> str:
    if not ranges:
        return source
    out, pos = [], 0
    for s, e in sorted(ranges):
        if s > pos:
            out.append(source[pos:s])
        pos = max(pos, e)
    out.append(source[pos:])
    return "".join(out)
