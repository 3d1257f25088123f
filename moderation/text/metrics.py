"""Benchmark metrics, exactly as ``../shared/data/README.md`` defines them.

- document level: precision and recall of "this document contains spam", and the clean-document false
  positive rate (share of documents without gold spans in which anything was flagged);
- span level: a gold span is *found* when >= 50% of its non-space characters are flagged; a predicted span
  is *correct* when >= 50% of its non-space characters are inside gold spans;
- character level: precision and recall over non-space characters;
- restoration: share of documents whose cleaned text equals ``clean_text`` after collapsing whitespace runs;

overall and per ``lang``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .results import ScanResult
    from .scanner import Scanner

import numpy as np

_WS = np.array([c for c in range(0x3100) if chr(c).isspace()], dtype=np.uint32)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def span_mask(n: int, spans: Iterable[tuple[int, int]]) -> np.ndarray:
    """Boolean mask of length ``n``, set inside ``spans``."""
    m = np.zeros(n, dtype=bool)
    for s, e in spans:
        m[s:e] = True
    return m


def visible(text: str) -> np.ndarray:
    """Boolean mask of the non-space characters of ``text``."""
    return ~np.isin(_codes(text), _WS)


def mostly_inside(nonspace: np.ndarray, mask: np.ndarray, ranges: Iterable[tuple[int, int]]) -> list[bool]:
    """For each ``[start, end)``: does it have visible characters, and are at least half of them in ``mask``?

    The benchmark's one matching rule: a gold span is found, a predicted span is correct, and (in training)
    a segment is spam by this test.
    """
    out = []
    for s, e in ranges:
        total = int(nonspace[s:e].sum())
        out.append(total > 0 and int((mask[s:e] & nonspace[s:e]).sum()) * 2 >= total)
    return out


def collapse(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped (for the restoration check)."""
    return " ".join(text.split())


@dataclass
class Counts:
    """Raw counts for one slice (overall or one language); metrics are derived from them."""

    docs: int = 0
    spam_docs: int = 0
    flagged_docs: int = 0
    flagged_spam_docs: int = 0
    flagged_clean_docs: int = 0
    gold_spans: int = 0
    found_spans: int = 0
    pred_spans: int = 0
    correct_spans: int = 0
    gold_chars: int = 0
    pred_chars: int = 0
    overlap_chars: int = 0
    restored: int = 0

    def add(self, other: Counts) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def metrics(self) -> dict[str, float]:
        def div(a: float, b: float) -> float:
            return a / b if b else 0.0

        sp = div(self.correct_spans, self.pred_spans) if self.pred_spans else 1.0
        sr = div(self.found_spans, self.gold_spans)
        return {
            "documents": self.docs,
            "doc_precision": div(self.flagged_spam_docs, self.flagged_docs) if self.flagged_docs else 1.0,
            "doc_recall": div(self.flagged_spam_docs, self.spam_docs),
            "clean_fpr": div(self.flagged_clean_docs, self.docs - self.spam_docs),
            "span_precision": sp,
            "span_recall": sr,
            "span_f1": div(2 * sp * sr, sp + sr),
            "char_precision": div(self.overlap_chars, self.pred_chars) if self.pred_chars else 1.0,
            "char_recall": div(self.overlap_chars, self.gold_chars),
            "restoration": div(self.restored, self.docs),
        }


def score_document(
    text: str,
    gold: Sequence[tuple[int, int]],
    predicted: Sequence[tuple[int, int]],
    cleaned_text: str,
    clean_text: str,
) -> Counts:
    """Counts for one document."""
    nonspace = visible(text)
    gold_mask = span_mask(len(nonspace), gold) & nonspace
    pred_mask = span_mask(len(nonspace), predicted) & nonspace
    c = Counts(docs=1)
    c.spam_docs = int(bool(gold))
    c.flagged_docs = int(bool(predicted))
    c.flagged_spam_docs = int(bool(gold) and bool(predicted))
    c.flagged_clean_docs = int(not gold and bool(predicted))
    c.gold_spans = len(gold)
    c.found_spans = sum(mostly_inside(nonspace, pred_mask, gold))
    c.pred_spans = len(predicted)
    c.correct_spans = sum(mostly_inside(nonspace, gold_mask, predicted))
    c.gold_chars = int(gold_mask.sum())
    c.pred_chars = int(pred_mask.sum())
    c.overlap_chars = int((gold_mask & pred_mask).sum())
    c.restored = int(collapse(cleaned_text) == collapse(clean_text))
    return c


