"""Result types shared by every door (library, CLI, HTTP, Dask).

Every offset in a *result* (``Span``, ``Link``) is a Python string index (code point) into the *original*
text, end exclusive, so ``text[span.start:span.end] == span.text`` always holds. Detection looks at a
normalized view of the text (``normalize``); ``Segment`` offsets point into that view, and results are
mapped back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from .._reasons import Reason
from ..urls.checker import UrlReport
from ..urls.rules import LinkVerdict

Verdict = Literal["spam", "clean"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A unit the scorer judges: a sentence, a line or a link-list item.

    Offsets point into the text ``segment`` was given. In the scanner that is the normalized view
    (``NormalizedText.text``), not the original text; a span built from segments is mapped back with
    ``NormalizedText.to_original``.

    Attributes:
        start: offset of the first character (in the text segmented: the scanner's normalized view).
        end: offset one past the last character.
        paragraph: index of the paragraph (blank-line separated block) the segment belongs to.
        kind: how the segment was cut: ``"paragraph"`` (the whole paragraph is one segment),
            ``"line"`` (a line of a multi-line paragraph) or ``"sentence"``.
    """

    start: int
    end: int
    paragraph: int
    kind: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in the text: where it is, how it was written, and the URL checker's judgement.

    Attributes:
        start, end: offsets of the link as written (defanged forms included) in the original text.
        raw: the link exactly as written, ``text[start:end]``.
        obfuscated: the link was written in a defanged or disguised form (``hxxp``, ``[.]``, `` dot ``).
        report: the URL checker's report (``report.parsed`` is the URL, parsed once; ``score``, ``verdict``
            and ``reasons`` are the same as ``UrlChecker.check`` gives for that URL).
    """

    start: int
    end: int
    raw: str
    obfuscated: bool
    report: UrlReport

    @property
    def url(self) -> str:
        """The normalized URL (refanged, lower-case host, scheme added, tracking parameters removed)."""
        return self.report.normalized

    @property
    def domain(self) -> str:
        """The registered domain (``example.co.uk``), or the host when it has no public suffix (IPs)."""
        return self.report.registered_domain

    @property
    def score(self) -> float:
        return self.report.score

    @property
    def verdict(self) -> LinkVerdict:
        return self.report.verdict

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.report.reasons

    def to_dict(self) -> dict[str, Any]:
        """The CLI/HTTP JSON shape."""
        return {
            "start": self.start,
            "end": self.end,
            "url": self.url,
            "domain": self.domain,
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the text judged to be injected spam.

    Attributes:
        start, end: offsets into the original text (end exclusive).
        text: ``original[start:end]``.
        score: 0..1, the span's spam score (the highest of its segments).
        label: always ``"spam"`` for now.
        reasons: why, each a ``Reason`` (a code to count and filter by; ``.text`` for an editor).
    """

    start: int
    end: int
    text: str
    score: float
    label: str = "spam"
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The CLI/HTTP JSON shape."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "score": round(self.score, 4),
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What scanning one document returns.

    Attributes:
        id: the caller's id, echoed (``None`` when not given).
        verdict: ``"spam"`` when at least one span was flagged, else ``"clean"``.
        score: 0..1, the highest span score; for clean documents the highest segment score.
        spans: flagged spans, sorted, disjoint.
        links: every link found, in text order.
        cleaned_text: the text with the spans cut out and the whitespace at each cut mended.
        model_version: the version tag of the models that produced this result.
    """

    id: Any
    verdict: Verdict
    score: float
    spans: tuple[Span, ...]
    links: tuple[Link, ...]
    cleaned_text: str
    model_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The CLI/HTTP JSON shape (the contract in the README)."""
        return result_dict(self)


def result_dict(res: Any) -> dict[str, Any]:
    """The JSON fields every scan result has (a text's ``ScanResult``, a page's ``HtmlScanResult``)."""
    return {
        "id": res.id,
        "verdict": res.verdict,
        "score": round(res.score, 4),
        "spans": [s.to_dict() for s in res.spans],
        "links": [lk.to_dict() for lk in res.links],
        "cleaned_text": res.cleaned_text,
        "model_version": res.model_version,
    }


__all__ = ["Link", "LinkVerdict", "ScanResult", "Segment", "Span", "Verdict", "asdict", "result_dict"]
