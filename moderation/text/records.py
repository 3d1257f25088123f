"""Reading records from JSONL and plain text: the one JSONL line reader every door uses.

``jsonl_lines`` numbers the lines of a byte stream (blank lines are skipped, not records; a UTF-8 byte
order mark before the first line is dropped), ``decode_json`` turns one line into a value or a
``Reject`` (invalid UTF-8, not JSON), and ``parse_line`` applies the record rule of ``document.py``.
Lines are read as bytes, so one bad byte costs one line, not the run. The cleanup's readers
(``moderation.clean.formats``), ``moderation scan``, ``moderation eval`` and the HTTP API's NDJSON batches
all read through here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO, Any

from .document import (
    DEFAULT_FIELDS,
    INVALID_UTF8,
    NOT_JSON,
    TOO_DEEP,
    Document,
    RecordFields,
    Reject,
    deep_reject,
    read_record,
)

BOM = b"\xef\xbb\xbf"


def jsonl_lines(lines: Iterable[bytes], first_line: int = 0) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without its line ending) for every non-blank line.

    ``first_line`` is the number of lines before ``lines`` (a piece of a file starting mid-way); a BOM is
    dropped only from the file's own first line.
    """
    for number, raw in enumerate(lines, first_line + 1):
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        if raw.strip():
            yield number, raw.rstrip(b"\r\n")


def decode_json(raw: bytes, position: int | None) -> Any:
    """One JSON text (UTF-8 bytes) -> its value, or a ``Reject`` (invalid UTF-8, not valid JSON) holding
    what could be read of it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raw_text = raw.decode("utf-8", "backslashreplace")
        return Reject(INVALID_UTF8, f"at byte {exc.start}", position, position, raw_text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return Reject(NOT_JSON, f"{exc.msg} at column {exc.colno}", position, position, text)
    except RecursionError:  # deeper than the parser goes: deeper than the record rule allows
        return deep_reject(position, record=text)
    except ValueError as exc:  # numbers too large to convert
        return Reject(NOT_JSON, str(exc), position, position, text)


def load_line(
    raw: bytes, position: int, fields: RecordFields = DEFAULT_FIELDS
) -> tuple[Any, Document | Reject]:
    """One JSONL line -> (the decoded value, its Document or Reject). A line that is JSON but not an
    object keeps its text as the rejected record (what the input held, not Python's reading of it)."""
    obj = decode_json(raw, position)
    if isinstance(obj, Reject):
        return None, obj
    item = read_record(obj, position, fields)
    if isinstance(item, Reject) and (not isinstance(obj, dict) or item.kind == TOO_DEEP):
        item = replace(item, record=raw.decode("utf-8"))
    return obj, item


def parse_line(raw: bytes, position: int, fields: RecordFields = DEFAULT_FIELDS) -> Document | Reject:
    """One JSONL line -> a Document or a Reject."""
    return load_line(raw, position, fields)[1]


def read_jsonl(stream: IO[bytes]) -> Iterator[Document | Reject]:
    """Documents and rejections from a binary JSONL stream, in order (blank lines skipped)."""
    for number, raw in jsonl_lines(stream):
        yield parse_line(raw, number)


def read_plain(data: bytes, name: str) -> Document | Reject:
    """A whole plain-text input as one document (id = the input's name)."""
    try:
        return Document(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Reject(INVALID_UTF8, f"at byte {exc.start}", line, name)
