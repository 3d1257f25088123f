"""Result types shared by every door (library, CLI, HTTP, Dask).

Every offset in a *result* (``Span``, ``Link``) is a Python string index (code point) into the *original*
text, end exclusive, so ``text[span.start:span.end] == span.text`` always holds. Detection looks at a
normalized view of the text (``normalize``); ``Segment`` offsets point into that view, and results are
mapped back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

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
    """A link found in the text, with its basic reputation.

    Attributes:
        start, end: offsets of the link as written (defanged forms included) in the original text.
        raw: the link exactly as written, ``text[start:end]``.
        url: normalized URL (refanged, lower-case host, scheme added when missing).
        host: the normalized host name.
        domain: the registered domain (``example.co.uk``), or the host when it has no public suffix (IPs).
        suffix: the public suffix (``co.uk``), empty for IP hosts.
        score: 0..1, how likely the link is spam/scam/malicious (the URL checker: lexical model, rules and
            local lists; no network).
        verdict: ``malicious`` | ``suspicious`` | ``neutral`` | ``trusted``.
        reasons: human-readable evidence behind the score.
        obfuscated: the link was written in a defanged or disguised form (``hxxp``, ``[.]``, `` dot ``).
    """

    start: int
    end: int
    raw: str
    url: str
    host: str
    domain: str
    suffix: str
    score: float
    verdict: LinkVerdict
    reasons: tuple[str, ...] = ()
    obfuscated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The CLI/HTTP JSON shape."""
        return {
            "start": self.start,
            "end": self.end,
            "url": self.url,
            "domain": self.domain,
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the text judged to be injected spam.

    Attributes:
        start, end: offsets into the original text (end exclusive).
        text: ``original[start:end]``.
        score: 0..1, the span's spam score (the highest of its segments).
        label: always ``"spam"`` for now.
        reasons: human-readable reasons an editor can check.
    """

    start: int
    end: int
    text: str
    score: float
    label: str = "spam"
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The CLI/HTTP JSON shape."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
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
        return {
            "id": self.id,
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "spans": [s.to_dict() for s in self.spans],
            "links": [lk.to_dict() for lk in self.links],
            "cleaned_text": self.cleaned_text,
            "model_version": self.model_version,
        }


__all__ = ["Link", "LinkVerdict", "ScanResult", "Segment", "Span", "Verdict", "asdict"]
