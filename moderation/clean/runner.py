"""Running a cleanup over files: a plan, a worker pool, the sinks, checkpoints to resume from.

::

    inputs -> RunPlan (checked before any record is read) -> RecordReader -> chunks of records
           -> WorkerPool (Cleaner here, or in N worker processes) -> results in input order
           -> RunSinks (output, rejects, drop log: part files) -> checkpoint -> ...
           -> join the parts into the final files (temp + rename) -> CleanReport

Memory stays bounded whatever the input size (see ``pool.py``); records go to disk as soon as their
chunk is back.

**Checkpoints.** The work directory beside the output (``OUTPUT.partial/``) holds the finished parts and
``state.json``: how many input records are done, the counts so far, the output layout, and a fingerprint
of the inputs (path, size, mtime), the options and the model version. A part is listed in the state only
after it is closed, so after a kill the state names exactly the records that are on disk. ``--resume``
checks the fingerprint, discards any unlisted part, skips the records already done and goes on; the final
files are the same as an uninterrupted run's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import write_atomic
from .._errors import InputError, ResumeError
from .cleaner import Cleaner, CleanOptions, CleanStats
from .formats import RecordReader, Source, detect, expand_inputs, writer
from .formats.jsonl import FORMAT as STDOUT_FORMAT
from .formats.jsonl import JsonlWriter
from .pool import WorkerPool, chunks
from .report import CleanReport, Progress
from .sinks import Part, RunSinks, check_writable

STATE_VERSION = 1


def _stderr_log(message: str) -> None:
    print(f"moderation: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class RunOptions:
    """How a local run goes (what happens to each record is ``CleanOptions``).

    Attributes:
        chunk_size: records per unit of work sent to a worker.
        checkpoint_every: records per part (and checkpoint).
        progress: force the progress bar on/off (default: on when stderr is a terminal).
        log: where progress lines go when there is no bar (default: stderr).
    """

    chunk_size: int = 128
    checkpoint_every: int = 10_000
    progress: bool | None = None
    log: Callable[[str], None] = field(default=_stderr_log)

    def __post_init__(self) -> None:
        if self.chunk_size < 1 or self.checkpoint_every < 1:
            raise InputError("workers, chunk size and checkpoint interval must be at least 1")


@dataclass(frozen=True)
class RunPlan:
    """A local run, resolved and checked before any record is read.

    Attributes:
        sources: the inputs, in order.
        target: the output (``path == "-"``: JSONL to stdout).
        options, run, workers, resume: as given to ``clean_files``.
        rejects, drops: the rejects file and the drop log (``None`` for stdout: stderr; drops only in
            ``drop`` mode).
    """

    sources: list[Source]
    target: Source
    options: CleanOptions
    run: RunOptions
    workers: int
    resume: bool
    rejects: str | None
    drops: str | None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sources]

    @property
    def to_stdout(self) -> bool:
        return self.target.path == "-"

    @classmethod
    def build(
        cls,
        inputs: Sequence[str],
        output: str,
        options: CleanOptions,
        run: RunOptions,
        *,
        workers: int,
        resume: bool,
        rejects: str | None,
        drops: str | None,
        input_format: str | None,
        output_format: str | None,
    ) -> RunPlan:
        """Check the arguments and name every file (see ``clean_files``)."""
        dropping = options.mode == "drop"
        if output != "-":  # the run's own files, named first: its inputs never include them
            out = Path(output)
            rejects = str(Path(rejects) if rejects else out.with_name(out.name + ".rejects.jsonl"))
            drops = str(Path(drops) if drops else out.with_name(out.name + ".dropped.jsonl"))
        own = [output, rejects, drops, f"{output}.partial"] if output != "-" else [rejects, drops]
        own_files = [p for p in own if p and p != "-"]
        sources = expand_inputs(inputs, input_format, skip=own_files)
        if sum(s.path == "-" for s in sources) > 1:
            raise InputError("stdin (-) can be read only once")
        if workers < 1:
            raise InputError("workers, chunk size and checkpoint interval must be at least 1")
        for s in sources:
            mine = next((p for p in own_files if s.path != "-" and _same(s.path, p)), None)
            if mine is not None:
                what = mine if mine == output else f"{mine} (one of this run's own files)"
                raise InputError(f"{what} is also an input; write the output somewhere else")
        if output == "-":
            if resume:
                raise ResumeError("--resume needs an output file, not stdout")
            if output_format not in (None, STDOUT_FORMAT.name):
                raise InputError(f"stdout gets {STDOUT_FORMAT.title}; write {output_format} to a file")
            target = Source("-", STDOUT_FORMAT.name)
            return cls(sources, target, options, run, workers, resume, rejects, drops if dropping else None)
        try:
            target = detect(output, output_format)
        except InputError:
            if output_format is not None:
                raise
            first = sources[0]  # a name that does not say: the inputs' format
            target = Source(output, first.format, first.compression)
        check_writable(Path(output))
        drops = drops if dropping else None
        return cls(sources, target, options, run, workers, resume, rejects, drops)


def _same(a: str, b: str) -> bool:
    """The same file (or ``b`` a directory holding ``a``)."""
    try:
        return os.path.samefile(a, b) or Path(b).resolve() in Path(a).resolve().parents
    except OSError:  # b does not exist yet
        return False


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
    run: RunOptions | None = None,
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
        run: chunk size, checkpoint interval, progress bar and log (``RunOptions``).

    Raises:
        InputError: inputs or output that cannot be used (named in the message).
        ResumeError: a run to resume is missing, or one exists and ``resume`` was not asked for.
    """
    started = time.monotonic()
    plan = RunPlan.build(
        inputs,
        output,
        options or CleanOptions(),
        run or RunOptions(),
        workers=workers,
        resume=resume,
        rejects=rejects,
        drops=drops,
        input_format=input_format,
        output_format=output_format,
    )
    report = _to_stdout(plan) if plan.to_stdout else _to_files(plan)
    report.seconds = time.monotonic() - started
    return report


