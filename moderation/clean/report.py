"""What a cleanup run reports: its counts, where everything went, and how fast; and its progress bar."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .cleaner import CleanStats
from .formats import RecordReader


@dataclass
class CleanReport:
    """The outcome of a cleanup run.

    Attributes:
        stats: the counts (records read/written/stripped/dropped/rejected, characters, reasons, domains).
        inputs: the input files, in the order they were read.
        output: the output path (``-`` for stdout).
        rejects: where rejected records went (``None``: stderr).
        drops: where dropped records went (``drop`` mode only).
        workers: processes that scanned.
        seconds: wall time of this invocation.
        resumed_records: records that an earlier, interrupted run had already done.
        model_version: the models' version tag.
    """

    stats: CleanStats
    inputs: list[str]
    output: str
    rejects: str | None
    drops: str | None
    workers: int
    seconds: float
    resumed_records: int = 0
    model_version: str = ""

    @property
    def docs_per_second(self) -> float:
        done = self.stats.read - self.resumed_records
        return done / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "output": self.output,
            "rejects": self.rejects,
            "drops": self.drops,
            "workers": self.workers,
            "model_version": self.model_version,
            "seconds": round(self.seconds, 3),
            "documents_per_second": round(self.docs_per_second, 1),
            "resumed_records": self.resumed_records,
            "counts_add_up": self.stats.balanced,
            **self.stats.to_dict(),
        }

    def summary(self) -> str:
        """The report for a person: counts, whether they add up, reasons, domains, speed."""
        s = self.stats
        check = "counts add up" if s.balanced else "COUNTS DO NOT ADD UP"
        lines = [
            f"read {s.read:,} = written {s.written:,} + dropped {s.dropped:,} + rejected {s.rejected:,} "
            f"({check})",
            f"spam: {s.spam_records:,} records with {s.spans:,} spans; stripped {s.stripped:,}; "
            f"{s.chars_removed:,} of {s.chars_in:,} characters removed",
            f"{s.read - self.resumed_records:,} records in {self.seconds:.1f} s "
            f"({self.docs_per_second:,.0f} documents/s, {self.workers} worker(s))"
            + (f"; {self.resumed_records:,} done before resuming" if self.resumed_records else ""),
        ]
        for title, counter in (
            ("rejected", s.rejected_by),
            ("dropped", s.dropped_by),
            ("spans by reason", s.spans_by_reason),
            ("top spam domains", s.spam_domains),
        ):
            if counter:
                top = ", ".join(f"{k} {v:,}" for k, v in counter.most_common(8))
                lines.append(f"{title}: {top}")
        lines.append(f"output: {self.output}")
        if self.rejects:
            lines.append(f"rejects: {self.rejects}")
        if self.drops:
            lines.append(f"dropped records: {self.drops}")
        return "\n".join(lines)


class Progress:
    """A tqdm bar on a terminal (documents, documents/s, spam, ETA); a log line every 10 s otherwise."""

    def __init__(self, reader: RecordReader, enabled: bool | None, log: Callable[[str], None]) -> None:
        self.reader, self.log = reader, log
        self.total = reader.total_bytes
        self.start = self.last_log = time.monotonic()
        self.docs = self.spam = 0
        self.bar: Any = None
        tty = sys.stderr.isatty() if enabled is None else enabled
        if tty:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total or None, unit="B", unit_scale=True, dynamic_ncols=True, file=sys.stderr
            )

    def update(self, stats: CleanStats) -> None:
        self.docs += stats.read
        self.spam += stats.spam_records
        now = time.monotonic()
        rate = self.docs / max(now - self.start, 1e-9)
        if self.bar is not None:
            self.bar.n = min(self.reader.bytes_read(), self.total) if self.total else self.bar.n
            self.bar.set_postfix_str(
                f"{self.docs:,} docs, {rate:,.0f} docs/s, {self.spam:,} spam", refresh=False
            )
            self.bar.refresh()
        elif now - self.last_log >= 10:
            self.last_log = now
            done = self.reader.bytes_read()
            eta = ""
            if self.total and done:
                eta = f", ETA {(now - self.start) * (self.total - done) / done:,.0f} s"
            self.log(f"{self.docs:,} documents, {rate:,.0f}/s, {self.spam:,} with spam{eta}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
