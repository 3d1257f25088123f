"""What scanning one HTML page returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..._reasons import Reason
from ..results import Link, Span, Verdict, result_dict

if TYPE_CHECKING:
    from ._extract import Extraction


@dataclass(frozen=True, slots=True)
class PageSpan:
    """A part of the page judged spam: what the cleaned page lost.

    Attributes:
        start, end: its range in the page source (the decoded string; end exclusive).
        path: the element path (``html > body > div.story-body > p``), for showing it in the page.
        tag: the element's tag.
        text: its text as it reads (white space collapsed).
        score: 0..1.
        reasons: why, each a ``Reason`` (``HTML_...`` codes for what the markup shows; ``HTML_TEXT_MODEL``
            and the engine's own codes for what the text engine flagged).
        text_start, text_end: the same content in the article text, or ``None`` when it is not part of it
            (comments, sidebars, hidden blocks outside the article).
    """

    start: int
    end: int
    path: str
    tag: str
    text: str
    score: float
    reasons: tuple[Reason, ...]
    text_start: int | None = None
    text_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "path": self.path,
            "tag": self.tag,
            "text": self.text,
            "score": round(self.score, 4),
            "reasons": [r.to_dict() for r in self.reasons],
            "text_start": self.text_start,
            "text_end": self.text_end,
        }


@dataclass(frozen=True)
class HtmlScanResult:
    """The result for one page.

    Attributes:
        id: the caller's id, echoed.
        url: the page's URL as given.
        verdict: ``"spam"`` when anything was flagged (in the text or only in the page).
        score: 0..1, the highest score of what was flagged (else the text engine's document score).
        text: the article text extracted from the page; ``spans`` and ``links`` point into it.
        title: the page's ``<title>``.
        spans: flagged spans of the article text (HTML evidence and the text engine merged).
        links: links written in the article text (the engine's; a page's ``<a href>`` targets are judged
            in ``page_spans`` reasons).
        page_spans: flagged parts of the page, with element paths and source ranges.
        cleaned_text: the article text without the spans.
        cleaned_html: the page without the ``page_spans`` (every other character untouched).
        encoding: the codec the page's bytes were read with (``None`` when a string was given).
        notes: what was odd about the page (truncated markup, flattened nesting, a wrong charset).
        model_version: the text models' version.
    """

    id: Any
    url: str | None
    verdict: Verdict
    score: float
    text: str
    title: str
    spans: tuple[Span, ...]
    links: tuple[Link, ...]
    page_spans: tuple[PageSpan, ...]
    cleaned_text: str
    cleaned_html: str
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    model_version: str = ""
    extraction: Extraction | None = field(default=None, repr=False, compare=False)

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """The page source range that article text ``[start, end)`` came from."""
        if self.extraction is None:
            raise ValueError("this result carries no offset map")
        return self.extraction.source_range(start, end)

    def element_path(self, start: int) -> str:
        """The path of the element that holds article text offset ``start``."""
        if self.extraction is None:
            raise ValueError("this result carries no offset map")
        return self.extraction.path_at(start)

    def cleaned_html_bytes(self) -> bytes:
        """The cleaned page in the page's own encoding (UTF-8 when a string was given); every byte outside
        the removed parts is the input's own."""
        return self.cleaned_html.encode(self.encoding or "utf-8", "surrogateescape")

    def to_dict(self, include_html: bool = True) -> dict[str, Any]:
        """The CLI/HTTP JSON shape (``ScanResult``'s fields plus the page's own)."""
        out = {
            **result_dict(self),
            "text": self.text,
            "title": self.title,
            "page_spans": [p.to_dict() for p in self.page_spans],
            "encoding": self.encoding,
            "notes": list(self.notes),
        }
        if include_html:
            out["cleaned_html"] = self.cleaned_html
        return out
