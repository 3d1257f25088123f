"""The FastAPI service: a thin HTTP adapter over ``moderation.Scanner``.

``create_app(settings)`` builds the app; models load once per worker at startup (lifespan), never at
import. Every error is ``application/problem+json``; request bodies are size-limited while they are read;
scanning runs in a worker thread so the event loop keeps answering health checks.
"""

from __future__ import annotations

import gc
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response, StreamingResponse

import moderation
from moderation import Scanner, json_dumps

from ._batcher import Batcher
from ._fastpath import FastScan
from ._html import HTML, charset_of, scan_page
from ._metrics import Metrics
from ._observe import Observe
from ._problems import PROBLEM_SCHEMA, ApiError, problem
from ._schemas import (
    BatchRequest,
    BatchResponse,
    Health,
    HtmlScanRequest,
    ScanRequest,
    ScanResponse,
    UrlCheckRequest,
    UrlCheckResponse,
    Version,
)
from ._settings import ApiSettings, hash_key


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


access_log = logging.getLogger("moderation.api.access")
error_log = logging.getLogger("moderation.api.error")

JSON = "application/json"
NDJSON = "application/x-ndjson"
ERRORS = {code: PROBLEM_SCHEMA for code in (400, 401, 403, 413, 415, 422, 429, 500, 503)}


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON request body, declared for OpenAPI (the routes read and validate bodies themselves)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}


def _scan_body_schema() -> dict[str, Any]:
    """``/v1/scan`` takes a text document or an HTML page as JSON, or the page itself as ``text/html``."""
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


class _RateLimiter:
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


