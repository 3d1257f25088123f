"""Dataset files: which inputs a command names, in which format, and the readers and writers.

A format is one module here (a ``Reader`` and a ``Writer`` class, see ``base.py``) plus its entry in
``FORMATS``; file suffixes, the CLI's ``--input-format``/``--output-format`` choices and the messages
come from the registry::

    base.py      Source, Piece, the Reader/Writer protocol, compression helpers
    jsonl.py     JSONL (plain, .gz, .zst): lines as bytes; byte-range pieces; also the logs' writer
    csv.py       CSV (plain, .gz, .zst): header + rows
    parquet.py   Parquet: record batches; row-group pieces

Every reader streams (bounded memory whatever the file size) and numbers its records (the 1-based
physical line for JSONL/CSV, the row for Parquet), so a rejected record can be found in the input.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..._errors import InputError
from . import csv, jsonl, parquet
from .base import (
    Format,
    Payload,
    Piece,
    RawRecord,
    Reader,
    Source,
    Writer,
    compress_block,
    json_line,
)

__all__ = [
    "FORMATS",
    "Format",
    "Payload",
    "Piece",
    "RawRecord",
    "Reader",
    "RecordReader",
    "Source",
    "Writer",
    "compress_block",
    "detect",
    "expand_inputs",
    "json_line",
    "plan_pieces",
    "read_piece",
    "reader",
    "writer",
]

#: The registry: format name -> its entry.
FORMATS: dict[str, Format] = {f.name: f for f in (jsonl.FORMAT, parquet.FORMAT, csv.FORMAT)}

COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}


def _suffixes() -> str:
    names = [f.suffixes[0] for f in FORMATS.values()]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def reader(source: Source) -> Reader:
    """The reader of one source."""
    return FORMATS[source.format].reader(source)


def writer(target: Source, annotation_field: str, layout: dict[str, Any] | None = None) -> Writer:
    """The writer of one output (``layout``: a resumed run's, from its checkpoint)."""
    return FORMATS[target.format].writer(target, annotation_field, layout)


def detect(path: str, forced: str | None = None) -> Source:
    """A Source for ``path``, its format from ``forced`` or from the file name."""
    p = Path(path.lower())
    compression = COMPRESSIONS.get(p.suffix)
    stem = p.with_suffix("") if compression else p
    by_suffix = {suffix: f.name for f in FORMATS.values() for suffix in f.suffixes}
    fmt = forced or by_suffix.get(stem.suffix)
    if path == "-":
        fmt = forced or jsonl.FORMAT.name  # stdin: JSONL unless told
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from the name; use {_suffixes()} "
            "(optionally .gz/.zst), or say --input-format"
        )
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if compression and not FORMATS[fmt].compressible:
        raise InputError(
            f"{path}: {FORMATS[fmt].title} files carry their own compression; drop the {p.suffix}"
        )
    return Source(path, fmt, compression)


def expand_inputs(
    patterns: Sequence[str], forced: str | None = None, skip: Sequence[str | Path] = ()
) -> list[Source]:
    """Files named by paths, globs and directories (searched recursively for known suffixes), in order.

    Each pattern's matches are sorted; a pattern that matches nothing is an error, not a silent no-op.
    ``skip``: files and directories a directory or a glob never yields (the run's own output, rejects
    file, drop log and work directory, so that running the same command twice does not read the first
    run's results); a file named outright is the caller's to check.
    """
    own = [Path(p).resolve() for p in skip]

    def theirs(path: str) -> bool:
        resolved = Path(path).resolve()
        return not any(resolved == p or p in resolved.parents for p in own)

    sources: list[Source] = []
    for pattern in patterns:
        if pattern == "-":
            sources.append(detect("-", forced))
            continue
        if os.path.isdir(pattern):
            found = sorted(
                str(f)
                for f in Path(pattern).rglob("*")
                if f.is_file() and _known(f.name) and not f.name.startswith(".") and theirs(str(f))
            )
            if not found:
                raise InputError(f"{pattern}: no {_suffixes()} files in this directory")
        elif glob.has_magic(pattern):
            found = sorted(f for f in glob.glob(pattern, recursive=True) if os.path.isfile(f) and theirs(f))
            if not found:
                raise InputError(f"{pattern}: no file matches")
        else:
            if not os.path.isfile(pattern):
                raise InputError(f"{pattern}: no such file")
            found = [pattern]
        sources.extend(detect(f, forced) for f in found)
    return sources


def _known(name: str) -> bool:
    try:
        detect(name)
    except InputError:
        return False
    return True


class RecordReader:
    """Every record of every source, in order, with how far into the input bytes it has got.

    The first ``skip`` records are passed over (for ``--resume``); skipped JSONL lines are not parsed, so
    resuming costs little more than reading the bytes. ``bytes_read`` (compressed bytes for compressed
    files) drives the progress bar's ETA.
    """

    def __init__(self, sources: Sequence[Source], skip: int = 0) -> None:
        self.sources = list(sources)
        self.skip = skip
        self._done_bytes = 0
        self._current: Reader | None = None

    @property
    def total_bytes(self) -> int:
        return sum(s.size() for s in self.sources)

    def bytes_read(self) -> int:
        return self._done_bytes + (self._current.bytes_read() if self._current else 0)

    def __iter__(self) -> Iterator[RawRecord]:
        skip = self.skip
        for index, source in enumerate(self.sources):
            self._current = reader(source)
            for line, payload in self._current.records():
                if skip:
                    skip -= 1
                    continue
                yield index, line, payload
            self._current = None
            self._done_bytes += source.size()


def plan_pieces(sources: Sequence[Source], block_size: int) -> list[Piece]:
    """The pieces a cluster run reads, source by source, as each format cuts its files."""
    pieces: list[Piece] = []
    for index, source in enumerate(sources):
        if source.path == "-":
            raise InputError("a cluster run cannot read stdin; give files")
        pieces.extend(FORMATS[source.format].reader.pieces(source, index, block_size))
    return pieces


def read_piece(sources: Sequence[Source], piece: Piece) -> Iterator[RawRecord]:
    """The records of one piece, numbered as a whole-file read would number them."""
    for line, payload in reader(sources[piece.source]).read_piece(piece):
        yield piece.source, line, payload
