"""``moderation clean --html-field FIELD``: dataset records that hold HTML pages.

The record rule is the text one (``read_record``) with the HTML field in the text's place, so a record
without a page, or with a page that is not a string, is rejected the same way. The page is scanned as a
page (``HtmlScanner``). ``strip`` writes the cleaned page back to the HTML field and the cleaned article
text to the text field; ``drop`` drops records with anything flagged; ``annotate`` only adds the
annotation, which carries the page spans (element paths, source ranges, reason codes) besides the text
spans. Counting is the text cleaner's (``CleanStats``: page spans by reason code, the domains the HTML
findings name), and where a record goes is decided by the same two steps (``Cleaner.drop``,
``Cleaner.keep``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..text.html import HtmlScanner, HtmlScanResult
from .annotation import annotation

if TYPE_CHECKING:
    from ..text.document import Document
    from ..text.scanner import Scanner
    from .cleaner import ChunkResult, Cleaner, _Parsed


class HtmlRecords:
    """The HTML side of a ``Cleaner``."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = HtmlScanner(scanner)

    def scan_many(self, docs: Sequence[Document], batch_size: int) -> list[HtmlScanResult]:
        items = [{"html": d.text, "url": d.url, "id": d.id} for d in docs]
        return list(self.scanner.scan_many(items, batch_size=batch_size))

    def apply(
        self, cleaner: Cleaner, p: _Parsed, res: HtmlScanResult, result: ChunkResult, encode: bool
    ) -> None:
        """Count the scan; send the record to the drop log, or to the output (counted when written)."""
        opts, page, record, stats = cleaner.options, p.doc.text, p.record, result.stats
        stats.chars_in += len(page)
        spam = res.verdict == "spam"
        if spam:
            stats.spam_records += 1
            stats.spans += len(res.page_spans)
            for ps in res.page_spans:
                stats.spans_by_reason.update({r.code for r in ps.reasons})
                stats.spam_domains.update(d for r in ps.reasons for d in r.params.get("domains", ()) or ())
        if opts.mode == "drop" and spam:
            top = max(res.page_spans, key=lambda s: s.score, default=None)
            why = top.reasons[0].code if top is not None and top.reasons else "spam"
            cleaner.drop(p, result, annotation(res, "dropped", len(page)), why, len(page))
            return
        removed: int | None = None
        if opts.mode == "drop":
            out = record
        elif opts.mode == "annotate":
            out = {**record, opts.annotation_field: annotation(res, "annotated", 0)}
        else:
            assert opts.html_field is not None
            removed = len(page) - len(res.cleaned_html) if spam else None
            note = annotation(res, "stripped" if spam else "kept", removed or 0)
            out = {
                **record,
                opts.html_field: res.cleaned_html,
                opts.text_field: res.cleaned_text,
                opts.annotation_field: note,
            }
        cleaner.keep(p, result, out, removed, encode)
