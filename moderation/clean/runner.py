"""Running a cleanup over files: streaming, in order, in parallel, with checkpoints to resume from.

::

    inputs -> RecordReader -> chunks of records -> Cleaner (here, or in N worker processes)
           -> results in input order -> part files (output, drop log, rejects) -> checkpoint
           -> ... -> join the parts into the final files (temp + rename) -> CleanReport

Memory stays bounded whatever the input size: at most ``4 x workers`` chunks are in flight, and records
go to disk as soon as their chunk is back. Output order equals input order because chunks are collected
in the order they were submitted.

**Checkpoints.** The work directory beside the output (``OUTPUT.partial/``) holds the finished parts and
``state.json``: how many input records are done, the counts so far, the output layout, and a fingerprint
of the inputs (path, size, mtime), the options and the model version. A part is listed in the state only
after it is closed, so after a kill the state names exactly the records that are on disk. ``--resume``
checks the fingerprint, discards any unlisted part, skips the records already done and goes on; the final
files are the same as an uninterrupted run's.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from .._atomic import write_atomic
from .._errors import InputError, ModerationError, ResumeError
from .._orphans import watch_parent
from .cleaner import ChunkResult, Cleaner, CleanOptions, CleanStats, reject
from .formats import RawRecord, RecordReader, Source, detect, expand_inputs
from .sinks import LogSink, PartSink, check_writable, json_line

STATE_VERSION = 1


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


# -- worker processes --------------------------------------------------------------------------------------

_worker: Cleaner | None = None


def _init_worker(options: CleanOptions) -> None:
    global _worker
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # workers never write files: exiting at once when the parent dies loses nothing
    watch_parent(os.getppid(), lambda: os._exit(1))
    _worker = Cleaner(options)


def _clean_in_worker(
    names: Sequence[str], chunk: Sequence[RawRecord], encode: bool, compression: str | None
) -> ChunkResult:
    assert _worker is not None, "worker not initialised"
    return _worker.clean(names, chunk, encode, compression)


def _chunks(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def _ordered_results(
    chunks: Iterator[list[RawRecord]],
    names: list[str],
    options: CleanOptions,
    workers: int,
    encode: bool,
    compression: str | None = None,
) -> Iterator[tuple[list[RawRecord], ChunkResult]]:
    """Clean chunks here (1 worker) or in a process pool, yielding results in input order."""
    if workers <= 1:
        cleaner = Cleaner(options)
        for chunk in chunks:
            yield chunk, cleaner.clean(names, chunk, encode, compression)
        return
    import multiprocessing as mp

    window: deque[tuple[list[RawRecord], Future[ChunkResult]]] = deque()
    with ProcessPoolExecutor(workers, mp.get_context("spawn"), _init_worker, (options,)) as pool:
        try:
            for chunk in chunks:
                window.append((chunk, pool.submit(_clean_in_worker, names, chunk, encode, compression)))
                if len(window) >= 4 * workers:
                    done, fut = window.popleft()
                    yield done, fut.result()
            while window:
                done, fut = window.popleft()
                yield done, fut.result()
        except BrokenProcessPool:
            raise ModerationError(
                "a worker process died (out of memory or killed); the run stopped at its last checkpoint: "
                "run the same command with --resume to continue"
            ) from None
        except BaseException:
            for _, fut in window:
                fut.cancel()
            raise


# -- progress -----------------------------------------------------------------------------------------------


class _Progress:
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


# -- the run ------------------------------------------------------------------------------------------------


def _fingerprint(
    sources: Sequence[Source], options: CleanOptions, out_format: str, model: str
) -> dict[str, Any]:
    files = []
    for s in sources:
        st = os.stat(s.path)
        files.append([s.path, s.format, s.compression, st.st_size, st.st_mtime_ns])
    return {"inputs": files, "options": options.fingerprint(), "output_format": out_format, "model": model}


def _model_version(options: CleanOptions, workers: int) -> str:
    """Check the models before any work. With worker processes, only their sidecar is read here: the
    workers load the models, and this process needs neither the time nor the memory."""
    if workers <= 1:
        return Cleaner(options).scanner.model_version
    from classifiers import model_version

    return model_version(Path(options.model_dir) if options.model_dir else None)


def clean_files(
    inputs: Sequence[str],
    output: str,
    options: CleanOptions | None = None,
    *,
    workers: int = 1,
    resume: bool = False,
    rejects: str | None = None,
    drops: str | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    chunk_size: int = 128,
    checkpoint_every: int = 10_000,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> CleanReport:
    """Clean ``inputs`` into ``output`` (see the module docstring); returns the report.

    Args:
        inputs: paths, globs, directories, or ``-`` for stdin.
        output: the output file (its format from its name or ``output_format``), or ``-`` for stdout
            (JSONL, streamed; no checkpoints).
        options: what to do with each record.
        workers: processes that scan (1 = in this process).
        resume: continue an interrupted run of the same command from its last checkpoint.
        rejects: the rejects file (default ``OUTPUT.rejects.jsonl``; stderr when the output is stdout).
        drops: the drop log in ``drop`` mode (default ``OUTPUT.dropped.jsonl``).
        input_format / output_format: override the formats implied by file names.
        chunk_size: records per unit of work sent to a worker.
        checkpoint_every: records per part (and checkpoint).
        progress: force the progress bar on/off (default: on when stderr is a terminal).
        log: where progress lines go when there is no bar (default: stderr).

    Raises:
        InputError: inputs or output that cannot be used (named in the message).
        ResumeError: a run to resume is missing, or one exists and ``resume`` was not asked for.
    """
    options = options or CleanOptions()
    log = log or (lambda msg: print(f"moderation: {msg}", file=sys.stderr, flush=True))
    sources = expand_inputs(inputs, input_format)
    if sum(s.path == "-" for s in sources) > 1:
        raise InputError("stdin (-) can be read only once")
    if chunk_size < 1 or checkpoint_every < 1 or workers < 1:
        raise InputError("workers, chunk size and checkpoint interval must be at least 1")
    names = [s.name for s in sources]
    started = time.monotonic()
    if output == "-":
        if resume:
            raise ResumeError("--resume needs an output file, not stdout")
        if output_format not in (None, "jsonl"):
            raise InputError(f"stdout gets JSONL; write {output_format} to a file")
        return _clean_to_stdout(
            sources, names, options, workers, rejects, drops, chunk_size, progress, log, started
        )

    try:
        target = detect(output, output_format)
    except InputError:
        if output_format is not None:
            raise
        first = sources[0]  # a name that does not say: the inputs' format
        target = Source(output, first.format, first.compression)
    out_path = Path(output)
    check_writable(out_path)
    if any(
        s.path != "-" and os.path.exists(out_path) and os.path.samefile(s.path, out_path) for s in sources
    ):
        raise InputError(f"{output} is also an input; write the output somewhere else")
    rejects_path = Path(rejects) if rejects else out_path.with_name(out_path.name + ".rejects.jsonl")
    drops_path = (
        (Path(drops) if drops else out_path.with_name(out_path.name + ".dropped.jsonl"))
        if options.mode == "drop"
        else None
    )
    work = out_path.with_name(out_path.name + ".partial")
    state_path = work / "state.json"
    model = _model_version(options, workers)
    fingerprint = (
        None if any(s.path == "-" for s in sources) else _fingerprint(sources, options, target.format, model)
    )

    state: dict[str, Any] = {
        "version": STATE_VERSION,
        "fingerprint": fingerprint,
        "parts": 0,
        "consumed": 0,
        "stats": {},
        "layout": {},
    }
    if work.exists():
        if not resume:
            raise ResumeError(
                f"{work} holds an interrupted run of this output; add --resume to continue it, "
                "or delete that directory to start over"
            )
        if fingerprint is None:
            raise ResumeError(f"a run that reads stdin cannot be resumed; delete {work} and start over")
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {**state}  # killed before the first checkpoint: start from the beginning
        if state.get("fingerprint") not in (None, fingerprint):
            raise ResumeError(
                f"{work} was made from other inputs, options or models; delete it to start over"
            )
        state["fingerprint"] = fingerprint
    elif resume:
        log(f"nothing to resume at {work}; starting from the beginning")
    work.mkdir(exist_ok=True)
    parts = int(state["parts"])
    for leftover in work.iterdir():  # a part written after the last checkpoint is redone
        if leftover.name.startswith("part-") and int(leftover.name[5:11]) >= parts:
            leftover.unlink()

    stats = CleanStats.from_dict(state["stats"])
    resumed = stats.read
    sink = PartSink(target, options.annotation_field, state["layout"])
    rejects_sink, drops_sink = LogSink(), LogSink()
    reader = RecordReader(sources, skip=int(state["consumed"]))
    bar = _Progress(reader, progress, log)
    encode = target.format == "jsonl"

    def part_path(n: int, kind: str) -> Path:
        return work / f"part-{n:06d}.{kind}"

    def open_part() -> None:
        sink.open_part(part_path(parts, "out"))
        rejects_sink.open_part(part_path(parts, "rejects"))
        drops_sink.open_part(part_path(parts, "dropped"))

    def checkpoint() -> None:
        nonlocal parts
        sink.close_part()
        rejects_sink.close_part()
        drops_sink.close_part()
        parts += 1
        state.update(parts=parts, consumed=stats.read, stats=stats.to_dict(), layout=sink.layout)
        write_atomic(state_path, json.dumps(state).encode("utf-8"))

    in_part = 0
    open_part()
    try:
        compression = target.compression if encode else None
        results = _ordered_results(_chunks(reader, chunk_size), names, options, workers, encode, compression)
        for chunk, result in results:
            write_result(result, sink, rejects_sink, drops_sink)
            stats.merge(result.stats)
            bar.update(result.stats)
            in_part += len(chunk)
            if in_part >= checkpoint_every:
                checkpoint()
                open_part()
                in_part = 0
        checkpoint()
    except BaseException:
        bar.close()
        sink.close_part()
        rejects_sink.close_part()
        drops_sink.close_part()
        raise
    bar.close()
    done = [n for n in range(parts)]
    sink.join([part_path(n, "out") for n in done], out_path)
    LogSink.join([part_path(n, "rejects") for n in done], rejects_path)
    if drops_path is not None:
        LogSink.join([part_path(n, "dropped") for n in done], drops_path)
    shutil.rmtree(work)
    return CleanReport(
        stats,
        names,
        str(out_path),
        str(rejects_path),
        str(drops_path) if drops_path else None,
        workers,
        time.monotonic() - started,
        resumed,
        model,
    )


def write_result(result: ChunkResult, sink: PartSink, rejects_sink: LogSink, drops_sink: LogSink) -> None:
    """Write one chunk's records; records the output layout cannot hold become rejects (and are counted)."""
    misfits = sink.write(result.output, compressed=result.compressed)
    rejected = list(result.rejects)
    for index, why in misfits:
        record = result.output[index]
        assert isinstance(record, dict)  # JSON lines always fit
        source, line = result.positions[index]
        note = record.get(sink.annotation_field)
        if isinstance(note, dict) and note.get("action") == "stripped":
            result.stats.stripped -= 1
            result.stats.chars_removed -= int(note.get("removed_chars", 0))
        result.stats.written -= 1
        result.stats.rejected += 1
        result.stats.rejected_by["does not fit the output"] += 1
        rejected.append(reject(source, line, "does not fit the output", why, record).line)
    rejects_sink.write(rejected)
    drops_sink.write(result.dropped)


