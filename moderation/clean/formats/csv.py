"""CSV (``.csv``; plain, ``.gz`` or ``.zst``): a header row, then one record per row, all values strings.

Line numbers are physical lines (a quoted text may span several). A UTF-8 byte order mark before the
header is not part of the first column's name. A row with invalid UTF-8 or with another number of fields
than the header is a rejection. The output's header comes from the first record written; a later record
with other fields is returned as a misfit.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from ...text.document import INVALID_UTF8, Reject
from .base import Format, Payload, Reader, Source, Writer, compressed_writer, corrupt

RAGGED = "ragged row"


class CsvReader(Reader):
    """Rows as dicts keyed by the header, numbered by the physical line they start on."""

    def records(self) -> Iterator[tuple[int, Payload]]:
        csv.field_size_limit(1 << 30)
        line = 1
        try:
            with ExitStack() as stack:
                text = io.TextIOWrapper(
                    self.open(stack), encoding="utf-8-sig", errors="surrogateescape", newline=""
                )
                reader = csv.reader(text)
                header = next(reader, None)
                if header is None:
                    return
                line = reader.line_num
                for values in reader:
                    start, line = line + 1, reader.line_num
                    if values:
                        yield start, _row(header, values, start)
        except (OSError, EOFError, ValueError, csv.Error) as exc:
            yield line + 1, corrupt(line, exc)


def _row(header: list[str], values: list[str], line: int) -> Payload:
    joined = ",".join(values)
    if not _valid_utf8(joined):
        raw_text = joined.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return Reject(INVALID_UTF8, "", line, line, raw_text)
    if len(values) != len(header):
        return Reject(RAGGED, f"{len(values)} fields, the header has {len(header)}", line, line, joined)
    return dict(zip(header, values, strict=True))


def _valid_utf8(text: str) -> bool:
    """False when decoding with ``surrogateescape`` had to smuggle invalid bytes in (checked in C)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CsvWriter(Writer):
    """Rows under the header of the first record (kept in ``layout["fields"]``); the header is written
    once, at the join, as its own gzip member / zstd frame."""

    def __init__(self, target: Source, annotation_field: str, layout: dict[str, Any] | None = None) -> None:
        super().__init__(target, annotation_field, layout)
        self._raw: IO[bytes] | None = None
        self._out: Any = None

    def open_part(self, path: Path) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115 - closed in close_part
        self._out = compressed_writer(self._raw, self.target.compression)

    def write(
        self, records: Sequence[bytes | dict[str, Any]], compressed: bool = False
    ) -> list[tuple[int, str]]:
        if not records:
            return []
        assert self._out is not None
        dicts = [r if isinstance(r, dict) else json.loads(r) for r in records]
        fields = self.layout.setdefault("fields", list(self.flat(dicts[0])))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        misfits = []
        for i, record in enumerate(dicts):
            extra = [k for k in record if k not in fields]
            if extra:
                misfits.append((i, f"fields {extra} are not in the CSV output's header {fields}"))
                continue
            writer.writerow(self.flat(record))
        self._out.write(buf.getvalue().encode("utf-8", "surrogatepass"))
        return misfits

    def close_part(self) -> None:
        if self._out is not None:
            self._out.close()
            if self._raw is not None and self._raw is not self._out:
                self._raw.close()
        self._out = self._raw = None

    def write_header(self, out: IO[bytes]) -> None:
        if not self.layout.get("fields"):
            return
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(self.layout["fields"])
        writer = compressed_writer(out, self.target.compression)
        writer.write(header.getvalue().encode("utf-8"))
        if writer is not out:
            writer.close()  # ends the gzip member / zstd frame, leaves ``out`` open


FORMAT = Format("csv", (".csv",), CsvReader, CsvWriter, title="CSV")
