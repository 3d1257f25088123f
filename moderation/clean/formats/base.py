"""The protocol every file format follows: a ``Reader`` and a ``Writer`` class, named by a ``Format``.

A reader streams one source's records as ``(line, payload)`` pairs, in order and in bounded memory: the
payload is the raw line (bytes, parsed later by whoever cleans it) for JSONL, a dict for the others, or a
``Reject`` for a row the reader itself cannot use (a ragged CSV row, the unreadable rest of a corrupt
file): never an exception. It may also cut its source into ``Piece`` objects that cluster tasks read on
their own (whole files by default).

A writer writes cleaned records in *parts* (one per checkpoint, or one per cluster task) and joins the
parts into the final file atomically. The first records fix the layout (a CSV header, a Parquet schema),
kept in ``layout`` (JSON-able; saved in the checkpoint so a resumed run writes the same layout); ``write``
returns the records that do not fit it, with why, and the caller rejects them.
"""

from __future__ import annotations

import gzip
import importlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from ..._atomic import append_files, atomic_path
from ..._errors import InputError
from ..._jsonl import dumps
from ...text.document import Reject

#: What a reader yields for one record: the raw JSONL line, a dict, or the reader's own rejection.
Payload = bytes | dict[str, Any] | Reject
#: A record with its place in the run: (source index, line/row number, payload).
RawRecord = tuple[int, int, Payload]

UNREADABLE = "unreadable file"


@dataclass(frozen=True, slots=True)
class Source:
    """One input or output: a file (or stdin/stdout, ``path == "-"``) and how it is encoded.

    Attributes:
        path: the file path as given (``"-"`` for stdin).
        format: a name in the format registry (``jsonl``, ``parquet``, ``csv``).
        compression: ``None`` | ``gzip`` | ``zstd`` (formats that allow it).
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
class Piece:
    """A part of one source that a cluster task reads on its own.

    Attributes:
        source: index of the source in the run's source list.
        kind: ``file`` (the whole file), ``bytes`` (a line-aligned byte range of a plain JSONL file; its
            lines are counted first, see ``moderation.clean.dask``) or ``row_group`` (of a Parquet file).
        start, end: the byte range (``bytes``) or the row group index in ``start`` (``row_group``).
        first_line: the line/row number of the piece's first line minus one (set after counting).
    """

    source: int
    kind: str
    start: int = 0
    end: int = 0
    first_line: int = 0


def need(module: str, what: str) -> Any:
    """An optional dependency, or an ``InputError`` that says how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"{what} need the {module} package: pip install 'moderation[clean]'") from None


def corrupt(line: int, exc: BaseException) -> Reject:
    """The rejection standing for the unreadable rest of a file (after ``line``)."""
    detail = f"after line {line}, the rest is skipped: {type(exc).__name__}: {exc}"
    return Reject(UNREADABLE, detail, line + 1, line + 1, "")


def json_line(obj: Any) -> bytes:
    """One JSON line as UTF-8 bytes; values JSON cannot hold (dates, decimals from Parquet) become strings."""
    return dumps(obj, default=str).encode("utf-8") + b"\n"


def compress_block(data: bytes, compression: str | None) -> bytes:
    """One self-contained gzip member or zstd frame (deterministic). Concatenated blocks are a valid
    file, so workers can compress their own chunks and the writer only appends bytes."""
    if compression == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if compression == "zstd":
        import zstandard

        return bytes(zstandard.ZstdCompressor(level=3).compress(data))
    return data


def compressed_writer(raw: IO[bytes], compression: str | None) -> Any:
    """A stream that compresses into ``raw`` (``raw`` itself when there is no compression)."""
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6)  # 9 costs 2x for ~2% size
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
    return raw


