"""Cleaning dataset records: one chunk of raw records in, written / dropped / rejected records out.

This is the part every way of running the cleanup shares (one process, a process pool, a Dask cluster),
so they give the same result record for record. It is a pure function of the records, the options and
the models; where it runs is the runner's business (``_clean_run.py``, ``moderation.dask``).

Every record ends in exactly one of three places, and the counts say which:

- **written**: to the output (``strip``: text with the spam cut out; ``annotate``: text untouched; both
  add the annotation field; ``drop``: records that are kept, unchanged);
- **dropped** (``drop`` mode): to the drop log, with the reason;
- **rejected**: to the rejects file with its source, line and error (not JSON, not an object, missing
  text field, wrong type, invalid UTF-8, unreadable file, a scan failure).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ._errors import ConfigurationError
from ._formats import BadRow, RawRecord
from ._scanner import Document, Scanner
from ._settings import Settings
from ._sinks import compress_block, json_line
from ._types import ScanResult

Mode = Literal["strip", "drop", "annotate"]
MODES: tuple[str, ...] = ("strip", "drop", "annotate")


@dataclass(frozen=True)
class CleanOptions:
    """What to do with each record.

    Attributes:
        text_field: the field holding the article text.
        id_field: the field holding the record's id (optional in records; used in logs and rejects).
        url_field: the field holding the article's own URL, if any (its domain is never judged as spam).
        mode: ``strip`` (cut spam spans out of the text), ``drop`` (drop records with spam) or
            ``annotate`` (only add the annotation field).
        threshold: the spam-score threshold at which a span is acted on; ``None`` = the model's own.
        annotation_field: the field added to each record with the spans, scores and reasons.
        model_dir: models to load instead of the shipped ones.
        batch_size: documents per model call.
        html_field: records hold an HTML page in this field: it is scanned as a page
            (``moderation.html``); ``strip`` writes the cleaned page back to it and the cleaned article text
            to ``text_field``.
    """

    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    mode: str = "strip"
    threshold: float | None = None
    annotation_field: str = "moderation"
    model_dir: str | None = None
    batch_size: int = 64
    html_field: str | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigurationError(f"mode {self.mode!r} is not one of {', '.join(MODES)}")
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise ConfigurationError(f"threshold {self.threshold} must be between 0 and 1")
        if self.annotation_field == self.text_field:
            raise ConfigurationError("the annotation field cannot be the text field")
        if self.html_field in (self.annotation_field, self.text_field):
            raise ConfigurationError("the HTML field must differ from the text and annotation fields")

    def fingerprint(self) -> dict[str, Any]:
        """The options that change the output (a resumed run must use the same ones)."""
        return {
            "text_field": self.text_field,
            "id_field": self.id_field,
            "url_field": self.url_field,
            "mode": self.mode,
            "threshold": self.threshold,
            "annotation_field": self.annotation_field,
            **({"html_field": self.html_field} if self.html_field else {}),
        }


@dataclass
class CleanStats:
    """Counts of one chunk or of a whole run (chunks add up with ``merge``).

    Attributes:
        read: records read (blank lines are not records).
        written: records written to the output.
        stripped: written records that had at least one span cut out (``strip`` mode).
        dropped: records sent to the drop log (``drop`` mode).
        rejected: records sent to the rejects file.
        spam_records: records with at least one spam span (in any mode).
        spans: spam spans found.
        chars_in: characters of text read (of records that were scanned).
        chars_removed: characters cut out of written texts (``strip``) or dropped with records (``drop``).
        rejected_by: rejections by kind of error.
        dropped_by: drops by the first reason of their strongest span.
        spans_by_reason: spans by kind of reason (a span usually has several).
        spam_domains: registered domains of links inside spam spans.
    """

    read: int = 0
    written: int = 0
    stripped: int = 0
    dropped: int = 0
    rejected: int = 0
    spam_records: int = 0
    spans: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    rejected_by: Counter[str] = field(default_factory=Counter)
    dropped_by: Counter[str] = field(default_factory=Counter)
    spans_by_reason: Counter[str] = field(default_factory=Counter)
    spam_domains: Counter[str] = field(default_factory=Counter)

    _COUNTERS = ("rejected_by", "dropped_by", "spans_by_reason", "spam_domains")

    def merge(self, other: CleanStats) -> None:
        for name, value in vars(other).items():
            if name in self._COUNTERS:
                getattr(self, name).update(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    @property
    def balanced(self) -> bool:
        """Every record read ended in exactly one place."""
        return self.read == self.written + self.dropped + self.rejected

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in vars(self).items():
            out[name] = dict(value.most_common()) if name in self._COUNTERS else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CleanStats:
        stats = cls()
        for name, value in data.items():
            if hasattr(stats, name):
                setattr(stats, name, Counter(value) if name in cls._COUNTERS else value)
        return stats


@dataclass
class ChunkResult:
    """What cleaning a chunk yields, in input order within each list.

    Attributes:
        output: records for the output (encoded JSON lines when ``encode`` was asked for, else dicts).
        positions: (source, line) of each output record, to name it if the output cannot hold it.
        statuses: ``written`` | ``dropped`` | ``rejected`` for each input record, in input order.
        compressed: ``output`` is one compressed block of JSON lines (see ``Cleaner.clean``).
        dropped: drop-log lines (JSON).
        rejects: rejects-file lines (JSON).
        stats: the chunk's counts.
    """

    output: list[bytes | dict[str, Any]]
    positions: list[tuple[str, int]]
    dropped: list[bytes]
    rejects: list[bytes]
    stats: CleanStats
    statuses: list[str] = field(default_factory=list)
    compressed: bool = False


_PARENS = re.compile(r"\s*\([^)]*\)")


def reason_kind(reason: str) -> list[str]:
    """Group a readable reason for counting: drop the numbers and quotes, split a link's reasons apart."""
    if reason.startswith("link ") and ": " in reason:
        return [f"link: {part}" for part in reason.split(": ", 1)[1].split("; ")]
    if reason.startswith("written in "):
        return ["written in another language than the article"]
    return [_PARENS.sub("", reason)]


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that goes to the rejects file: its kind (for counting) and its JSON line."""

    kind: str
    line: bytes


def reject(source: str, line: int, kind: str, detail: str, raw: Any, record_id: Any = None) -> Reject:
    """A rejection: where the record was, what is wrong, and the record itself (nothing is lost)."""
    error = f"{kind} ({detail})" if detail else kind
    row = {"source": source, "line": line, "id": record_id, "error": error, "kind": kind, "record": raw}
    return Reject(kind, json_line(row))


def _raw_text(payload: bytes) -> str:
    return payload.decode("utf-8", "backslashreplace")


@dataclass
class _Parsed:
    source: str
    line: int
    record: dict[str, Any]
    doc: Document


class Cleaner:
    """Cleans chunks of records with one scanner (load it once per process)."""

    def __init__(self, options: CleanOptions, scanner: Scanner | None = None) -> None:
        self.options = options
        if scanner is None:
            from pathlib import Path

            settings = Settings(
                model_dir=Path(options.model_dir) if options.model_dir else None,
                span_threshold=options.threshold,
            )
            scanner = Scanner.default(settings)
        self.scanner = scanner
        self._html = None
        if options.html_field:  # pages instead of texts: moderation/html/_clean.py
            from .html._clean import HtmlRecords

            self._html = HtmlRecords(scanner)

    def _parse(self, source: str, line: int, payload: bytes | dict[str, Any] | BadRow) -> _Parsed | Reject:
        """A record and its document, or a rejection."""
        opts = self.options
        if isinstance(payload, BadRow):
            return reject(source, line, payload.kind, payload.detail, payload.raw)
        if isinstance(payload, bytes):
            try:
                text = payload.decode("utf-8")
            except UnicodeDecodeError as exc:
                return reject(source, line, "invalid UTF-8", f"at byte {exc.start}", _raw_text(payload))
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                return reject(source, line, "not valid JSON", f"{exc.msg} at column {exc.colno}", text)
            except (ValueError, RecursionError) as exc:
                return reject(source, line, "not valid JSON", str(exc), text)
            if not isinstance(record, dict):
                return reject(source, line, "not a JSON object", f"got {type(record).__name__}", text)
        else:
            record = payload
        rid = record.get(opts.id_field)
        name = opts.html_field or opts.text_field
        if name not in record:
            return reject(source, line, "missing text field", repr(name), record, rid)
        text = record[name]
        if not isinstance(text, str):
            what = "null" if text is None else type(text).__name__
            return reject(source, line, "wrong type", f"{name!r} is {what}, not a string", record, rid)
        url = record.get(opts.url_field)
        return _Parsed(source, line, record, Document(text, rid, url if isinstance(url, str) else None))

    def clean(
        self,
        source_names: Sequence[str],
        chunk: Sequence[RawRecord],
        encode: bool,
        compression: str | None = None,
    ) -> ChunkResult:
        """Clean a chunk. ``encode``: output records as JSON lines (cheaper to send between processes);
        with ``compression`` too, as one gzip member / zstd frame, so compressing runs in the workers."""
        stats = CleanStats(read=len(chunk))
        items = [self._parse(source_names[s], line, payload) for s, line, payload in chunk]
        scanned = iter(self._scan([p for p in items if isinstance(p, _Parsed)]))
        out: list[bytes | dict[str, Any]] = []
        positions: list[tuple[str, int]] = []
        dropped: list[bytes] = []
        rejects: list[bytes] = []
        statuses: list[str] = []
        for item in items:
            res = next(scanned) if isinstance(item, _Parsed) else item
            if isinstance(res, Reject):
                rejects.append(res.line)
                stats.rejected += 1
                stats.rejected_by[res.kind] += 1
                statuses.append("rejected")
                continue
            assert isinstance(item, _Parsed)
            kept = self._apply(item, res, stats)
            if isinstance(kept, bytes):
                dropped.append(kept)
                statuses.append("dropped")
            else:
                out.append(json_line(kept) if encode else kept)
                positions.append((item.source, item.line))
                statuses.append("written")
        if encode and compression and out:
            block = compress_block(b"".join(x for x in out if isinstance(x, bytes)), compression)
            return ChunkResult([block], [], dropped, rejects, stats, statuses, compressed=True)
        return ChunkResult(out, positions, dropped, rejects, stats, statuses)

    def _scan(self, parsed: list[_Parsed]) -> list[ScanResult | Reject]:
        """Scan in batches; if a batch fails, scan its records one by one and reject only the failures."""
        results: list[Any] = []
        size = self.options.batch_size
        scan_many: Any = self._html.scan_many if self._html is not None else self.scanner.scan_many
        for i in range(0, len(parsed), size):
            batch = parsed[i : i + size]
            try:
                results.extend(scan_many([p.doc for p in batch], batch_size=len(batch)))
            except Exception:
                for p in batch:
                    try:
                        results.extend(scan_many([p.doc], batch_size=1))
                    except Exception as exc:
                        detail = f"{type(exc).__name__}: {exc}"
                        results.append(
                            reject(p.source, p.line, "could not be scanned", detail, p.record, p.doc.id)
                        )
        return results

    def _annotation(self, res: ScanResult, action: str, removed: int) -> dict[str, Any]:
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
            "removed_chars": removed,
            "model_version": res.model_version,
        }

    def _apply(self, p: _Parsed, res: Any, stats: CleanStats) -> dict[str, Any] | bytes:
        """Count the result; return the record to write, or the drop-log line when it is dropped."""
        if self._html is not None:
            return self._html.apply(self.options, p, res, stats)
        opts, text, record = self.options, p.doc.text, p.record
        field_name = opts.annotation_field
        stats.chars_in += len(text)
        if res.spans:
            stats.spam_records += 1
            stats.spans += len(res.spans)
            for span in res.spans:
                for reason in span.reasons:
                    stats.spans_by_reason.update(reason_kind(reason))
                stats.spam_domains.update(
                    lk.domain for lk in res.links if span.start <= lk.start and lk.end <= span.end
                )
        if opts.mode == "drop":
            if not res.spans:
                stats.written += 1
                return record
            top = max(res.spans, key=lambda s: s.score)
            why = reason_kind(top.reasons[0])[0] if top.reasons else "spam"
            stats.dropped += 1
            stats.dropped_by[why] += 1
            stats.chars_removed += len(text)
            note = {
                **self._annotation(res, "dropped", len(text)),
                "reason": f"spam score {top.score:.2f}: {why}",
            }
            return json_line({"source": p.source, "line": p.line, "record": {**record, field_name: note}})
        stats.written += 1
        if opts.mode == "annotate":
            return {**record, field_name: self._annotation(res, "annotated", 0)}
        if not res.spans:
            return {**record, field_name: self._annotation(res, "kept", 0)}
        removed = len(text) - len(res.cleaned_text)
        stats.stripped += 1
        stats.chars_removed += removed
        return {
            **record,
            opts.text_field: res.cleaned_text,
            field_name: self._annotation(res, "stripped", removed),
        }
