"""Pure ASGI middleware: request id, latency metrics and the JSON access log.

Written against the raw ASGI interface because Starlette's ``@app.middleware("http")`` wraps every request
in a task group and a streaming response, which cost more than the rest of a trivial request.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from ._metrics import Metrics

Scope = dict[str, Any]
access_log = logging.getLogger("moderation.api.access")


class Observe:
    """Adds ``x-request-id`` (echoed or new), counts and times requests, logs one JSON line each."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                rid = value.decode("latin-1")[:128]
                break
        rid = rid or os.urandom(16).hex()  # as unique as uuid4, a third of the cost
        scope.setdefault("state", {})["request_id"] = rid
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(route=path, method=scope["method"], status=str(status)).inc()
            self.metrics.latency.labels(route=path).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_log.info(
                    json.dumps(
                        {
                            "request_id": rid,
                            "method": scope["method"],
                            "path": scope["path"],
                            "status": status,
                            "ms": round(1000 * elapsed, 2),
                            "client": client[0] if client else None,
                        }
                    )
                )
