"""Response bodies: JSON encoded fast, and the OpenAPI declaration of the bodies the routes read."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.responses import Response

from moderation import json_dumps

from ._body import JSON


def fast_dumps(obj: Any) -> bytes | str:
    """orjson when installed (about 5x faster for scan results); the engine's own JSON otherwise. orjson
    refuses lone surrogates, which documents may hold: those fall back too."""
    try:
        import orjson
    except ImportError:
        return json_dumps(obj)
    try:
        return bytes(orjson.dumps(obj))
    except TypeError:
        return json_dumps(obj)


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(fast_dumps(obj), status_code=status, media_type=JSON)


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON request body, declared for OpenAPI (the routes read and validate bodies themselves)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}


def scan_body_schema() -> dict[str, Any]:
    """``/v1/scan`` takes a text document or an HTML page as JSON, or the page itself as ``text/html``."""
    from ._schemas import HtmlScanRequest, ScanRequest

    ref = "#/components/schemas/{model}"
    text = ScanRequest.model_json_schema(ref_template=ref)
    page = HtmlScanRequest.model_json_schema(ref_template=ref)
    defs = {**text.pop("$defs", {}), **page.pop("$defs", {})}
    schema: dict[str, Any] = {"anyOf": [text, page]}
    if defs:
        schema["$defs"] = defs
    # text/html (the page itself) is described in the route's text, not declared: every byte string is a
    # valid page, which schema-driven fuzzers cannot express as a body schema
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}
