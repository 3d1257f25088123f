"""The service's connections: limits uvicorn does not enforce with httptools, enforced here.

uvicorn's httptools protocol has no cap on the size of a request's head (a client that sends a header line
of 20 MB without ending it has all of it buffered: 20 such connections took 408 MB) and no deadline for
receiving a request (a connection that sends nothing, or half its headers, or its body a byte at a time,
stays open for ever: 1,000 of them stayed open). ``LimitedHttpToolsProtocol`` adds both:

- the request line and headers may take at most ``max_header_bytes`` (431 and the connection closed once a
  request's head passes it, counted as the bytes arrive, so memory stays bounded however long the line);
- a request must arrive whole, head and body, within ``request_timeout`` seconds of its first byte (of
  the connection's opening, for its first request): 408 and the connection closed.

Between requests, uvicorn's own keep-alive timeout closes idle connections. The subclass relies on these
parts of ``uvicorn.protocols.http.httptools_impl.HttpToolsProtocol``: ``connection_made``,
``connection_lost``, ``data_received``, the parser callbacks ``on_message_begin``,
``on_headers_complete`` and ``on_message_complete``, and the ``transport``, ``loop`` and ``cycle``
attributes (``cycle.response_started``); ``tests/test_api.py`` checks they are there and that the limits
hold against a real server.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .._errors import ConfigurationError


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive")
    return value


@dataclass(frozen=True)
class ServerLimits:
    """Per-connection limits of ``moderation serve`` (environment variables supply the defaults).

    Attributes:
        max_header_bytes: the request line and headers of one request, in bytes
            (``MODERATION_API_MAX_HEADER_BYTES``, default 16 KiB, like uvicorn's h11 default); 431 beyond.
        request_timeout: seconds from a request's first byte to the end of its body
            (``MODERATION_API_REQUEST_TIMEOUT``, default 30); 408 beyond.
        keep_alive: seconds an idle keep-alive connection stays open between requests
            (``MODERATION_API_KEEP_ALIVE``, default 5: uvicorn's ``timeout_keep_alive``).
        max_connections: open connections (and running requests) per worker before new requests get 503
            (``MODERATION_API_MAX_CONNECTIONS``, default 1024: uvicorn's ``limit_concurrency``).
    """

    max_header_bytes: int = field(
        default_factory=lambda: int(_number("MODERATION_API_MAX_HEADER_BYTES", 16 << 10))
    )
    request_timeout: float = field(default_factory=lambda: _number("MODERATION_API_REQUEST_TIMEOUT", 30.0))
    keep_alive: float = field(default_factory=lambda: _number("MODERATION_API_KEEP_ALIVE", 5.0))
    max_connections: int = field(default_factory=lambda: int(_number("MODERATION_API_MAX_CONNECTIONS", 1024)))

    def uvicorn_options(self) -> dict[str, Any]:
        """The limits uvicorn enforces itself (the header cap also for h11, should it be used)."""
        return {
            "timeout_keep_alive": self.keep_alive,
            "limit_concurrency": self.max_connections,
            "h11_max_incomplete_event_size": self.max_header_bytes,
        }


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a cap on each request's head and a deadline for receiving each
    request (see the module docstring). uvicorn builds one per connection; ``limits`` comes bound with
    ``functools.partial`` (``moderation serve`` does it), else from the environment."""

    def __init__(self, *args: Any, limits: ServerLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or ServerLimits()
        self._deadline: asyncio.TimerHandle | None = None
        self._in_head = True  # receiving a request line and headers
        self._head_bytes = 0
        self._refused = False

    # -- the deadline ------------------------------------------------------------------------------------

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.limits.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        self._refuse(408, "the request did not arrive in time")

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` (unless a response has begun) and close the connection."""
        self._refused = True
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            body = message.encode("ascii")
            reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
                b"connection: close\r\n\r\n%s" % (status, reason, len(body), body)
            )
        self.transport.close()

    # -- uvicorn's protocol ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that never sends a byte is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._arm()  # the first bytes of a request on a keep-alive connection start its clock
        super().data_received(data)
        if self._in_head and not self._refused:
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._refuse(431, f"the request's headers exceed {self.limits.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_bytes = True, 0
        self._arm()  # a request pipelined behind another starts its clock here

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()  # received whole: how long the answer takes is not the client's doing
        self._in_head, self._head_bytes = True, 0
