"""What a document record is: one rule, one piece of code, for every door (library, CLI, cleanup, HTTP).

A record is a mapping (a JSON object) with these fields (the names are parameters, ``RecordFields``, so
``moderation clean --text-field body`` follows the same rule):

- ``text``: a string; required. Absent: ``missing text field``; any other type, null included:
  ``wrong type``.
- ``id``: a string or an integer; never a bool, a float or another type (``wrong type``, naming the
  field). Absent or null: the record's **1-based position in its input**: the line number in a JSONL or
  CSV file, the row number in Parquet, position + 1 in a batch (``POST /v1/scan/batch``) or an iterable
  (``Scanner.scan_many``). A single document (``Scanner.scan``, ``POST /v1/scan``) without an id keeps
  ``None`` (JSON null).
- ``url``, ``lang``: a string, or absent/null; any other type is ``wrong type``.
- nesting: at most ``MAX_DEPTH`` (128) levels of objects and arrays, the record itself being the first
  (``nested too deeply``). A parser's own limit depends on how deep its caller's stack already is, so
  without a stated limit a record deep enough to pass one door could break another (or the pickling
  between processes); 128 is serde_json's default, far beyond any real record.

Other fields are ignored here (the cleanup writes them back unchanged). A record that breaks the rule is
a ``Reject``, never an exception: what kind of problem (for counting), the details, the position and what
could be read of the record. Each door renders it in its own shape: a ``{"id", "error"}`` line (``moderation
scan``), a rejects-file row (``moderation clean``), a 422 problem (the HTTP API), an ``InputError``
(the library).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .._errors import InputError

# The kinds of rejection (what the cleanup report counts by).
INVALID_UTF8 = "invalid UTF-8"
NOT_JSON = "not valid JSON"
NOT_AN_OBJECT = "not a JSON object"
MISSING_TEXT = "missing text field"
WRONG_TYPE = "wrong type"
TOO_DEEP = "nested too deeply"
TOO_LARGE = "document too large"

#: The most levels of objects and arrays a record may have (the record itself is level 1).
MAX_DEPTH = 128


@dataclass(frozen=True, slots=True)
class Document:
    """One input document, valid by construction (the types of the module docstring's rule; a wrong one
    raises ``InputError``). Its ``id`` is the caller's: a ``Document`` without one keeps ``None``.

    Attributes:
        text: the article text, untouched; all offsets point into it.
        id: the caller's identifier (a string or an integer), echoed in the result; see the module
            docstring for the id of a record that has none.
        url: where the article came from (optional; its domain is never judged as spam).
        lang: the caller's language hint (optional).
    """

    text: str
    id: Any = None
    url: str | None = None
    lang: str | None = None

    def __post_init__(self) -> None:
        values = (self.text, self.id, self.url, self.lang)
        problem = first_wrong_type(ROLES, values)
        if problem is not None:
            raise InputError(f"{WRONG_TYPE} ({problem[1]})")


@dataclass(frozen=True, slots=True)
class RecordFields:
    """Which fields of a record hold what (``None``: the field is not read)."""

    text: str = "text"
    id: str | None = "id"
    url: str | None = "url"
    lang: str | None = "lang"


DEFAULT_FIELDS = RecordFields()


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that cannot be scanned, and why. The one rejection type of every door and reader.

    Attributes:
        kind: the kind of problem, for counting (``invalid UTF-8``, ``not valid JSON``, ``not a JSON
            object``, ``missing text field``, ``wrong type``, ``nested too deeply``; readers add ``ragged
            row`` and ``unreadable file``, the cleanup ``could not be scanned`` and ``does not fit the
            output``).
        detail: the specifics, for a person to read (may be empty).
        position: the 1-based line (JSONL, CSV), row (Parquet) or position (batch); None when unknown.
        id: the record's id when it has a valid one, else its position.
        record: what could be read of the record (the parsed object, or the raw line as text).
        field: the field at fault, when one is (the HTTP API puts it in the error's ``loc``).
        source: the input the record came from (set by the cleanup).
    """

    kind: str
    detail: str = ""
    position: int | None = None
    id: Any = None
    record: Any = None
    field: str | None = None
    source: str | None = None

    @property
    def error(self) -> str:
        """The kind and the details in one phrase: ``wrong type ('text' is int, not a string)``."""
        return f"{self.kind} ({self.detail})" if self.detail else self.kind

    def from_source(self, source: str) -> Reject:
        return replace(self, source=source)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's error line, in the place of the record's result: ``{"id", "error"}``."""
        where = f"line {self.position}: " if self.position is not None else ""
        return {"id": self.id, "error": where + self.error}

    def to_row(self) -> dict[str, Any]:
        """The rejects file's row: where the record was, what is wrong, and the record (nothing is lost)."""
        return {
            "source": self.source,
            "line": self.position,
            "id": self.id,
            "error": self.error,
            "kind": self.kind,
            "record": self.record,
        }

    def to_error(self) -> InputError:
        """The library's exception for this rejection."""
        where = f"document {self.position}: " if self.position is not None else ""
        return InputError(where + self.error, record_id=self.id)