class Reader:
    """Streams the records of one source. Subclasses implement ``records``; the base class opens
    (decompressed) byte streams and tracks how far into the source's bytes the read has got."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._position: Any = None

    def records(self) -> Iterator[tuple[int, Payload]]:
        """(line or row number, payload) for every record, in order."""
        raise NotImplementedError

    def bytes_read(self) -> int:
        """Bytes of the source read so far (compressed bytes for compressed files): the progress ETA."""
        try:
            return int(self._position()) if self._position else 0
        except (OSError, ValueError):
            return 0

    def open(self, stack: ExitStack) -> IO[bytes]:
        """The decompressed byte stream; everything opened is closed with ``stack``."""
        source = self.source
        raw: IO[bytes] = (
            sys.stdin.buffer if source.path == "-" else stack.enter_context(open(source.path, "rb"))  # noqa: SIM115
        )
        if source.path != "-":
            self._position = raw.tell
        if source.compression == "gzip":
            gz: Any = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
            return gz
        if source.compression == "zstd":
            zstandard = need("zstandard", "zstd files")
            reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=False)
            return stack.enter_context(io.BufferedReader(reader, buffer_size=1 << 20))
        return raw

    @classmethod
    def pieces(cls, source: Source, index: int, block_size: int) -> list[Piece]:
        """How a cluster run cuts this source (by default: not at all)."""
        return [Piece(index, "file")]

    def read_piece(self, piece: Piece) -> Iterator[tuple[int, Payload]]:
        """The records of one piece, numbered as a whole-file read numbers them."""
        if piece.kind != "file":
            raise ValueError(f"{type(self).__name__} cannot read a {piece.kind!r} piece")
        return self.records()


class Writer:
    """Writes one output in parts, then joins them (see the module docstring).

    ``encoded``: the writer takes records as encoded JSON lines, which workers produce (cheaper to send
    between processes than dicts), and blocks the workers compressed already (see ``compression``).
    """

    encoded: ClassVar[bool] = False

    def __init__(self, target: Source, annotation_field: str, layout: dict[str, Any] | None = None) -> None:
        self.target = target
        self.annotation_field = annotation_field
        self.layout: dict[str, Any] = dict(layout or {})

    @property
    def compression(self) -> str | None:
        """The compression workers apply to their chunks for this writer (``None``: the writer's own)."""
        return self.target.compression if self.encoded else None

    def open_part(self, path: Path) -> None:
        raise NotImplementedError

    def write(
        self, records: Sequence[bytes | dict[str, Any]], compressed: bool = False
    ) -> list[tuple[int, str]]:
        """Write records (dicts or JSON lines; blocks already compressed when ``compressed``); returns
        the indices of those that do not fit the layout, with why."""
        raise NotImplementedError

    def close_part(self) -> None:
        raise NotImplementedError

    def join(self, parts: Sequence[Path], final: Path) -> None:
        """Join the parts, in order, into ``final`` atomically (a temp file beside it, then rename)."""
        with atomic_path(final) as tmp, open(tmp, "wb") as out:
            self.write_header(out)
            append_files(parts, out)

    def write_header(self, out: IO[bytes]) -> None:
        """What goes before the parts in the final file (nothing by default)."""

    def flat(self, record: dict[str, Any]) -> dict[str, Any]:
        """Tabular formats hold the annotation as a JSON string (a flat, stable column)."""
        import json

        value = record.get(self.annotation_field)
        if isinstance(value, dict):
            record = {**record, self.annotation_field: json.dumps(value, ensure_ascii=False)}
        return record


@dataclass(frozen=True)
class Format:
    """A registry entry: a file format's name, the file suffixes that mean it, and its classes.

    Attributes:
        name: what ``--input-format`` / ``--output-format`` say.
        suffixes: file suffixes (lower case, with the dot) read as this format.
        reader, writer: the classes.
        compressible: ``.gz`` / ``.zst`` around the file are allowed (Parquet has its own compression).
        title: the name for people (``Parquet``).
    """

    name: str
    suffixes: tuple[str, ...]
    reader: type[Reader]
    writer: type[Writer]
    compressible: bool = True
    title: str = ""
