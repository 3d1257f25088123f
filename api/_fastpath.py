"""A lean path for the hot request, ``POST /v1/scan``, in pure ASGI.

Under load a worker's event-loop thread spent about a third of the worker's CPU on the FastAPI request
path (routing, dependency solving, request objects, response objects) while it shares one GIL with the
scan thread. This middleware answers the *ordinary* ``/v1/scan`` request itself: a JSON body within the
limits that the record rule accepts (``moderation.text.document.read_record``, which the route applies
too), models loaded, no API keys configured. Anything else (keys, another content type, a body that is too
large, bad JSON, a field of the wrong type, models still loading) is handed to the FastAPI route
unchanged, with the body replayed, so every error is produced by exactly one piece of code and stays
identical.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from moderation import Document
from moderation.text.document import read_record

from ._body import too_large

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

try:
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
except ImportError:  # pragma: no cover - orjson is in the api extra
    import json

    _loads = json.loads


class FastScan:
    """Serves plain ``POST /v1/scan`` requests; delegates everything else to the app it wraps.

    Args:
        app: the FastAPI app (the full path).
        handle: ``async (doc) -> bytes`` scanning one checked ``Document`` and returning the JSON body;
            returns None when it cannot serve (models loading).
        enabled: ``() -> bool``, false when API keys are configured (authentication lives in the route).
        max_request_bytes, max_document_bytes, max_request_chars: the same limits the route enforces.
        route: the ``/v1/scan`` route object, put in the scope so metrics label the request the same way.
    """

    def __init__(
        self,
        app: Any,
        handle: Callable[[Document], Awaitable[bytes | None]],
        enabled: Callable[[], bool],
        max_request_bytes: int,
        max_document_bytes: int,
        route: Callable[[], Any],
        max_request_chars: int | None = None,
    ) -> None:
        self.app = app
        self.handle = handle
        self.enabled = enabled
        self.max_request = max_request_bytes
        self.max_document = max_document_bytes
        self.max_chars = max_request_chars
        self.route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != "/v1/scan"
            or scope.get("query_string")
            or not self.enabled()
        ):
            await self.app(scope, receive, send)
            return
        length = -1
        for name, value in scope["headers"]:
            if name == b"content-type" and value.split(b";")[0].strip().lower() != b"application/json":
                await self.app(scope, receive, send)
                return
            if name == b"content-length":
                length = int(value) if value.isdigit() else -1
        if not 0 <= length <= self.max_request:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # disconnected: let the full path see it
                await self.app(scope, _replay(b"".join(chunks), message, receive), send)
                return
            body = message.get("body", b"")
            chunks.append(body)
            size += len(body)
            if size > self.max_request or not message.get("more_body", False):
                break
        data = b"".join(chunks)
        doc = self._document(data) if size <= self.max_request else None
        answer = await self.handle(doc) if doc is not None else None
        if answer is None:
            await self.app(scope, _replay(data, None, receive), send)
            return
        scope["route"] = self.route()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(answer)).encode("ascii")),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    def _document(self, data: bytes) -> Document | None:
        """The document when the body is an ordinary, valid request; None sends it down the full path,
        which gives the error. Valid means the record rule the route applies (``read_record``, the one
        rule of every door) and the route's size limits."""
        try:
            obj = _loads(data)
        except ValueError:
            return None
        doc = read_record(obj)
        if not isinstance(doc, Document) or too_large(doc.text, self.max_document):
            return None
        if self.max_chars is not None and len(doc.text) > self.max_chars:
            return None
        return doc


def _replay(body: bytes, pending: dict[str, Any] | None, receive: Receive) -> Receive:
    """A receive that gives the already-read body again (then any message read after it)."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": pending is not None}
        if pending is not None:
            return pending
        return await receive()

    return replay
