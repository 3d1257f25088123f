"""Where a run's records go: the output, the rejects file and the drop log, opened and closed together.

A run writes in *parts* (one per checkpoint; one per task on a cluster) inside a work directory, and
joins them into the final files only when every record is done (temp file + rename, so a final file is
either absent or complete); resuming throws away the unfinished part and goes on. ``-o -`` streams to
stdout instead (the logs to their files, or stderr). Either way a chunk's records go through
``RunSinks.write``, which also settles its counts: a record the output cannot hold (a CSV header, a
Parquet schema fixed by the first records) is rejected there and counted once, as a reject.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .._atomic import named
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
        #: what an I/O error names: the files being written (the part's, or the streams')
        self._names = Part(Path("-"), Path("-"), None)

    def _writers(self) -> list[tuple[Writer, Path | None]]:
        return [(self.output, self._names.output), (self.rejects, self._names.rejects)] + (
            [(self.drops, self._names.drops)] if self.drops is not None else []
        )

    # -- parts ---------------------------------------------------------------------------------------------

    def open_part(self, part: Part) -> None:
        """Open one part of each file."""
        self._names = part
        for writer, path in self._writers():
            assert path is not None
            with named(path):
                writer.open_part(path)

    def close_part(self) -> None:
        for writer, path in self._writers():
            with named(path or "-"):
                writer.close_part()

    def join(self, parts: Sequence[Part], final: Part) -> None:
        """Join the parts, in order, into the final files (each atomically)."""
        with named(final.output):
            self.output.join([p.output for p in parts], final.output)
        with named(final.rejects):
            self.rejects.join([p.rejects for p in parts], final.rejects)
        if self.drops is not None and final.drops is not None:
            with named(final.drops):
                self.drops.join([p.drops for p in parts if p.drops is not None], final.drops)

    # -- streams (``-o -``) --------------------------------------------------------------------------------

    def attach(self, output: IO[bytes], rejects: str | None, drops: str | None, log: IO[bytes]) -> None:
        """Write the output to a stream, and each log to its file, or to ``log`` (stderr) when unnamed."""
        assert isinstance(self.output, JsonlWriter)
        self.output.attach(output)
        names = [Path("<stdout>")]
        for writer, path in ((self.rejects, rejects), (self.drops, drops)):
            names.append(Path(path or "<stderr>"))
            if writer is None:
                continue
            if path is None:
                writer.attach(log)
            else:
                check_writable(Path(path))
                writer.attach(self._streams.enter_context(open(path, "wb")))  # noqa: SIM115 - closed in close
        self._names = Part(names[0], names[1], names[2] if self.drops is not None else None)

    def close(self) -> None:
        """Close the files ``attach`` opened."""
        with named(self._names.rejects):
            self._streams.close()

    # -- records -------------------------------------------------------------------------------------------

    def write(self, result: ChunkResult) -> CleanStats:
        """Write one chunk's records and return its settled counts (misfits of the output are rejected)."""
        with named(self._names.output):
            misfits = self.output.write(result.output, compressed=result.compressed)
        stats = result.settle(misfits)
        with named(self._names.rejects):
            self.rejects.write([json_line(r.to_row()) for r in result.rejects])
        if self.drops is not None:
            with named(self._names.drops or "-"):
                self.drops.write(result.dropped)
        return stats


@dataclass(frozen=True, slots=True)
class Part:
    """The three files of one part, or the three final files (no drop log outside ``drop`` mode)."""

    output: Path
    rejects: Path
    drops: Path | None = None


def check_writable(path: Path) -> None:
    """Fail early, naming the path, when the output directory is missing or read-only (an ``OSError``,
    like the one writing would raise: an output that cannot be written is an I/O failure)."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"the directory {parent} does not exist", str(path))
    if not os.access(parent, os.W_OK):
        raise PermissionError(errno.EACCES, f"cannot write in {parent}", str(path))