def is_valid_id(value: Any) -> bool:
    """A string or an integer, and not a bool (JSON ``true`` is not the id 1)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def type_name(value: Any) -> str:
    """The JSON-ish name of a value's type, for messages (``null``, ``bool``, ``list``, ``float``)."""
    return "null" if value is None else type(value).__name__


ROLES = ("text", "id", "url", "lang")


def _fits(role: str, value: Any) -> bool:
    if role == "text":
        return isinstance(value, str)
    if role == "id":
        return value is None or is_valid_id(value)
    return value is None or isinstance(value, str)  # url, lang


def first_wrong_type(names: Sequence[str | None], values: Sequence[Any]) -> tuple[int, str] | None:
    """The type part of the rule, shared by ``read_record`` and ``Document``: the values of the roles
    text, id, url and lang (in that order, under the field ``names``) -> the index and description of the
    first one of the wrong type, or None."""
    for i, (role, name, value) in enumerate(zip(ROLES, names, values, strict=True)):
        if not _fits(role, value):
            wanted = "a string or an integer" if role == "id" else "a string"
            return i, f"{name!r} is {type_name(value)}, not {wanted}"
    return None


def too_deep(obj: Any, limit: int = MAX_DEPTH) -> bool:
    """More than ``limit`` levels of mappings and lists (``obj`` itself is level 1). Walked with a stack,
    not by recursion, so any depth is measured safely; a flat record costs one look at each field."""
    if not isinstance(obj, Mapping | list | tuple):
        return False
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, Mapping) else value
        stack.extend((v, depth + 1) for v in children if isinstance(v, Mapping | list | tuple))
    return False


def deep_reject(position: int | None, rid: Any = None, record: Any = None) -> Reject:
    """The rejection of a record nested more than ``MAX_DEPTH`` levels (also a JSON parser's own
    recursion limit: the record is deeper than any the rule accepts)."""
    rid = position if rid is None else rid
    return Reject(TOO_DEEP, f"more than {MAX_DEPTH} levels", position, rid, record)


def size_reject(doc: Document, limit: int, position: int | None = None, record: Any = None) -> Reject | None:
    """The rejection of a document longer than ``limit`` characters (``Settings.max_document_chars``),
    or None: the doors check it before scanning, so one huge record is refused whole and costs nothing,
    and the batch around it is scanned as usual."""
    if len(doc.text) <= limit:
        return None
    detail = f"{len(doc.text):,} characters; the limit is {limit:,} (max_document_chars)"
    return Reject(TOO_LARGE, detail, position, doc.id, record, "text")


def read_record(
    obj: Any, position: int | None = None, fields: RecordFields = DEFAULT_FIELDS
) -> Document | Reject:
    """The rule of the module docstring: a record (any value) -> a ``Document``, or a ``Reject``.

    A record nested too deeply keeps no ``record`` (a reader that has its raw form puts that in): the
    object itself could break whatever writes or sends it on."""
    if too_deep(obj):
        raw_id = obj.get(fields.id) if isinstance(obj, Mapping) and fields.id else None
        return deep_reject(position, raw_id if is_valid_id(raw_id) else position)
    if not isinstance(obj, Mapping):
        return Reject(NOT_AN_OBJECT, f"got {type_name(obj)}", position, position, obj)
    raw_id = obj.get(fields.id) if fields.id else None
    rid = raw_id if is_valid_id(raw_id) else position
    if fields.text not in obj:
        return Reject(MISSING_TEXT, repr(fields.text), position, rid, obj, fields.text)
    names = (fields.text, fields.id, fields.url, fields.lang)
    values = (obj[fields.text], raw_id, *(obj.get(n) if n else None for n in names[2:]))
    problem = first_wrong_type(names, values)
    if problem is not None:
        return Reject(WRONG_TYPE, problem[1], position, rid, obj, names[problem[0]])
    return Document(values[0], rid, values[2], values[3])


def as_document(item: str | Mapping[str, Any] | Document, position: int | None = None) -> Document:
    """The library's door: a string, a mapping with ``text`` (and ``id``, ``url``, ``lang``) or a
    ``Document`` (valid by construction: used as it is); a string or a mapping without an id gets
    ``position`` (1-based).

    Raises:
        InputError: the item breaks the rule (the message names the field and the position).
    """
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(item, position)
    if not isinstance(item, Mapping):
        raise InputError(f"cannot scan a {type(item).__name__}; give a string or a mapping with 'text'")
    checked = read_record(item, position)
    if isinstance(checked, Reject):
        raise checked.to_error()
    return checked
