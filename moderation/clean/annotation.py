"""The annotation a cleanup writes on each record: one shape for ``moderation clean`` (its annotation
field, for texts and pages) and the datatrove formatter (the document's metadata)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..text.html import HtmlScanResult
    from ..text.results import ScanResult


def annotation(res: ScanResult | HtmlScanResult, action: str, removed: int = 0) -> dict[str, Any]:
    """What was done, the verdict, the spans with their reasons, the characters
    removed, the model version, and for a page its page spans."""
    note: dict[str, Any] = {
        "action": action,
        "verdict": res.verdict,
        "score": round(res.score, 4),
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "score": round(s.score, 4),
                "reasons": [r.to_dict() for r in s.reasons],
            }
            for s in res.spans
        ],
        "removed_chars": removed,
        "model_version": res.model_version,
    }
    page_spans = getattr(res, "page_spans", None)
    if page_spans is not None:
        note["page_spans"] = [p.to_dict() for p in page_spans]
    return note
