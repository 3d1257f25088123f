"""Dataset files: which inputs a command names, how to read their records, and how to write records back.

Three formats, each streamed (bounded memory whatever the file size):

- JSONL (``.jsonl``, ``.ndjson``; plain, ``.gz`` or ``.zst``): one JSON object per line. Lines travel as
  bytes and are parsed by whoever cleans them (a worker process), so the reader stays cheap.
- Parquet (``.parquet``): read a record batch at a time with pyarrow.
- CSV (``.csv``, plain/``.gz``/``.zst``): a header row, then one record per row.

Every record carries its position (``source``, ``line``: the 1-based line for JSONL/CSV, the row for
Parquet), so a rejected record can be found in the input. A row the reader itself cannot use (invalid
UTF-8 in CSV, a ragged row, a corrupt compressed stream) becomes a ``BadRow``, never an exception.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .._errors import InputError

FORMATS = ("jsonl", "parquet", "csv")
_COMPRESSION_SUFFIXES = {".gz": "gzip", ".zst": "zstd"}
_FORMAT_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".csv": "csv",
}


@dataclass(frozen=True, slots=True)
class Source:
    """One input: a file (or stdin, ``path == "-"``) and how it is encoded.

    Attributes:
        path: the file path as given (``"-"`` for stdin).
        format: ``jsonl`` | ``parquet`` | ``csv``.
        compression: ``None`` | ``gzip`` | ``zstd`` (JSONL and CSV only).
    """

    path: str
    format: str
    compression: str | None = None

    @property
    def name(self) -> str:
        """How records from this source name it (``<stdin>`` for ``-``)."""
        return "<stdin>" if self.path == "-" else self.path

    def size(self) -> int:
        """Bytes on disk (0 for stdin): the progress bar's total."""
        return 0 if self.path == "-" else os.path.getsize(self.path)


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row the reader could not turn into a record; it goes to the rejects with this error.

    Attributes:
        kind: the kind of error, for counting (``invalid UTF-8``, ``ragged row``, ``unreadable file``).
        detail: the specifics, for a person to read.
        raw: what could be read of the row.
    """

    kind: str
    detail: str
    raw: str


#: What a reader yields: (source index, line/row number, payload). The payload is the raw line (bytes)
#: for JSONL, a dict for Parquet and CSV, or a BadRow.
RawRecord = tuple[int, int, bytes | dict[str, Any] | BadRow]


def detect(path: str, forced: str | None = None) -> Source:
    """A Source for ``path``, its format from ``forced`` or from the file name."""
    p = Path(path.lower())
    compression = _COMPRESSION_SUFFIXES.get(p.suffix)
    stem = p.with_suffix("") if compression else p
    fmt = forced or _FORMAT_SUFFIXES.get(stem.suffix)
    if path == "-":
        fmt = forced or "jsonl"
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from the name; use .jsonl, .parquet or .csv "
            "(optionally .gz/.zst), or say --input-format"
        )
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet" and compression:
        raise InputError(f"{path}: Parquet files carry their own compression; drop the {p.suffix}")
    return Source(path, fmt, compression)


def expand_inputs(patterns: Sequence[str], forced: str | None = None) -> list[Source]:
    """Files named by paths, globs and directories (searched recursively for known suffixes), in order.

    Each pattern's matches are sorted; a pattern that matches nothing is an error, not a silent no-op.
    """
    sources: list[Source] = []
    for pattern in patterns:
        if pattern == "-":
            sources.append(detect("-", forced))
            continue
        if os.path.isdir(pattern):
            found = sorted(
                str(f)
                for f in Path(pattern).rglob("*")
                if f.is_file() and _known(f.name) and not f.name.startswith(".")
            )
            if not found:
                raise InputError(f"{pattern}: no .jsonl, .parquet or .csv files in this directory")
        elif glob.has_magic(pattern):
            found = sorted(f for f in glob.glob(pattern, recursive=True) if os.path.isfile(f))
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


def _need(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"{what} need the {module} package: pip install 'moderation[clean]'") from None


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
        self._position: Any = None

    @property
    def total_bytes(self) -> int:
        return sum(s.size() for s in self.sources)

    def bytes_read(self) -> int:
        try:
            current = int(self._position()) if self._position else 0
        except (OSError, ValueError):
            current = 0
        return self._done_bytes + current

    def __iter__(self) -> Iterator[RawRecord]:
        skip = self.skip
        for index, source in enumerate(self.sources):
            reader = {"jsonl": self._jsonl, "parquet": self._parquet, "csv": self._csv}[source.format]
            for line, payload in reader(source):
                if skip:
                    skip -= 1
                    continue
                yield index, line, payload
            self._position = None
            self._done_bytes += source.size()

    def _open(self, source: Source, stack: ExitStack) -> IO[bytes]:
        """The decompressed byte stream; everything opened is closed with ``stack``."""
        raw: IO[bytes] = (
            sys.stdin.buffer if source.path == "-" else stack.enter_context(open(source.path, "rb"))  # noqa: SIM115
        )
        if source.path != "-":
            self._position = raw.tell
        if source.compression == "gzip":
            gz: Any = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
            return gz
        if source.compression == "zstd":
            zstandard = _need("zstandard", "zstd files")
            reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=False)
            return stack.enter_context(io.BufferedReader(reader, buffer_size=1 << 20))
        return raw

    def _jsonl(self, source: Source) -> Iterator[tuple[int, bytes | BadRow]]:
        line = 0
        try:
            with ExitStack() as stack:
                stream = self._open(source, stack)
                for line, raw in enumerate(stream, 1):
                    if raw.strip():
                        yield line, raw.rstrip(b"\r\n")
        except (OSError, EOFError, ValueError) as exc:  # corrupt gzip/zstd, truncated file
            yield line + 1, _corrupt(line, exc)

    def _parquet(self, source: Source) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
        pq = _need("pyarrow.parquet", "Parquet files")
        row = 0
        try:
            # Parquet needs seeking (its footer is at the end), so stdin is read whole.
            handle: Any = io.BytesIO(sys.stdin.buffer.read()) if source.path == "-" else source.path
            with pq.ParquetFile(handle) as pf:
                rows = max(pf.metadata.num_rows, 1)
                self._position = lambda: source.size() * row // rows
                for batch in pf.iter_batches(batch_size=1024):
                    for record in batch.to_pylist():
                        row += 1
                        yield row, record
        except Exception as exc:  # pyarrow raises its own types (ArrowInvalid, OSError) for corrupt files
            yield row + 1, _corrupt(row, exc)

    def _csv(self, source: Source) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
        csv.field_size_limit(1 << 30)
        line = 1
        try:
            with ExitStack() as stack:
                raw = self._open(source, stack)
                text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
                reader = csv.reader(text)
                header = next(reader, None)
                if header is None:
                    return
                line = reader.line_num
                for values in reader:
                    start, line = line + 1, reader.line_num
                    if not values:
                        continue
                    joined = ",".join(values)
                    if not _valid_utf8(joined):
                        raw_text = joined.encode("utf-8", "surrogateescape").decode(
                            "utf-8", "backslashreplace"
                        )
                        yield start, BadRow("invalid UTF-8", "", raw_text)
                    elif len(values) != len(header):
                        yield (
                            start,
                            BadRow(
                                "ragged row", f"{len(values)} fields, the header has {len(header)}", joined
                            ),
                        )
                    else:
                        yield start, dict(zip(header, values, strict=True))
        except (OSError, EOFError, ValueError, csv.Error) as exc:
            yield line + 1, _corrupt(line, exc)


def _valid_utf8(text: str) -> bool:
    """False when decoding with ``surrogateescape`` had to smuggle invalid bytes in (checked in C)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _corrupt(line: int, exc: BaseException) -> BadRow:
    return BadRow(
        "unreadable file", f"after line {line}, the rest is skipped: {type(exc).__name__}: {exc}", ""
    )


