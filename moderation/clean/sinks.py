"""Writing cleaned records: part files during a run, one output file at the end.

A run writes its output in *parts* (one per checkpoint) inside a work directory beside the output, and
joins them into the output file only when every record is done (temp file + rename, so the output is
either absent or complete). Resuming an interrupted run throws away the unfinished part and goes on.

- JSONL and CSV parts are byte streams that can simply be concatenated; compressed parts are independent
  gzip members / zstd frames, which the formats allow to be concatenated too.
- Parquet parts are small Parquet files; joining copies their row groups into one file.

The first records fix the layout (the CSV header, the Parquet schema). A later record that does not fit
is returned by ``write`` with the reason, and the caller rejects it: nothing is dropped silently.
"""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from .._atomic import append_files, atomic_path
from .._errors import InputError
from .._jsonl import dumps
from .formats import Source


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


def _compressed_writer(raw: IO[bytes], compression: str | None) -> Any:
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6)  # 9 costs 2x for ~2% size
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
    return raw


class PartSink:
    """Writes one kind of output (cleaned records) in parts, then joins them.

    ``layout`` is the JSON-able state that fixes the file layout (CSV header, Parquet schema); it is saved
    in the checkpoint so a resumed run writes the same layout.
    """

    def __init__(self, target: Source, annotation_field: str, layout: dict[str, Any] | None = None) -> None:
        self.target = target
        self.annotation_field = annotation_field
        self.layout: dict[str, Any] = dict(layout or {})
        self._raw: IO[bytes] | None = None
        self._out: IO[bytes] | None = None
        self._parquet: Any = None
        self._path: Path | None = None

    # -- parts -----------------------------------------------------------------------------------------

    def open_part(self, path: Path) -> None:
        self._path = path
        if self.target.format == "jsonl":  # JSONL arrives as (compressed) blocks: plain appends
            self._raw = self._out = open(path, "wb")  # noqa: SIM115 - closed in close_part
        elif self.target.format == "csv":
            self._raw = open(path, "wb")  # noqa: SIM115 - closed in close_part
            self._out = _compressed_writer(self._raw, self.target.compression)

    def write(
        self, records: Sequence[bytes | dict[str, Any]], compressed: bool = False
    ) -> list[tuple[int, str]]:
        """Write records (dicts, JSON lines, or for JSONL blocks already compressed for this target);
        returns the indices of those that do not fit, with why."""
        if not records:
            return []
        if self.target.format == "jsonl":
            assert self._out is not None
            if compressed:
                self._out.write(b"".join(r for r in records if isinstance(r, bytes)))
            else:
                data = b"".join(r if isinstance(r, bytes) else json_line(r) for r in records)
                self._out.write(compress_block(data, self.target.compression))
            return []
        dicts = [r if isinstance(r, dict) else json.loads(r) for r in records]
        if self.target.format == "csv":
            return self._write_csv(dicts)
        return self._write_parquet(dicts)

    def close_part(self) -> None:
        if self._out is not None:
            self._out.close()
            if self._raw is not None and self._raw is not self._out:
                self._raw.close()
            self._out = self._raw = None
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        elif self.target.format == "parquet" and self._path is not None and not self._path.exists():
            self._path.touch()  # an empty part: nothing was written to it
        self._path = None

    # -- CSV -------------------------------------------------------------------------------------------

    def _flat(self, record: dict[str, Any]) -> dict[str, Any]:
        """CSV and Parquet hold the annotation as a JSON string (a flat, stable column)."""
        value = record.get(self.annotation_field)
        if isinstance(value, dict):
            record = {**record, self.annotation_field: json.dumps(value, ensure_ascii=False)}
        return record

    def _write_csv(self, records: list[dict[str, Any]]) -> list[tuple[int, str]]:
        assert self._out is not None
        fields = self.layout.setdefault("fields", list(self._flat(records[0])))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        misfits = []
        for i, record in enumerate(records):
            extra = [k for k in record if k not in fields]
            if extra:
                misfits.append((i, f"fields {extra} are not in the CSV output's header {fields}"))
                continue
            writer.writerow(self._flat(record))
        self._out.write(buf.getvalue().encode("utf-8", "surrogatepass"))
        return misfits

    # -- Parquet ---------------------------------------------------------------------------------------

    def _schema(self, records: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        if "schema" in self.layout:
            return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(self.layout["schema"])))
        schema = pa.Table.from_pylist([self._flat(r) for r in records]).schema
        self.layout["schema"] = base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")
        return schema

    def _write_parquet(self, records: list[dict[str, Any]]) -> list[tuple[int, str]]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = self._schema(records)
        misfits: list[tuple[int, str]] = []
        names = set(schema.names)
        fitting = []
        for i, record in enumerate(records):  # from_pylist would silently ignore fields the schema lacks
            extra = [k for k in record if k not in names]
            if extra:
                misfits.append((i, f"fields {extra} are not in the Parquet output's schema"))
            else:
                fitting.append((i, self._flat(record)))
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
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(str(self._path), schema, compression="zstd")
        self._parquet.write_table(table)
        return misfits

    # -- joining ---------------------------------------------------------------------------------------

    def join(self, parts: Sequence[Path], final: Path) -> None:
        """Join the parts into ``final`` atomically (write a temp file beside it, then rename)."""
        with atomic_path(final) as tmp:
            if self.target.format == "parquet":
                self._join_parquet(parts, tmp)
                return
            with open(tmp, "wb") as out:
                if self.target.format == "csv" and self.layout.get("fields"):
                    header = io.StringIO()
                    csv.writer(header, lineterminator="\n").writerow(self.layout["fields"])
                    writer = _compressed_writer(out, self.target.compression)
                    writer.write(header.getvalue().encode("utf-8"))
                    if writer is not out:
                        writer.close()  # ends the gzip member / zstd frame, leaves ``out`` open
                append_files(parts, out)

    def _join_parquet(self, parts: Sequence[Path], tmp: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if "schema" not in self.layout:  # no record was ever written: an empty file with no columns
            pq.write_table(pa.table({}), str(tmp))
            return
        schema = self._schema([])
        with pq.ParquetWriter(str(tmp), schema, compression="zstd") as writer:
            for part in parts:
                if part.stat().st_size == 0:
                    continue
                with pq.ParquetFile(part) as pf:
                    for i in range(pf.num_row_groups):
                        writer.write_table(pf.read_row_group(i))


class LogSink:
    """The drop log and the rejects file: plain JSONL, written in parts and joined like the output."""

    def __init__(self) -> None:
        self._out: IO[bytes] | None = None

    def open_part(self, path: Path) -> None:
        self._out = open(path, "wb")  # noqa: SIM115 - closed in close_part

    def write(self, lines: Sequence[bytes]) -> None:
        if lines:
            assert self._out is not None
            self._out.write(b"".join(lines))

    def close_part(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    @staticmethod
    def join(parts: Sequence[Path], final: Path) -> None:
        with atomic_path(final) as tmp, open(tmp, "wb") as out:
            append_files(parts, out)


def check_writable(path: Path) -> None:
    """Fail early, naming the path, when the output directory is missing or read-only."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"{path}: cannot write in {parent}")