@dataclass
class Report:
    """Metrics overall and per language, plus throughput."""

    overall: Counts = field(default_factory=Counts)
    by_lang: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    seconds: float = 0.0
    by_mode: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_source: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, lang: str, counts: Counts) -> None:
        self.overall.add(counts)
        self.by_lang[lang].add(counts)

    def add_placements(self, modes: Sequence[str], found: Sequence[bool]) -> None:
        """Count each gold span under its placement (``modes`` in dev-hard), found or not."""
        for mode, hit in zip(modes, found, strict=False):
            slot = self.by_mode[mode]
            slot[0] += 1
            slot[1] += int(hit)

    def add_source(self, source: str, counts: Counts) -> None:
        """Clean documents per source and how many of them were flagged (the per-source FPR)."""
        if not counts.spam_docs:
            slot = self.by_source[source]
            slot[0] += 1
            slot[1] += counts.flagged_clean_docs

    def placement_recall(self) -> dict[str, dict[str, float]]:
        return {
            k: {"spans": n, "found": f, "recall": f / n if n else 0.0}
            for k, (n, f) in sorted(self.by_mode.items())
        }

    def source_fpr(self) -> dict[str, dict[str, float]]:
        return {
            k: {"clean_docs": n, "flagged": f, "clean_fpr": f / n if n else 0.0}
            for k, (n, f) in sorted(self.by_source.items())
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.metrics(),
            "by_lang": {k: v.metrics() for k, v in sorted(self.by_lang.items())},
            "seconds": round(self.seconds, 3),
            "docs_per_second": round(self.overall.docs / self.seconds, 1) if self.seconds else None,
            "by_placement": self.placement_recall(),
            "clean_fpr_by_source": self.source_fpr(),
        }

    def table(self) -> str:
        cols = [
            "doc_precision",
            "doc_recall",
            "clean_fpr",
            "span_precision",
            "span_recall",
            "span_f1",
            "char_precision",
            "char_recall",
            "restoration",
        ]
        heads = [
            "slice",
            "docs",
            "doc_P",
            "doc_R",
            "clean_FPR",
            "span_P",
            "span_R",
            "span_F1",
            "char_P",
            "char_R",
            "restore",
        ]
        rows = [("overall", self.overall), *sorted(self.by_lang.items())]
        lines = ["  ".join(f"{h:>9}" for h in heads)]
        for name, counts in rows:
            m = counts.metrics()
            lines.append("  ".join([f"{name:>9}", f"{counts.docs:>9}"] + [f"{m[c]:>9.4f}" for c in cols]))
        lines.extend(self._extra_lines())
        d = self.to_dict()
        if d["docs_per_second"]:
            lines.append(
                f"{self.overall.docs} documents in {self.seconds:.2f} s = {d['docs_per_second']} docs/s"
            )
        return "\n".join(lines)

    def _extra_lines(self) -> list[str]:
        out = []
        if self.by_mode:
            out.append(
                "recall by placement: "
                + "  ".join(
                    f"{k} {v['recall']:.3f} ({v['found']}/{v['spans']})"
                    for k, v in self.placement_recall().items()
                )
            )
        if self.by_source:
            out.append(
                "clean-document FPR by source: "
                + "  ".join(
                    f"{k} {v['clean_fpr']:.4f} ({v['flagged']}/{v['clean_docs']})"
                    for k, v in self.source_fpr().items()
                )
            )
        return out


def gold_found(
    text: str, gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]
) -> list[bool]:
    """For each gold span: is it found (>= 50% of its visible characters flagged)?"""
    nonspace = visible(text)
    return mostly_inside(nonspace, span_mask(len(nonspace), predicted) & nonspace, gold)


def evaluate(scanner: Scanner, rows: Sequence[dict[str, Any]]) -> tuple[Report, list[ScanResult]]:
    """Scan benchmark rows (``text``, ``spans``, ``clean_text``, ``lang``) and score them.

    Only the scanning is timed. Returns the report and the results, in row order.
    """
    docs = [{"text": r["text"], "id": r.get("id", i), "lang": r.get("lang")} for i, r in enumerate(rows)]
    start = time.perf_counter()
    results = list(scanner.scan_many(docs))
    report = Report(seconds=time.perf_counter() - start)
    for row, res in zip(rows, results, strict=True):
        gold = [(s["start"], s["end"]) for s in row["spans"]]
        pred = [(s.start, s.end) for s in res.spans]
        clean = row.get("clean_text", row["text"])
        counts = score_document(row["text"], gold, pred, res.cleaned_text, clean)
        report.add(row.get("lang", "?"), counts)
        if row.get("source"):
            report.add_source(str(row["source"]), counts)
        if row.get("modes"):
            report.add_placements([str(m) for m in row["modes"]], gold_found(row["text"], gold, pred))
    return report, results
