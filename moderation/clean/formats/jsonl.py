"""JSONL (``.jsonl``, ``.ndjson``, ``.json``; plain, ``.gz`` or ``.zst``): one JSON object per line.

Lines travel as bytes and are parsed by whoever cleans them (a worker process), so the reader stays
cheap; the writer takes encoded lines, and blocks the workers compressed already (gzip members and zstd
frames concatenate into a valid file). A plain file can be cut into line-aligned byte ranges for a
cluster run. The drop log and the rejects file are plain JSONL too, written by the same writer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from ...text.records import jsonl_lines
from .base import (
    Format,
    Payload,
    Piece,
    Reader,
    Source,
    Writer,
    compress_block,
    corrupt,
    json_line,
)


class JsonlReader(Reader):
    """Non-blank lines, as bytes, with their physical line numbers."""

    def records(self) -> Iterator[tuple[int, Payload]]:
        line = 0
        try:
            with ExitStack() as stack:
                for line, raw in jsonl_lines(self.open(stack)):
                    yield line, raw
        except (OSError, EOFError, ValueError) as exc:  # corrupt gzip/zstd, truncated file
            yield line + 1, corrupt(line, exc)

    @classmethod
    def pieces(cls, source: Source, index: int, block_size: int) -> list[Piece]:
        """A plain file into line-aligned byte blocks of about ``block_size``; a compressed one whole."""
        if source.compression is not None:
            return super().pieces(source, index, block_size)
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
        return [Piece(index, "bytes", a, b) for a, b in itertools.pairwise(bounds) if b > a]

    def read_piece(self, piece: Piece) -> Iterator[tuple[int, Payload]]:
        if piece.kind != "bytes":
            return super().read_piece(piece)
        return self._byte_range(piece)

    def _byte_range(self, piece: Piece) -> Iterator[tuple[int, Payload]]:
        with open(self.source.path, "rb") as f:
            f.seek(piece.start)
            yield from jsonl_lines(_lines_within(f, piece.end - piece.start), piece.first_line)


def _lines_within(f: IO[bytes], left: int) -> Iterator[bytes]:
    """The lines of ``f`` from where it is, up to ``left`` bytes."""
    while left > 0:
        raw = f.readline(left)
        if not raw:
            return
        left -= len(raw)
        yield raw


def count_lines(source: Source, piece: Piece) -> int:
    """Newlines in a byte piece (to number the lines of the pieces after it): a cluster task."""
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


class JsonlWriter(Writer):
    """Appends (compressed) blocks of JSON lines to a part file, or to a stream it was given."""

    encoded = True

    def __init__(
        self, target: Source, annotation_field: str = "", layout: dict[str, Any] | None = None
    ) -> None:
        super().__init__(target, annotation_field, layout)
        self._out: IO[bytes] | None = None
        self._owned = False

    def open_part(self, path: Path) -> None:
        self._out = open(path, "wb")  # noqa: SIM115 - closed in close_part
        self._owned = True

    def attach(self, stream: IO[bytes]) -> None:
        """Write to an open stream (stdout, stderr) instead of part files; it is flushed, never closed."""
        self._out = stream
        self._owned = False

    def write(
        self, records: Sequence[bytes | dict[str, Any]], compressed: bool = False
    ) -> list[tuple[int, str]]:
        if not records:
            return []
        assert self._out is not None
        if compressed:
            self._out.write(b"".join(r for r in records if isinstance(r, bytes)))
        else:
            data = b"".join(r if isinstance(r, bytes) else json_line(r) for r in records)
            self._out.write(compress_block(data, self.target.compression))
        if not self._owned:
            self._out.flush()
        return []

    def close_part(self) -> None:
        if self._out is not None and self._owned:
            self._out.close()
        self._out = None


FORMAT = Format("jsonl", (".jsonl", ".ndjson", ".json"), JsonlReader, JsonlWriter, title="JSONL")
