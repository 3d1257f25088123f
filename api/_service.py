"""The service's state and the dependencies the routes share: the scanner, authentication, limits.

One ``Service`` per app (``app.state.service``): the settings, the metrics, the per-key rate limiter (shared
by the workers when ``moderation serve`` runs several: ``_ratelimit.py``),
the micro-batcher, and the scanner once the lifespan has loaded it. Routes get it with
``Depends(service)``; ``authenticate`` is a dependency of every route that scans.
"""

from __future__ import annotations

import gc
import hmac
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
from ._ratelimit import RateLimiter, SharedRateLimiter
from ._settings import ApiSettings, hash_key


@dataclass
class Service:
    """What the routes share (see the module docstring)."""

    settings: ApiSettings
    metrics: Metrics = field(default_factory=Metrics.create)
    loaded: Scanner | None = None

    def __post_init__(self) -> None:
        s = self.settings
        self.limiter: RateLimiter | SharedRateLimiter = RateLimiter(s.rate_per_minute)
        if s.rate_state and s.rate_per_minute > 0 and s.api_keys:
            self.limiter = SharedRateLimiter(s.rate_per_minute, s.rate_state, s.api_keys)
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


def _key_name(request: Request) -> str | None:
    """With API keys configured, the name of the request's valid key (401, 403); None without keys."""
    keys = _of(request).settings.api_keys
    if not keys:
        return None
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
    return name


async def authenticate(request: Request) -> None:
    """Dependency of the routes that scan: with API keys configured, a valid key within its rate limit
    (401, 403, 429)."""
    name = _key_name(request)
    if name is None:
        return
    svc = _of(request)
    wait = svc.limiter.allow(name)
    if wait:
        raise ApiError(
            429,
            f"rate limit of {svc.settings.rate_per_minute} requests per minute exceeded",
            {"Retry-After": str(max(1, round(wait)))},
        )


async def require_key(request: Request) -> None:
    """Dependency of ``/version`` and ``/metrics`` (package versions, data fingerprints, traffic): with
    API keys configured, a valid key (401, 403), not counted against its rate limit, so that a scraper
    polling the metrics does not eat into the scanning it watches."""
    _key_name(request)
