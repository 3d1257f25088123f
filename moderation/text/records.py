"""Reading documents from JSONL and plain text, turning every bad line into a rejection, never a crash.

Each line becomes either a ``Document`` or a ``Rejected`` that names the line and the problem (not JSON,
not an object, no ``text``, ``text`` not a string, invalid UTF-8). Lines are read as bytes, so one bad
byte costs one line, not the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from .scanner import Document


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be scanned.

    Attributes:
        line: 1-based line number in the input.
        id: the record's id when it could be read, else the line number.
        error: what is wrong, for a person to read.
    """

    line: int
    id: Any
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "error": f"line {self.line}: {self.error}"}


def parse_line(raw: bytes, line: int) -> Document | Rejected | None:
    """One JSONL line (bytes) -> a Document, a Rejected, or None for a blank line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejected(line, line, f"invalid UTF-8 at byte {exc.start}")
    if not text.strip():
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejected(line, line, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except ValueError as exc:  # e.g. numbers too large to convert
        return Rejected(line, line, f"not valid JSON ({exc})")
    if not isinstance(obj, dict):
        return Rejected(line, line, f"expected a JSON object, got {type(obj).__name__}")
    rid = obj.get("id", line)
    if not isinstance(rid, str | int | float | type(None)) or isinstance(rid, bool):
        rid = line
    if "text" not in obj:
        return Rejected(line, rid, "no 'text' field")
    if not isinstance(obj["text"], str):
        return Rejected(line, rid, f"'text' must be a string, not {type(obj['text']).__name__}")
    url, lang = obj.get("url"), obj.get("lang")
    return Document(
        obj["text"], rid, url if isinstance(url, str) else None, lang if isinstance(lang, str) else None
    )


def read_jsonl(stream: IO[bytes]) -> Iterator[Document | Rejected]:
    """Documents and rejections from a binary JSONL stream, in order (blank lines skipped)."""
    for n, raw in enumerate(stream, 1):
        item = parse_line(raw.rstrip(b"\r\n"), n)
        if item is not None:
            yield item


def read_plain(data: bytes, name: str) -> Document | Rejected:
    """A whole plain-text input as one document (id = the input's name)."""
    try:
        return Document(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Rejected(line, name, f"invalid UTF-8 at byte {exc.start}")
