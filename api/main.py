"""The FastAPI service: a thin HTTP adapter over ``moderation.Scanner``.

``create_app(settings)`` builds the app; models load once per worker at startup (lifespan), never at
import. Every error is ``application/problem+json``; request bodies are size-limited while they are read;
scanning runs in a worker thread so the event loop keeps answering health checks. The pieces::

    _service.py    the shared state (scanner, batcher, limiter, metrics) and the dependencies
    _body.py       reading bodies: content type, limits, JSON, the record rule (-> 422)
    _scan.py       POST /v1/scan, /v1/scan/batch          _urls.py  POST /v1/urls/check
    _ops.py        /healthz, /readyz, /version, /metrics
    _fastpath.py   plain POST /v1/scan in pure ASGI       _observe.py  request id, metrics, access log
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

import moderation
from moderation import Document, DocumentTooLargeError

from . import _ops, _scan, _urls
from ._fastpath import FastScan
from ._metrics import Metrics
from ._observe import Observe
from ._problems import PROBLEM_SCHEMA, ApiError, problem
from ._responses import fast_dumps
from ._service import Service
from ._settings import ApiSettings

error_log = logging.getLogger("moderation.api.error")

ERRORS = {code: PROBLEM_SCHEMA for code in (400, 401, 403, 413, 415, 422, 429, 500, 503)}


def _no_native_telemetry() -> dict[str, Any]:
    """FastAPI >= 0.16x traces, meters and logs every request through OpenTelemetry by default; with no
    exporter configured that is pure cost (a third of the event loop's time per request, measured with
    py-spy). This service has its own Prometheus metrics and access log, so switch it off where it exists."""
    import inspect

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}}


def _problem_handlers(app: FastAPI, metrics: Metrics) -> None:
    """Every error as a problem response, counted by status; a 500 carries the request id, never the
    exception's text (that goes to the error log)."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        metrics.errors.labels(type=str(exc.status)).inc()
        return problem(exc.status, exc.detail, request.url.path, exc.headers, **exc.extra)

    @app.exception_handler(DocumentTooLargeError)
    async def _too_large(request: Request, exc: DocumentTooLargeError) -> Response:
        metrics.errors.labels(type="413").inc()
        return problem(413, str(exc), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        metrics.errors.labels(type=str(exc.status_code)).inc()
        return problem(exc.status_code, str(exc.detail), request.url.path, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        rid = str(request.scope.get("state", {}).get("request_id", "-"))
        error_log.exception("internal error, request_id=%s", rid)
        metrics.errors.labels(type="500").inc()
        return problem(500, f"internal error; quote request id {rid}", request.url.path, request_id=rid)


def _fast_path(app: FastAPI, svc: Service) -> None:
    """Serve plain ``POST /v1/scan`` requests in pure ASGI (see ``_fastpath.py``)."""
    settings = svc.settings

    async def handle(doc: Document) -> bytes | None:
        if svc.loaded is None:
            return None  # the full path answers 503
        (result,) = await svc.batcher.submit([doc])
        svc.count([result])
        body = fast_dumps(result)
        return body if isinstance(body, bytes) else body.encode("utf-8")

    app.add_middleware(
        FastScan,
        handle=handle,
        enabled=lambda: not settings.api_keys and not settings.cors_origins,
        max_request_bytes=settings.max_request_bytes,
        max_document_bytes=settings.max_document_bytes,
        # a document over the engine's limit falls through to the full path, which answers 413
        max_request_chars=min(settings.max_request_chars, settings.engine.max_document_chars),
        route=lambda: next(r for r in _scan.router.routes if getattr(r, "path", None) == "/v1/scan"),
    )


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, with the request bodies' nested definitions moved into components."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    for item in doc.get("paths", {}).values():
        for op in item.values():
            for media in op.get("requestBody", {}).get("content", {}).values():
                components.update(media.get("schema", {}).pop("$defs", {}))
    app.openapi_schema = doc
    return doc


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the service. With no argument, settings come from the environment (uvicorn factory mode).

    ``FastAPIOffline`` is FastAPI with ``/docs`` (Swagger UI) and ``/redoc`` served from the files its
    package ships (under ``/static-offline-docs``), not from a CDN: they work on a machine offline."""
    from fastapi_offline import FastAPIOffline

    svc = Service(settings or ApiSettings())
    app = FastAPIOffline(
        title="moderation",
        version=moderation.__version__,
        description="Find spam injected into scraped news text, explain it, and return the cleaned text.",
        lifespan=svc.lifespan(),
        responses=ERRORS,
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from validator.swagger.io
        **_no_native_telemetry(),
    )
    app.state.service = svc
    app.state.metrics = svc.metrics
    if svc.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(svc.settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
        )
    _problem_handlers(app, svc.metrics)
    if svc.settings.fast_path:
        _fast_path(app, svc)
    app.add_middleware(Observe, metrics=svc.metrics)
    for module in (_scan, _urls, _ops):
        app.include_router(module.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
