"""Scoring the HTML path on the page set: span precision/recall/F1 over page source ranges (the data pack's
50% rule, on the page's non-space characters), clean pages flagged, and whether every legitimate paragraph
is still in the cleaned page when an independent parser (the standard library's) reads it again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from ._build import Page


def _nonspace_mask(source: str, ranges: Sequence[tuple[int, int]]) -> list[bool]:
    mask = [False] * len(source)
    for s, e in ranges:
        for i in range(s, min(e, len(source))):
            mask[i] = True
    return mask


def _share_inside(source: str, rng: tuple[int, int], mask: list[bool]) -> float:
    s, e = rng
    chars = [i for i in range(s, e) if not source[i].isspace()]
    if not chars:
        return 0.0
    return sum(mask[i] for i in chars) / len(chars)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def reparsed_text(page: str) -> str:
    """All text of a page as the standard library's HTML parser reads it, white space collapsed."""
    p = _Text()
    p.feed(page)
    p.close()
    return " ".join("".join(p.parts).split())


@dataclass
class Score:
    """Counts over a page set."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    clean_pages: int = 0
    clean_flagged: list[str] = field(default_factory=list)
    legit: int = 0
    legit_lost: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)
    wrong: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold_spans": self.gold,
            "span_precision": round(self.precision, 4),
            "span_recall": round(self.recall, 4),
            "span_f1": round(self.f1, 4),
            "clean_pages": self.clean_pages,
            "clean_pages_flagged": self.clean_flagged,
            "legit_paragraphs": self.legit,
            "legit_paragraphs_lost": len(self.legit_lost),
            "missed": self.missed,
            "wrong": self.wrong,
        }


def score(pages: Sequence[Page], results: Sequence[Any]) -> Score:
    """Score ``results`` (``HtmlScanResult``, one per page) against the pages' gold."""
    sc = Score()
    for page, res in zip(pages, results, strict=True):
        pred = [(p.start, p.end) for p in res.page_spans]
        gold = [(s, e) for s, e, _ in page.gold]
        if page.clean:
            sc.clean_pages += 1
            if pred:
                sc.clean_flagged.append(page.name)
        pmask = _nonspace_mask(page.html, pred)
        gmask = _nonspace_mask(page.html, gold)
        for (s, e), (_, _, kind) in zip(gold, page.gold, strict=True):
            sc.gold += 1
            if _share_inside(page.html, (s, e), pmask) >= 0.5:
                sc.found += 1
            else:
                sc.missed.append((page.name, kind))
        for p, span in zip(pred, res.page_spans, strict=True):
            sc.predicted += 1
            if _share_inside(page.html, p, gmask) >= 0.5:
                sc.correct += 1
            else:
                sc.wrong.append((page.name, f"{span.path}: {span.text[:60]}"))
        cleaned = reparsed_text(res.cleaned_html)
        for para in (*page.legit, *page.comments):
            sc.legit += 1
            if " ".join(para.split()) not in cleaned:
                sc.legit_lost.append((page.name, para[:60]))
    return sc