# -- pieces of one file, for running on a cluster (moderation.dask) ------------------------------------


@dataclass(frozen=True, slots=True)
class Piece:
    """A part of one source that a cluster task reads on its own.

    Attributes:
        source: index of the source in the run's source list.
        kind: ``file`` (the whole file), ``bytes`` (a line-aligned byte range of a plain JSONL file) or
            ``row_group`` (one row group of a Parquet file).
        start, end: the byte range (``bytes``) or the row group index in ``start`` (``row_group``).
        first_line: the line/row number of the piece's first line minus one (set after counting).
    """

    source: int
    kind: str
    start: int = 0
    end: int = 0
    first_line: int = 0


def plan_pieces(sources: Sequence[Source], block_size: int) -> list[Piece]:
    """Pieces: plain JSONL into line-aligned byte blocks, Parquet by row group, else files."""
    pieces: list[Piece] = []
    for index, source in enumerate(sources):
        if source.path == "-":
            raise InputError("a cluster run cannot read stdin; give files")
        if source.format == "jsonl" and source.compression is None:
            size = source.size()
            bounds = [0]
            with open(source.path, "rb") as f:
                while bounds[-1] + block_size < size:
                    f.seek(bounds[-1] + block_size - 1)
                    f.readline()  # to the start of the next line
                    if f.tell() >= size:
                        break
                    bounds.append(f.tell())
            bounds.append(size)
            pieces.extend(Piece(index, "bytes", a, b) for a, b in itertools.pairwise(bounds) if b > a)
        elif source.format == "parquet":
            pq = _need("pyarrow.parquet", "Parquet files")
            with pq.ParquetFile(source.path) as pf:
                first = 0
                for g in range(pf.num_row_groups):
                    pieces.append(Piece(index, "row_group", g, 0, first))
                    first += pf.metadata.row_group(g).num_rows
        else:
            pieces.append(Piece(index, "file"))
    return pieces


def count_lines(source: Source, piece: Piece) -> int:
    """Newlines in a byte piece (to number the lines of the pieces after it)."""
    count, left = 0, piece.end - piece.start
    with open(source.path, "rb") as f:
        f.seek(piece.start)
        while left > 0:
            block = f.read(min(left, 1 << 22))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def read_piece(sources: Sequence[Source], piece: Piece) -> Iterator[RawRecord]:
    """The records of one piece, numbered as a whole-file read would number them."""
    source = sources[piece.source]
    if piece.kind == "file":
        for _, line, payload in RecordReader([source]):
            yield piece.source, line, payload
    elif piece.kind == "bytes":
        with open(source.path, "rb") as f:
            f.seek(piece.start)
            left, line = piece.end - piece.start, piece.first_line
            while left > 0:
                raw = f.readline(left)
                if not raw:
                    break
                left -= len(raw)
                line += 1
                if raw.strip():
                    yield piece.source, line, raw.rstrip(b"\r\n")
    else:
        pq = _need("pyarrow.parquet", "Parquet files")
        with pq.ParquetFile(source.path) as pf:
            row = piece.first_line
            for record in pf.read_row_group(piece.start).to_pylist():
                row += 1
                yield piece.source, row, record
