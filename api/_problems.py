"""RFC 9457 problem responses: every error the service returns is ``application/problem+json``."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    499: "Client Closed Request",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class ApiError(Exception):
    """An error with an HTTP status, raised inside the service and turned into a problem response."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem(
    status: int, detail: str, instance: str = "", headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """A problem+json response."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return Response(
        json.dumps(body, ensure_ascii=False), status_code=status, media_type=PROBLEM_TYPE, headers=headers
    )


PROBLEM_SCHEMA = {
    "content": {
        PROBLEM_TYPE: {
            "schema": {
                "type": "object",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "instance": {"type": "string"},
                    "request_id": {"type": "string"},
                    "errors": {"type": "array"},
                },
            }
        }
    }
}
