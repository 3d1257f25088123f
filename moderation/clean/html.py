"""``moderation clean --html-field FIELD``: dataset records that hold HTML pages.

The record's page is scanned as a page (``HtmlScanner``). ``strip`` writes the cleaned page back to the HTML
field and the cleaned article text to the text field; ``drop`` drops records with anything flagged;
``annotate`` only adds the annotation, which carries the page spans (element paths, source ranges, reason
codes) besides the text spans. Counting follows the text cleaner's (``CleanStats``), with reasons counted
by their codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._scan import HtmlScanner

if TYPE_CHECKING:
    from .._cleanup import CleanOptions, CleanStats, _Parsed
    from .._scanner import Document, Scanner
    from ._result import HtmlScanResult


class HtmlRecords:
    """The HTML side of a ``Cleaner``."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = HtmlScanner(scanner)

    def scan_many(self, docs: Sequence[Document], batch_size: int) -> list[HtmlScanResult]:
        items = [{"html": d.text, "url": d.url, "id": d.id} for d in docs]
        return list(self.scanner.scan_many(items, batch_size=batch_size))

    @staticmethod
    def annotation(res: HtmlScanResult, action: str, removed: int) -> dict[str, Any]:
        return {
            "action": action,
            "verdict": res.verdict,
            "score": round(res.score, 4),
            "spans": [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "score": round(s.score, 4),
                    "reasons": list(s.reasons),
                }
                for s in res.spans
            ],
            "page_spans": [p.to_dict() for p in res.page_spans],
            "removed_chars": removed,
            "model_version": res.model_version,
        }

    def apply(
        self, opts: CleanOptions, p: _Parsed, res: HtmlScanResult, stats: CleanStats
    ) -> dict[str, Any] | bytes:
        """Count the result; the record to write, or the drop-log line."""
        from .._sinks import json_line

        page, record = p.doc.text, p.record
        stats.chars_in += len(page)
        if res.verdict == "spam":
            stats.spam_records += 1
            stats.spans += len(res.page_spans)
            for ps in res.page_spans:
                stats.spans_by_reason.update({r.code for r in ps.reasons})
                stats.spam_domains.update(d for r in ps.reasons for d in r.params.get("domains", ()) or ())
        removed = len(page) - len(res.cleaned_html)
        if opts.mode == "drop":
            if res.verdict != "spam":
                stats.written += 1
                return record
            top = max(res.page_spans, key=lambda s: s.score)
            why = top.reasons[0].code if top.reasons else "spam"
            stats.dropped += 1
            stats.dropped_by[why] += 1
            stats.chars_removed += len(page)
            note = {
                **self.annotation(res, "dropped", len(page)),
                "reason": f"spam score {top.score:.2f}: {why}",
            }
            return json_line(
                {"source": p.source, "line": p.line, "record": {**record, opts.annotation_field: note}}
            )
        stats.written += 1
        if opts.mode == "annotate":
            return {**record, opts.annotation_field: self.annotation(res, "annotated", 0)}
        action = "stripped" if res.verdict == "spam" else "kept"
        if res.verdict == "spam":
            stats.stripped += 1
            stats.chars_removed += removed
        assert opts.html_field is not None
        return {
            **record,
            opts.html_field: res.cleaned_html,
            opts.text_field: res.cleaned_text,
            opts.annotation_field: self.annotation(res, action, removed),
        }
