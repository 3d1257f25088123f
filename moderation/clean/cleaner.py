"""Cleaning dataset records: one chunk of raw records in, written / dropped / rejected records out.

This is the part every way of running the cleanup shares (one process, a process pool, a Dask cluster),
so they give the same result record for record. It is a pure function of the records, the options and
the models; where it runs is the runner's business (``runner.py``, ``dask.py``). What a record is (its text,
id and URL fields) is the one rule of ``moderation.text.document``, on the fields the options name.
Records that hold HTML pages (``html_field``) are scanned as pages by ``html.py``.

Every record ends in exactly one of three places, and the counts say which:

- **written**: to the output (``strip``: text with the spam cut out; ``annotate``: text untouched; both
  add the annotation field; ``drop``: records that are kept, unchanged);
- **dropped** (``drop`` mode): to the drop log, with the reason;
- **rejected**: to the rejects file with its source, line and error (not JSON, not an object, missing
  text field, a text, id or URL field of the wrong type, invalid UTF-8, unreadable file, a scan failure,
  a record the output's layout cannot hold).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .._errors import ConfigurationError
from .._settings import Settings
from ..text.document import Document, RecordFields, Reject, read_record, size_reject
from ..text.records import load_line
from ..text.results import ScanResult
from ..text.scanner import Scanner
from .annotation import annotation
from .formats import Payload, RawRecord, compress_block, json_line

if TYPE_CHECKING:
    pass

Mode = Literal["strip", "drop", "annotate"]
MODES: tuple[str, ...] = ("strip", "drop", "annotate")
NOT_SCANNED = "could not be scanned"
DOES_NOT_FIT = "does not fit the output"


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
        html_field: records hold an HTML page in this field: it is scanned as a page (``html.py``);
            ``strip`` writes the cleaned page back to it and the cleaned article text to ``text_field``.
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
        dropped_by: drops by the code of the first reason of their strongest span.
        spans_by_reason: spans by reason code (a span usually has several; each code counts once per span).
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


@dataclass(frozen=True, slots=True)
class Kept:
    """An output record waiting for the writer: where it came from and what counting it will add."""

    source: str
    line: int
    id: Any
    removed: int | None  # characters cut out (``strip`` with spans), else None
    status: int  # its index in ``ChunkResult.statuses``


@dataclass
class ChunkResult:
    """What cleaning a chunk yields, in input order within each list.

    Where a record ends up is decided once and counted once. The cleaner decides drops and rejections,
    and counts them with the scan counts in ``stats``; a record for the output is written only if the
    output's layout can hold it, which the writer decides, so ``settle`` counts the written records (and
    turns the misfits into rejects) after the write.

    Attributes:
        output: records for the output (encoded JSON lines when ``encode`` was asked for, else dicts).
        kept: one entry per output record (the whole block's records when ``compressed``).
        dropped: drop-log lines (JSON).
        rejects: the rejected records.
        stats: the counts decided in the cleaner (everything but written, stripped and the characters
            stripped); ``settle`` gives the chunk's whole counts.
        statuses: ``written`` | ``dropped`` | ``rejected`` for each input record, in input order.
        compressed: ``output`` is one compressed block of JSON lines (see ``Cleaner.clean``).
    """

    output: list[bytes | dict[str, Any]] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    dropped: list[bytes] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    stats: CleanStats = field(default_factory=CleanStats)
    statuses: list[str] = field(default_factory=list)
    compressed: bool = False
    settled: bool = False

    def reject(self, item: Reject) -> None:
        self.rejects.append(item)
        self.stats.rejected += 1
        self.stats.rejected_by[item.kind] += 1
        self.statuses.append("rejected")

    def settle(self, misfits: Sequence[tuple[int, str]] = ()) -> CleanStats:
        """The chunk's counts once the writer has taken the output (``misfits``: what ``Writer.write``
        could not hold, by index into ``output``): the misfits become rejects, the rest count as written.
        Call it once, after the write."""
        assert not self.settled, "a chunk is settled once"
        self.settled = True
        stats = copy.deepcopy(self.stats)
        why = dict(misfits)
        for i, kept in enumerate(self.kept):
            if i in why:
                record = self.output[i]
                assert isinstance(record, dict)  # JSON lines always fit
                self.rejects.append(
                    Reject(DOES_NOT_FIT, why[i], kept.line, kept.id, record, source=kept.source)
                )
                self.statuses[kept.status] = "rejected"
                stats.rejected += 1
                stats.rejected_by[DOES_NOT_FIT] += 1
                continue
            stats.written += 1
            if kept.removed is not None:
                stats.stripped += 1
                stats.chars_removed += kept.removed
        return stats


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
        # the one record rule (moderation.text.document), on the fields the options name; the cleanup
        # has no language field to read; a page in the HTML field takes the text's place
        text = options.html_field or options.text_field
        self.fields = RecordFields(text, options.id_field, options.url_field, lang=None)
        if scanner is None:
            from pathlib import Path

            settings = Settings(
                model_dir=Path(options.model_dir) if options.model_dir else None,
                span_threshold=options.threshold,
            )
            scanner = Scanner.default(settings)
        self.scanner = scanner
        self._html = None
        if options.html_field:
            from .html import HtmlRecords

            self._html = HtmlRecords(scanner)

    def _parse(self, source: str, line: int, payload: Payload) -> _Parsed | Reject:
        """A record and its document, or a rejection."""
        if isinstance(payload, Reject):
            return payload.from_source(source)
        if isinstance(payload, bytes):
            record, doc = load_line(payload, line, self.fields)
        else:
            record, doc = payload, read_record(payload, line, self.fields)
        if isinstance(doc, Reject):
            return doc.from_source(source)
        if self._html is None:  # pages have their own limit (HtmlError); their texts are scanned in pieces
            too_large = size_reject(doc, self.scanner.settings.max_document_chars, line, record)
            if too_large is not None:
                return too_large.from_source(source)
        return _Parsed(source, line, record, doc)

    def clean(
        self,
        source_names: Sequence[str],
        chunk: Sequence[RawRecord],
        encode: bool,
        compression: str | None = None,
    ) -> ChunkResult:
        """Clean a chunk. ``encode``: output records as JSON lines (cheaper to send between processes);
        with ``compression`` too, as one gzip member / zstd frame, so compressing runs in the workers."""
        result = ChunkResult(stats=CleanStats(read=len(chunk)))
        items = [self._parse(source_names[s], line, payload) for s, line, payload in chunk]
        scanned = iter(self._scan([p for p in items if isinstance(p, _Parsed)]))
        for item in items:
            res = next(scanned) if isinstance(item, _Parsed) else item
            if isinstance(res, Reject):
                result.reject(res)
                continue
            assert isinstance(item, _Parsed)
            self._apply(item, res, result, encode)
        if encode and compression and result.output:
            block = compress_block(b"".join(x for x in result.output if isinstance(x, bytes)), compression)
            result.output, result.compressed = [block], True
        return result

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
                            Reject(NOT_SCANNED, detail, p.line, p.doc.id, p.record, source=p.source)
                        )
        return results

    def _apply(self, p: _Parsed, res: Any, result: ChunkResult, encode: bool) -> None:
        """Count the scan; send the record to the drop log, or to the output (counted when written)."""
        if self._html is not None:
            return self._html.apply(self, p, res, result, encode)
        opts, text, record, stats = self.options, p.doc.text, p.record, result.stats
        field_name = opts.annotation_field
        stats.chars_in += len(text)
        if res.spans:
            stats.spam_records += 1
            stats.spans += len(res.spans)
            for span in res.spans:
                stats.spans_by_reason.update({r.code for r in span.reasons})
                stats.spam_domains.update(
                    lk.domain for lk in res.links if span.start <= lk.start and lk.end <= span.end
                )
        if opts.mode == "drop" and res.spans:
            top = max(res.spans, key=lambda s: s.score)
            why = top.reasons[0].code if top.reasons else "spam"
            return self.drop(p, result, annotation(res, "dropped", len(text)), why, len(text))
        removed: int | None = None
        if opts.mode == "drop":
            out = record
        elif opts.mode == "annotate":
            out = {**record, field_name: annotation(res, "annotated", 0)}
        elif not res.spans:
            out = {**record, field_name: annotation(res, "kept", 0)}
        else:
            removed = len(text) - len(res.cleaned_text)
            out = {
                **record,
                opts.text_field: res.cleaned_text,
                field_name: annotation(res, "stripped", removed),
            }
        self.keep(p, result, out, removed, encode)

    def drop(self, p: _Parsed, result: ChunkResult, annotation: dict[str, Any], why: str, size: int) -> None:
        """Send the record to the drop log with its annotation and the code ``why`` (counted here)."""
        stats = result.stats
        stats.dropped += 1
        stats.dropped_by[why] += 1
        stats.chars_removed += size
        record = {**p.record, self.options.annotation_field: {**annotation, "reason": why}}
        result.dropped.append(json_line({"source": p.source, "line": p.line, "record": record}))
        result.statuses.append("dropped")

    def keep(
        self, p: _Parsed, result: ChunkResult, out: dict[str, Any], removed: int | None, encode: bool
    ) -> None:
        """Send ``out`` to the output; ``removed``: characters cut out (``strip`` with spans), else None.
        It is counted as written when the writer took it (``ChunkResult.settle``)."""
        result.kept.append(Kept(p.source, p.line, p.doc.id, removed, len(result.statuses)))
        result.output.append(json_line(out) if encode else out)
        result.statuses.append("written")
