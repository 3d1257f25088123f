"""Reading request bodies: content type, size limits while reading, JSON, and the record rule.

Documents are checked by ``moderation``'s one record rule (``moderation.text.document.read_record``), the
code the library, the CLI and the cleanup use; here a record that breaks it is a 422 whose ``loc`` names
the field. The fast path (``_fastpath.py``) calls the same ``read_record`` and the same size check.
"""

from __future__ import annotations

import io
import json
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect

from moderation import Document
from moderation.text.document import DEFAULT_FIELDS, RecordFields, Reject, deep_reject, read_record
from moderation.text.records import jsonl_lines

from ._html import PAGE_FIELDS, Page, is_page
from ._problems import ApiError
from ._settings import ApiSettings

JSON = "application/json"
NDJSON = "application/x-ndjson"

#: The status counted (never sent: the client is gone) for a request whose client left mid-body; nginx's
#: "client closed request". Without it such a request was logged as an internal error, with a traceback.
CLIENT_GONE = 499


async def read_body(request: Request, allowed: tuple[str, ...], limit: int) -> tuple[bytes, str]:
    """The body and its content type: 415 for another type, 413 as soon as it passes ``limit``."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in allowed:
        raise ApiError(415, f"send {' or '.join(allowed)}, not {ctype or 'no content type'}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"request body of {declared} bytes exceeds the limit of {limit} bytes")
    size, chunks = 0, []
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, f"request body exceeds the limit of {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # gone mid-body (or cut off by the server's receipt deadline): no one to answer
        raise ApiError(CLIENT_GONE, "the client closed the connection before its body arrived") from None
    return b"".join(chunks), ctype


def parse_json(body: bytes, where: str = "body") -> Any:
    """The JSON value of a body (or of one NDJSON line), or 400; 422 when it is nested deeper than the
    parser goes (deeper than the record rule allows: the same rejection as a record it can read)."""
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"{where} is not valid UTF-8 (byte {exc.start})") from None
    except ValueError as exc:
        raise ApiError(400, f"{where} is not valid JSON: {exc}") from None
    except RecursionError:
        deep = deep_reject(None)
        raise _unprocessable([{"loc": [where], "msg": deep.error, "type": deep.kind}]) from None


def _unprocessable(errors: list[dict[str, Any]]) -> ApiError:
    first = errors[0]
    return ApiError(422, f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}", errors=errors)


def validate(model: type[BaseModel], obj: Any, where: str = "body") -> Any:
    """A request that is not a document (``UrlCheckRequest``), by its pydantic model, or 422."""
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise _unprocessable(
            [{"loc": [where, *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from None


def document(
    obj: Any, position: int | None, loc: list[Any], fields: RecordFields = DEFAULT_FIELDS
) -> Document:
    """One document by the record rule, or 422 naming the field (``loc``: where ``obj`` is in the body).
    ``position`` is the id of a document without one (None for ``POST /v1/scan``); ``fields``:
    ``PAGE_FIELDS`` for a page record."""
    item = read_record(obj, position, fields)
    if isinstance(item, Reject):
        where = [*loc, item.field] if item.field else loc
        raise _unprocessable([{"loc": where, "msg": item.error, "type": item.kind}])
    return item


def item(obj: Any, position: int, loc: list[Any]) -> Document | Page:
    """A batch's document, or its page (``{"html", ...}`` without ``text``: ``_html.py``)."""
    if is_page(obj):
        return Page.of(document(obj, position, loc, PAGE_FIELDS))
    return document(obj, position, loc)


def batch_documents(body: bytes, ctype: str) -> list[Document | Page]:
    """The documents (and pages) of a batch: ``{"documents": [...]}`` (one without an id gets its
    position + 1) or NDJSON (its line number)."""
    if ctype == NDJSON:
        return [
            item(parse_json(line, f"line {n}"), n, [f"line {n}"]) for n, line in jsonl_lines(io.BytesIO(body))
        ]
    obj = parse_json(body)
    items = obj.get("documents") if isinstance(obj, dict) else None
    if not isinstance(items, list):
        what = "missing" if not isinstance(obj, dict) or "documents" not in obj else "list_type"
        raise _unprocessable(
            [{"loc": ["body", "documents"], "msg": "a list of documents is required", "type": what}]
        )
    return [item(d, i + 1, ["body", "documents", i]) for i, d in enumerate(items)]


def too_large(text: str, limit: int) -> bool:
    """More than ``limit`` bytes of UTF-8 (counted only when the length says it could be)."""
    return len(text) > limit // 4 and len(text.encode("utf-8", "surrogatepass")) > limit


def check_sizes(docs: list[Document] | list[Document | Page], settings: ApiSettings) -> None:
    """413 for too many documents, one too large (pages: the request's limit), or more text (a page's
    HTML) than a request's scan budget."""
    if len(docs) > settings.max_batch:
        raise ApiError(413, f"{len(docs)} documents exceed the batch limit of {settings.max_batch}")
    chars = settings.engine.max_document_chars
    for i, d in enumerate(docs):
        if isinstance(d, Document) and too_large(d.text, settings.max_document_bytes):
            raise ApiError(413, f"document {i} is larger than {settings.max_document_bytes} bytes")
        if isinstance(d, Document) and len(d.text) > chars:  # the engine's own limit, if set lower
            raise ApiError(413, f"document {i} has more than {chars:,} characters (max_document_chars)")
    check_budget(sum(len(d.text if isinstance(d, Document) else d.html) for d in docs), "text", settings)


def check_budget(chars: int, what: str, settings: ApiSettings) -> None:
    """413 when a request holds more characters (of ``what``) than one request may have scanned."""
    if chars > settings.max_request_chars:
        raise ApiError(
            413,
            f"the request holds {chars:,} characters of {what}; one request may hold at most "
            f"{settings.max_request_chars:,} (split it into several)",
        )