def _model_version(options: CleanOptions, workers: int) -> str:
    """Check the models before any work. With worker processes, only their sidecar is read here: the
    workers load the models, and this process needs neither the time nor the memory."""
    if workers <= 1:
        return Cleaner(options).scanner.model_version
    from classifiers import model_version

    return model_version(Path(options.model_dir) if options.model_dir else None)


class WorkDir:
    """``OUTPUT.partial/``: the finished parts and ``state.json`` (see the module docstring)."""

    def __init__(self, plan: RunPlan, model: str) -> None:
        out = Path(plan.target.path)
        self.path = out.with_name(out.name + ".partial")
        self.state_path = self.path / "state.json"
        self.fingerprint = None if any(s.path == "-" for s in plan.sources) else _fingerprint(plan, model)

    def part(self, n: int) -> Part:
        return Part(*(self.path / f"part-{n:06d}.{kind}" for kind in ("out", "rejects", "dropped")))

    def open(self, resume: bool, log: Callable[[str], None]) -> dict[str, Any]:
        """The state to start from (a fresh one, or the interrupted run's); parts it does not list go."""
        state: dict[str, Any] = {
            "version": STATE_VERSION,
            "fingerprint": self.fingerprint,
            "parts": 0,
            "consumed": 0,
            "stats": {},
            "layout": {},
        }
        work = self.path
        if work.exists():
            if not resume:
                raise ResumeError(
                    f"{work} holds an interrupted run of this output; add --resume to continue it, "
                    "or delete that directory to start over"
                )
            if self.fingerprint is None:
                raise ResumeError(f"a run that reads stdin cannot be resumed; delete {work} and start over")
            # killed before the first checkpoint (no state yet): start from the beginning
            with contextlib.suppress(OSError, ValueError):
                state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if state.get("fingerprint") not in (None, self.fingerprint):
                raise ResumeError(
                    f"{work} was made from other inputs, options or models; delete it to start over"
                )
            state["fingerprint"] = self.fingerprint
        elif resume:
            log(f"nothing to resume at {work}; starting from the beginning")
        work.mkdir(exist_ok=True)
        parts = int(state["parts"])
        for leftover in work.iterdir():  # a part written after the last checkpoint is redone
            if leftover.name.startswith("part-") and int(leftover.name[5:11]) >= parts:
                leftover.unlink()
        return state

    def save(self, state: dict[str, Any]) -> None:
        write_atomic(self.state_path, json.dumps(state).encode("utf-8"))