def _clean_to_stdout(
    sources: list[Source],
    names: list[str],
    options: CleanOptions,
    workers: int,
    rejects: str | None,
    drops: str | None,
    chunk_size: int,
    progress: bool | None,
    log: Callable[[str], None],
    started: float,
) -> CleanReport:
    """Stream JSONL to stdout as chunks finish; rejects (and drops) go to files or to stderr."""
    stats = CleanStats()
    out = sys.stdout.buffer
    handles: list[IO[bytes]] = []

    def open_log(path: str | None) -> IO[bytes]:
        if path is None:
            return sys.stderr.buffer
        check_writable(Path(path))
        handle = open(path, "wb")  # noqa: SIM115 - closed below
        handles.append(handle)
        return handle

    model = _model_version(options, workers)
    rejects_out = open_log(rejects)
    drops_out = open_log(drops) if options.mode == "drop" else None
    reader = RecordReader(sources)
    bar = _Progress(reader, progress, log)
    try:
        for _chunk, result in _ordered_results(_chunks(reader, chunk_size), names, options, workers, True):
            out.write(b"".join(r if isinstance(r, bytes) else json_line(r) for r in result.output))
            rejects_out.write(b"".join(result.rejects))
            if drops_out is not None:
                drops_out.write(b"".join(result.dropped))
            out.flush()
            stats.merge(result.stats)
            bar.update(result.stats)
    finally:
        bar.close()
        for handle in handles:
            handle.close()
    return CleanReport(stats, names, "-", rejects, drops, workers, time.monotonic() - started, 0, model)
