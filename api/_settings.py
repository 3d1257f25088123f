"""Settings of the HTTP service. Constructor arguments win; environment variables only supply defaults.

Environment: ``MODERATION_API_MAX_DOCUMENT_BYTES`` (default 1 MiB), ``MODERATION_API_MAX_REQUEST_BYTES``
(16 MiB), ``MODERATION_API_MAX_BATCH`` (256), ``MODERATION_API_MAX_REQUEST_CHARS`` (2,000,000),
``MODERATION_API_KEYS`` (``name:sha256hex,...``; keys are stored hashed, never in clear),
``MODERATION_API_RATE_PER_MINUTE`` (per key; 0 = unlimited), ``MODERATION_API_RATE_STATE`` (the file
several workers keep their rate limits in; ``moderation serve`` sets it), ``MODERATION_API_CORS_ORIGINS``
(comma-separated; empty = CORS off), ``MODERATION_API_FAST_PATH`` (``0`` to send every request through
FastAPI; default on), plus the engine's own ``MODERATION_*`` settings (model directory, thresholds).
Connection limits (header size, receipt deadline, keep-alive) belong to the server, not the app:
``moderation/cli/_http.py``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from moderation import ConfigurationError, Settings


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not an integer") from None


def _keys() -> dict[str, str]:
    raw = os.environ.get("MODERATION_API_KEYS", "")
    out = {}
    for item in filter(None, (x.strip() for x in raw.split(","))):
        name, sep, digest = item.partition(":")
        if not sep or len(digest) != 64:
            raise ConfigurationError("MODERATION_API_KEYS entries must be name:sha256hex")
        out[name] = digest.lower()
    return out


def hash_key(key: str) -> str:
    """The form in which an API key is stored in settings (sha256 hex)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiSettings:
    """How the service runs.

    Attributes:
        engine: the engine's settings (model directory, thresholds, batch size).
        max_document_bytes: largest ``text`` accepted, in UTF-8 bytes (413 beyond).
        max_request_bytes: largest request body, enforced while reading (413 beyond).
        max_batch: most documents in one batch request (413 beyond).
        max_request_chars: the scan budget of one request: characters of text (all its documents), or of
            URLs (``/v1/urls/check``), 413 beyond. The default, 2,000,000, is about a second of one core's
            scanning, so one request cannot hold a worker for long.
        api_keys: key name -> sha256 hex of the key; empty = no authentication.
        rate_per_minute: requests per minute per key (token bucket); 0 = unlimited.
        rate_state: a file the workers of one service share their rate-limit buckets in (``moderation
            serve --workers N`` creates it); None = this process's own buckets.
        cors_origins: origins allowed by CORS; empty = CORS off.
        fast_path: serve ordinary ``POST /v1/scan`` requests in a lean ASGI path (``api/_fastpath.py``);
            anything unusual still goes through FastAPI.
    """

    engine: Settings = field(default_factory=Settings)
    max_document_bytes: int = field(
        default_factory=lambda: _int("MODERATION_API_MAX_DOCUMENT_BYTES", 1 << 20)
    )
    max_request_bytes: int = field(default_factory=lambda: _int("MODERATION_API_MAX_REQUEST_BYTES", 16 << 20))
    max_batch: int = field(default_factory=lambda: _int("MODERATION_API_MAX_BATCH", 256))
    max_request_chars: int = field(
        default_factory=lambda: _int("MODERATION_API_MAX_REQUEST_CHARS", 2_000_000)
    )
    api_keys: dict[str, str] = field(default_factory=_keys)
    rate_per_minute: int = field(default_factory=lambda: _int("MODERATION_API_RATE_PER_MINUTE", 0))
    rate_state: str | None = field(
        default_factory=lambda: os.environ.get("MODERATION_API_RATE_STATE") or None
    )
    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            o.strip() for o in os.environ.get("MODERATION_API_CORS_ORIGINS", "").split(",") if o.strip()
        )
    )
    fast_path: bool = field(default_factory=lambda: os.environ.get("MODERATION_API_FAST_PATH", "1") != "0")

    def __post_init__(self) -> None:
        for name in ("max_document_bytes", "max_request_bytes", "max_batch", "max_request_chars"):
            if getattr(self, name) < 1:
                raise ConfigurationError(f"{name} must be positive")
        if self.rate_per_minute < 0:
            raise ConfigurationError("rate_per_minute must be 0 (unlimited) or positive")