def _fingerprint(plan: RunPlan, model: str) -> dict[str, Any]:
    files = []
    for s in plan.sources:
        st = os.stat(s.path)
        files.append([s.path, s.format, s.compression, st.st_size, st.st_mtime_ns])
    return {
        "inputs": files,
        "options": plan.options.fingerprint(),
        "output_format": plan.target.format,
        "model": model,
    }


def _to_files(plan: RunPlan) -> CleanReport:
    """The run into part files with checkpoints, joined into the final files at the end."""
    model = _model_version(plan.options, plan.workers)
    work = WorkDir(plan, model)
    state = work.open(plan.resume, plan.run.log)
    stats = CleanStats.from_dict(state["stats"])
    resumed = stats.read
    parts = int(state["parts"])
    sinks = RunSinks(
        writer(plan.target, plan.options.annotation_field, state["layout"]), plan.drops is not None
    )
    reader = RecordReader(plan.sources, skip=int(state["consumed"]))
    bar = Progress(reader, plan.run.progress, plan.run.log)
    pool = WorkerPool(plan.options, plan.workers, sinks.output.encoded, sinks.output.compression)

    def checkpoint() -> None:
        nonlocal parts
        sinks.close_part()
        parts += 1
        state.update(parts=parts, consumed=stats.read, stats=stats.to_dict(), layout=sinks.output.layout)
        work.save(state)

    in_part = 0
    sinks.open_part(work.part(parts))
    try:
        for chunk, result in pool.map(chunks(reader, plan.run.chunk_size), plan.names):
            counts = sinks.write(result)
            stats.merge(counts)
            bar.update(counts)
            in_part += len(chunk)
            if in_part >= plan.run.checkpoint_every:
                checkpoint()
                sinks.open_part(work.part(parts))
                in_part = 0
        checkpoint()
    finally:
        bar.close()
        sinks.close_part()
    assert plan.rejects is not None
    final = Part(Path(plan.target.path), Path(plan.rejects), Path(plan.drops) if plan.drops else None)
    sinks.join([work.part(n) for n in range(parts)], final)
    shutil.rmtree(work.path)
    return CleanReport(
        stats, plan.names, str(final.output), plan.rejects, plan.drops, plan.workers, 0.0, resumed, model
    )


def _to_stdout(plan: RunPlan) -> CleanReport:
    """Stream JSONL to stdout as chunks finish; rejects (and drops) go to files or to stderr."""
    model = _model_version(plan.options, plan.workers)
    sinks = RunSinks(JsonlWriter(plan.target), plan.options.mode == "drop")
    stats = CleanStats()
    reader = RecordReader(plan.sources)
    bar = Progress(reader, plan.run.progress, plan.run.log)
    pool = WorkerPool(plan.options, plan.workers, encode=True, compression=None)
    try:
        sinks.attach(sys.stdout.buffer, plan.rejects, plan.drops, sys.stderr.buffer)
        for _chunk, result in pool.map(chunks(reader, plan.run.chunk_size), plan.names):
            counts = sinks.write(result)
            stats.merge(counts)
            bar.update(counts)
    finally:
        bar.close()
        sinks.close()
    return CleanReport(stats, plan.names, "-", plan.rejects, plan.drops, plan.workers, 0.0, 0, model)