def _no_native_telemetry() -> dict[str, Any]:
    """FastAPI >= 0.16x traces, meters and logs every request through OpenTelemetry by default; with no
    exporter configured that is pure cost (a third of the event loop's time per request, measured with
    py-spy). This service has its own Prometheus metrics and access log, so switch it off where it exists."""
    import inspect

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}}


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the service. With no argument, settings come from the environment (uvicorn factory mode)."""
    settings = settings or ApiSettings()
    metrics = Metrics.create()
    limiter = _RateLimiter(settings.rate_per_minute)
    state: dict[str, Any] = {"scanner": None}

    def scan_dicts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        s = scanner()
        return [r.to_dict() for r in s.scan_many(items, batch_size=max(1, min(len(items), 64)))]

    batcher = Batcher(scan_dicts)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loaded = await run_in_threadpool(Scanner.default, settings.engine)
        # build the lazy tables (suffix list, hashing tables) before reporting ready
        await run_in_threadpool(loaded.scan, "Warm-up sentence with a link, www.example.org.")
        # Everything loaded so far lives as long as the worker: keep the cyclic GC from walking it again
        # and again (its full collections are a source of latency spikes in a long-running server).
        gc.freeze()
        state["scanner"] = loaded
        batcher.start()
        yield
        await batcher.stop()

    app = FastAPI(
        title="moderation",
        version=moderation.__version__,
        description="Find spam injected into scraped news text, explain it, and return the cleaned text.",
        lifespan=lifespan,
        responses=ERRORS,  # type: ignore[arg-type]
        **_no_native_telemetry(),
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
        )

    # -- errors -------------------------------------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        metrics.errors.labels(type=str(exc.status)).inc()
        return problem(exc.status, exc.detail, request.url.path, exc.headers, **exc.extra)

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

    # -- middleware: request id, access log, metrics (pure ASGI, see _observe) ------------------------------

    async def fast_scan(doc: dict[str, Any]) -> bytes | None:
        if state["scanner"] is None:
            return None  # the full path answers 503
        (result,) = await batcher.submit([doc])
        count([result])
        body = fast_dumps(result)
        return body if isinstance(body, bytes) else body.encode("utf-8")

    def scan_route() -> Any:
        return next(r for r in app.routes if getattr(r, "path", None) == "/v1/scan")

    if settings.fast_path:
        app.add_middleware(
            FastScan,
            handle=fast_scan,
            enabled=lambda: not settings.api_keys and not settings.cors_origins,
            max_request_bytes=settings.max_request_bytes,
            max_document_bytes=settings.max_document_bytes,
            route=scan_route,
        )
    app.add_middleware(Observe, metrics=metrics)

    # -- helpers --------------------------------------------------------------------------------------------

    def scanner() -> Scanner:
        s = state["scanner"]
        if s is None:
            raise ApiError(503, "the models are still loading; retry shortly", {"Retry-After": "1"})
        return s

    def authenticate(request: Request) -> None:
        if not settings.api_keys:
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
        name = next((n for n, d in settings.api_keys.items() if hmac.compare_digest(d, digest)), None)
        if name is None:
            raise ApiError(403, "this API key is not valid")
        wait = limiter.allow(name)
        if wait:
            raise ApiError(
                429,
                f"rate limit of {settings.rate_per_minute} requests per minute exceeded",
                {"Retry-After": str(max(1, round(wait)))},
            )

    async def read_body(request: Request, allowed: tuple[str, ...]) -> tuple[bytes, str]:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in allowed:
            raise ApiError(415, f"send {' or '.join(allowed)}, not {ctype or 'no content type'}")
        limit = settings.max_request_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ApiError(413, f"request body of {declared} bytes exceeds the limit of {limit} bytes")
        size, chunks = 0, []
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, f"request body exceeds the limit of {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks), ctype

    def parse_json(body: bytes, where: str = "body") -> Any:
        try:
            return json.loads(body)
        except UnicodeDecodeError as exc:
            raise ApiError(400, f"{where} is not valid UTF-8 (byte {exc.start})") from None
        except ValueError as exc:
            raise ApiError(400, f"{where} is not valid JSON: {exc}") from None

    def validate(model: type[BaseModel], obj: Any, where: str = "body") -> Any:
        try:
            return model.model_validate(obj)
        except ValidationError as exc:
            errors = [{"loc": [where, *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
            first = errors[0]
            detail = f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}"
            raise ApiError(422, detail, errors=errors) from None

    def check_sizes(docs: list[ScanRequest]) -> None:
        if len(docs) > settings.max_batch:
            raise ApiError(413, f"{len(docs)} documents exceed the batch limit of {settings.max_batch}")
        for i, d in enumerate(docs):
            if len(d.text) > settings.max_document_bytes // 4 and (
                len(d.text.encode("utf-8", "surrogatepass")) > settings.max_document_bytes
            ):
                raise ApiError(413, f"document {i} is larger than {settings.max_document_bytes} bytes")

    def as_docs(docs: list[ScanRequest], number_missing_ids: bool) -> list[dict[str, Any]]:
        """Engine inputs; in a batch a document without an id gets its position, alone it keeps null."""
        return [
            {
                "text": d.text,
                "id": i if d.id is None and number_missing_ids else d.id,
                "url": d.url,
                "lang": d.lang,
            }
            for i, d in enumerate(docs)
        ]

    def count(results: list[dict[str, Any]]) -> None:
        metrics.documents.inc(len(results))
        metrics.spans.inc(sum(len(r["spans"]) for r in results))

    def json_response(obj: Any, status: int = 200) -> Response:
        return Response(fast_dumps(obj), status_code=status, media_type=JSON)

    # -- routes ---------------------------------------------------------------------------------------------

    @app.post(
        "/v1/scan",
        response_model=ScanResponse,
        openapi_extra=_scan_body_schema(),
        summary="Scan one document (text, or an HTML page)",
        description=(
            'A text document (`{"text", ...}`) or an HTML page (`{"html", "url"?, "id"?}`, or the page '
            "itself "
            "with `Content-Type: text/html`, `?url=` and `?id=` in the query and the charset from the "
            "content "
            "type). A page's result adds `text` (the article text the spans point into), `title`, "
            "`page_spans` (element paths, source ranges, reason codes), `cleaned_html`, `encoding`, `notes`."
        ),
        tags=["scan"],
    )
    async def scan(request: Request) -> Response:
        authenticate(request)
        scanner()  # 503 before reading the body while the models load
        body, ctype = await read_body(request, (JSON, HTML))
        if ctype == HTML:  # the page itself; api/_html.py
            q = request.query_params
            result = await scan_page(scanner(), body, q.get("url"), q.get("id"), charset_of(request))
            count([result])
            return json_response(result)
        obj = parse_json(body)
        if isinstance(obj, dict) and "html" in obj and "text" not in obj:
            page = validate(HtmlScanRequest, obj)
            result = await scan_page(scanner(), page.html, page.url, page.id, None)
            count([result])
            return json_response(result)
        doc = validate(ScanRequest, obj)
        check_sizes([doc])
        (result,) = await batcher.submit(as_docs([doc], number_missing_ids=False))
        count([result])
        return json_response(result)

    @app.post(
        "/v1/scan/batch",
        response_model=BatchResponse,
        openapi_extra=_body_schema(BatchRequest),
        summary="Scan many documents (JSON or NDJSON in; JSON, or NDJSON with Accept)",
        description=(
            "Up to the configured limit of documents (default 256), results in input order. The body may "
            "also be `application/x-ndjson` (one ScanRequest object per line); with "
            "`Accept: application/x-ndjson` the results stream back one JSON object per line."
        ),
        tags=["scan"],
    )
    async def scan_batch(request: Request) -> Response:
        authenticate(request)
        s = scanner()
        body, ctype = await read_body(request, (JSON, NDJSON))
        if ctype == NDJSON:
            docs = []
            for n, line in enumerate(body.split(b"\n"), 1):
                if line.strip():
                    docs.append(validate(ScanRequest, parse_json(line, f"line {n}"), f"line {n}"))
        else:
            docs = validate(BatchRequest, parse_json(body)).documents
        check_sizes(docs)
        items = as_docs(docs, number_missing_ids=True)
        if NDJSON in request.headers.get("accept", ""):

            async def stream() -> AsyncIterator[bytes]:
                for i in range(0, len(items), s.settings.batch_size):
                    part = await run_in_threadpool(scan_dicts, items[i : i + s.settings.batch_size])
                    count(part)
                    yield "".join(json_dumps(r) + "\n" for r in part).encode("utf-8")

            return StreamingResponse(stream(), media_type=NDJSON)
        results = await run_in_threadpool(scan_dicts, items)
        count(results)
        return json_response({"results": results, "model_version": s.model_version})

    @app.post(
        "/v1/urls/check",
        response_model=UrlCheckResponse,
        openapi_extra=_body_schema(UrlCheckRequest),
        summary="Judge URLs (offline: lexical model, rules, local lists)",
        tags=["urls"],
    )
    async def urls_check(request: Request) -> Response:
        authenticate(request)
        body, _ = await read_body(request, (JSON,))
        req = validate(UrlCheckRequest, parse_json(body))
        if len(req.urls) > settings.max_batch * 4:
            raise ApiError(413, f"{len(req.urls)} URLs exceed the limit of {settings.max_batch * 4}")

        def run() -> list[dict[str, Any]]:
            checker = scanner().url_checker
            return [checker.check(url).to_dict() for url in req.urls]

        return json_response({"reports": await run_in_threadpool(run)})

    @app.get("/healthz", response_model=Health, summary="The process is up", tags=["ops"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", response_model=Health, summary="The models are loaded", tags=["ops"])
    async def readyz() -> dict[str, str]:
        scanner()
        return {"status": "ready"}

    @app.get("/version", response_model=Version, summary="Package, model and data versions", tags=["ops"])
    async def version() -> dict[str, Any]:
        m = scanner().models.manifest
        return {
            "package": moderation.__version__,
            "model_version": str(m.get("model_version", "")),
            "feature_format": m.get("feature_format"),
            "data_fingerprint": m.get("data_fingerprint", {}),
            "url_model_version": scanner().url_checker.model_version,
            "url_lists": len(scanner().url_checker.lists),
        }

    @app.get(
        "/metrics",
        summary="Prometheus metrics",
        tags=["ops"],
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def prometheus() -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        """The generated schema, with the request bodies' nested definitions moved into components."""
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = doc.setdefault("components", {}).setdefault("schemas", {})
        for item in doc.get("paths", {}).values():
            for op in item.values():
                for media in op.get("requestBody", {}).get("content", {}).values():
                    components.update(media.get("schema", {}).pop("$defs", {}))
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.metrics = metrics
    return app
