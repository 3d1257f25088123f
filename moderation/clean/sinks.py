"""Where a run's records go: the output, the rejects file and the drop log, opened and closed together.

A run writes in *parts* (one per checkpoint; one per task on a cluster) inside a work directory, and
joins them into the final files only when every record is done (temp file + rename, so a final file is
either absent or complete); resuming throws away the unfinished part and goes on. ``-o -`` streams to
stdout instead (the logs to their files, or stderr). Either way a chunk's records go through
``RunSinks.write``, which also settles its counts: a record the output cannot hold (a CSV header, a
Parquet schema fixed by the first records) is rejected there and counted once, as a reject.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .._errors import InputError
from .cleaner import ChunkResult, CleanStats
from .formats import Source, Writer, json_line
from .formats.jsonl import FORMAT as JSONL
from .formats.jsonl import JsonlWriter

#: The rejects file and the drop log: plain JSONL (the path is each part's, given when it is opened).
LOG = Source("", JSONL.name)


class RunSinks:
    """The output writer with the rejects and drop-log writers (plain JSONL), as one object.

    Args:
        output: the output's writer.
        drops: whether there is a drop log (``drop`` mode).
    """

    def __init__(self, output: Writer, drops: bool) -> None:
        self.output = output
        self.rejects = JsonlWriter(LOG)
        self.drops = JsonlWriter(LOG) if drops else None
        self._streams = ExitStack()

    # -- parts ---------------------------------------------------------------------------------------------

    def open_part(self, part: Part) -> None:
        """Open one part of each file."""
        self.output.open_part(part.output)
        self.rejects.open_part(part.rejects)
        if self.drops is not None:
            assert part.drops is not None
            self.drops.open_part(part.drops)

    def close_part(self) -> None:
        for writer in (self.output, self.rejects, self.drops):
            if writer is not None:
                writer.close_part()

    def join(self, parts: Sequence[Part], final: Part) -> None:
        """Join the parts, in order, into the final files (each atomically)."""
        self.output.join([p.output for p in parts], final.output)
        self.rejects.join([p.rejects for p in parts], final.rejects)
        if self.drops is not None and final.drops is not None:
            self.drops.join([p.drops for p in parts if p.drops is not None], final.drops)

    # -- streams (``-o -``) --------------------------------------------------------------------------------

    def attach(self, output: IO[bytes], rejects: str | None, drops: str | None, log: IO[bytes]) -> None:
        """Write the output to a stream, and each log to its file, or to ``log`` (stderr) when unnamed."""
        assert isinstance(self.output, JsonlWriter)
        self.output.attach(output)
        for writer, path in ((self.rejects, rejects), (self.drops, drops)):
            if writer is None:
                continue
            if path is None:
                writer.attach(log)
            else:
                check_writable(Path(path))
                writer.attach(self._streams.enter_context(open(path, "wb")))  # noqa: SIM115 - closed in close

    def close(self) -> None:
        """Close the files ``attach`` opened."""
        self._streams.close()

    # -- records -------------------------------------------------------------------------------------------

    def write(self, result: ChunkResult) -> CleanStats:
        """Write one chunk's records and return its settled counts (misfits of the output are rejected)."""
        misfits = self.output.write(result.output, compressed=result.compressed)
        stats = result.settle(misfits)
        self.rejects.write([json_line(r.to_row()) for r in result.rejects])
        if self.drops is not None:
            self.drops.write(result.dropped)
        return stats


@dataclass(frozen=True, slots=True)
class Part:
    """The three files of one part, or the three final files (no drop log outside ``drop`` mode)."""

    output: Path
    rejects: Path
    drops: Path | None = None


def check_writable(path: Path) -> None:
    """Fail early, naming the path, when the output directory is missing or read-only."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"{path}: cannot write in {parent}")
