"""The service's state and the dependencies the routes share: the scanner, authentication, limits.

One ``Service`` per app (``app.state.service``): the settings, the metrics, the per-key rate limiter,
the micro-batcher, and the scanner once the lifespan has loaded it. Routes get it with
``Depends(service)``; ``authenticate`` is a dependency of every route that scans.
"""

from __future__ import annotations

import gc
import hmac
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from moderation import Document, Scanner

from ._batcher import Batcher
from ._metrics import Metrics
from ._problems import ApiError
from ._settings import ApiSettings, hash_key


class RateLimiter:
    """Token bucket per API key: ``rate`` requests per minute, bursts up to ``rate``."""

    def __init__(self, rate_per_minute: int) -> None:
        self.rate = rate_per_minute
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        tokens, last = self.buckets.get(key, (float(self.rate), now))
        tokens = min(float(self.rate), tokens + (now - last) * self.rate / 60.0)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) * 60.0 / self.rate


@dataclass
class Service:
    """What the routes share (see the module docstring)."""

    settings: ApiSettings
    metrics: Metrics = field(default_factory=Metrics.create)
    loaded: Scanner | None = None

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate_per_minute)
        self.batcher = Batcher(self.scan)

    def scanner(self) -> Scanner:
        """The scanner, or 503 while the models load."""
        if self.loaded is None:
            raise ApiError(503, "the models are still loading; retry shortly", {"Retry-After": "1"})
        return self.loaded

    def scan(self, docs: list[Document]) -> list[dict[str, Any]]:
        """Scan checked documents (in a worker thread): their JSON results, in order."""
        results = self.scanner().scan_many(docs, batch_size=max(1, min(len(docs), 64)))
        return [r.to_dict() for r in results]

    def count(self, results: list[dict[str, Any]]) -> None:
        self.metrics.documents.inc(len(results))
        self.metrics.spans.inc(sum(len(r["spans"]) for r in results))
        for result in results:
            for span in result["spans"]:
                for code in {reason["code"] for reason in span["reasons"]}:
                    self.metrics.span_reasons.labels(code=code).inc()

    def lifespan(self) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
        """Load the models once per worker at startup (never at import), warm up, then report ready."""

        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            loaded = await run_in_threadpool(Scanner.default, self.settings.engine)
            # build the lazy tables (suffix list, hashing tables) before reporting ready
            await run_in_threadpool(loaded.scan, "Warm-up sentence with a link, www.example.org.")
            # Everything loaded so far lives as long as the worker: keep the cyclic GC from walking it
            # again and again (its full collections are a source of latency spikes in a long-running server).
            gc.freeze()
            self.loaded = loaded
            self.batcher.start()
            yield
            await self.batcher.stop()

        return lifespan


def _of(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


async def service(request: Request) -> Service:
    """Dependency: the app's ``Service`` (async, so FastAPI does not send it to a thread)."""
    return _of(request)


#: A route parameter that receives the ``Service``.
ServiceDep = Annotated[Service, Depends(service)]


async def authenticate(request: Request) -> None:
    """Dependency: with API keys configured, a valid key within its rate limit (401, 403, 429)."""
    svc = _of(request)
    keys = svc.settings.api_keys
    if not keys:
        return
    header = request.headers.get("authorization", "")
    key = header[7:] if header.lower().startswith("bearer ") else request.headers.get("x-api-key", "")
    if not key:
        raise ApiError(
            401,
            "an API key is required (Authorization: Bearer <key> or X-API-Key)",
            {"WWW-Authenticate": "Bearer"},
        )
    digest = hash_key(key)
    name = next((n for n, d in keys.items() if hmac.compare_digest(d, digest)), None)
    if name is None:
        raise ApiError(403, "this API key is not valid")
    wait = svc.limiter.allow(name)
    if wait:
        raise ApiError(
            429,
            f"rate limit of {svc.settings.rate_per_minute} requests per minute exceeded",
            {"Retry-After": str(max(1, round(wait)))},
        )
