"""Parquet (``.parquet``, needs pyarrow): read a record batch at a time; written with zstd inside.

Rows are numbered from 1. A file can be cut by row group for a cluster run. The output's schema comes
from the first records written (kept in ``layout["schema"]``, serialized, so a resumed run writes the
same one); a record it cannot hold is returned as a misfit. Parts are small Parquet files, and the join
copies their row groups into one file.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..._atomic import atomic_path
from .base import Format, Payload, Piece, Reader, Source, Writer, corrupt, need


def _pq() -> Any:
    return need("pyarrow.parquet", "Parquet files")


class ParquetReader(Reader):
    """Rows as dicts (``to_pylist``), 1024 at a time."""

    def records(self) -> Iterator[tuple[int, Payload]]:
        pq = _pq()
        source = self.source
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
            yield row + 1, corrupt(row, exc)

    @classmethod
    def pieces(cls, source: Source, index: int, block_size: int) -> list[Piece]:
        """One piece per row group, numbered on from the rows before it."""
        pieces = []
        with _pq().ParquetFile(source.path) as pf:
            first = 0
            for g in range(pf.num_row_groups):
                pieces.append(Piece(index, "row_group", g, 0, first))
                first += pf.metadata.row_group(g).num_rows
        return pieces

    def read_piece(self, piece: Piece) -> Iterator[tuple[int, Payload]]:
        if piece.kind != "row_group":
            return super().read_piece(piece)
        return self._row_group(piece)

    def _row_group(self, piece: Piece) -> Iterator[tuple[int, Payload]]:
        with _pq().ParquetFile(self.source.path) as pf:
            row = piece.first_line
            for record in pf.read_row_group(piece.start).to_pylist():
                row += 1
                yield row, record


class ParquetWriter(Writer):
    """Each part a Parquet file with the run's one schema; the join copies row groups."""

    def __init__(self, target: Source, annotation_field: str, layout: dict[str, Any] | None = None) -> None:
        super().__init__(target, annotation_field, layout)
        self._writer: Any = None
        self._path: Path | None = None

    def open_part(self, path: Path) -> None:
        self._path = path  # the file is made when the first records arrive, with their schema

    def _schema(self, records: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        if "schema" in self.layout:
            return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(self.layout["schema"])))
        schema = pa.Table.from_pylist([self.flat(r) for r in records]).schema
        self.layout["schema"] = base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")
        return schema

    def write(
        self, records: Sequence[bytes | dict[str, Any]], compressed: bool = False
    ) -> list[tuple[int, str]]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not records:
            return []
        dicts = [r if isinstance(r, dict) else json.loads(r) for r in records]
        schema = self._schema(dicts)
        misfits: list[tuple[int, str]] = []
        names = set(schema.names)
        fitting = []
        for i, record in enumerate(dicts):  # from_pylist would silently ignore fields the schema lacks
            extra = [k for k in record if k not in names]
            if extra:
                misfits.append((i, f"fields {extra} are not in the Parquet output's schema"))
            else:
                fitting.append((i, self.flat(record)))
        try:
            table = pa.Table.from_pylist([row for _, row in fitting], schema=schema)
        except (pa.ArrowException, TypeError, ValueError):
            keep = []
            for i, row in fitting:
                try:
                    pa.Table.from_pylist([row], schema=schema)
                    keep.append(row)
                except (pa.ArrowException, TypeError, ValueError) as exc:
                    misfits.append((i, f"does not fit the Parquet output's schema: {exc}"))
            table = pa.Table.from_pylist(keep, schema=schema)
            misfits.sort()
        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self._path), schema, compression="zstd")
        self._writer.write_table(table)
        return misfits

    def close_part(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        elif self._path is not None and not self._path.exists():
            self._path.touch()  # an empty part: nothing was written to it
        self._path = None

    def join(self, parts: Sequence[Path], final: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        with atomic_path(final) as tmp:
            if "schema" not in self.layout:  # no record was ever written: an empty file with no columns
                pq.write_table(pa.table({}), str(tmp))
                return
            with pq.ParquetWriter(str(tmp), self._schema([]), compression="zstd") as writer:
                for part in parts:
                    if part.stat().st_size == 0:
                        continue
                    with pq.ParquetFile(part) as pf:
                        for i in range(pf.num_row_groups):
                            writer.write_table(pf.read_row_group(i))


FORMAT = Format("parquet", (".parquet",), ParquetReader, ParquetWriter, compressible=False, title="Parquet")
