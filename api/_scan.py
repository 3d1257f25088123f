"""``POST /v1/scan`` and ``POST /v1/scan/batch`` (the fast path serves plain ``/v1/scan`` requests itself,
see ``_fastpath.py``; anything it does not serve comes here)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from moderation import json_dumps

from ._body import JSON, NDJSON, batch_documents, check_sizes, document, parse_json, read_body
from ._responses import body_schema, json_response
from ._schemas import BatchRequest, BatchResponse, ScanRequest, ScanResponse
from ._service import ServiceDep, authenticate

router = APIRouter(tags=["scan"], dependencies=[Depends(authenticate)])


@router.post(
    "/v1/scan",
    response_model=ScanResponse,
    openapi_extra=body_schema(ScanRequest),
    summary="Scan one document",
)
async def scan(request: Request, svc: ServiceDep) -> Response:
    svc.scanner()  # 503 before reading the body while the models load
    body, _ = await read_body(request, (JSON,), svc.settings.max_request_bytes)
    doc = document(parse_json(body), None, ["body"])
    check_sizes([doc], svc.settings)
    (result,) = await svc.batcher.submit([doc])
    svc.count([result])
    return json_response(result)


@router.post(
    "/v1/scan/batch",
    response_model=BatchResponse,
    openapi_extra=body_schema(BatchRequest),
    summary="Scan many documents (JSON or NDJSON in; JSON, or NDJSON with Accept)",
    description=(
        "Up to the configured limit of documents (default 256), results in input order. The body may "
        "also be `application/x-ndjson` (one ScanRequest object per line); with "
        "`Accept: application/x-ndjson` the results stream back one JSON object per line. A document "
        "without an id gets its 1-based position (its line number in NDJSON)."
    ),
)
async def scan_batch(request: Request, svc: ServiceDep) -> Response:
    s = svc.scanner()
    body, ctype = await read_body(request, (JSON, NDJSON), svc.settings.max_request_bytes)
    docs = batch_documents(body, ctype)
    check_sizes(docs, svc.settings)
    if NDJSON in request.headers.get("accept", ""):
        size = s.settings.batch_size

        async def stream() -> AsyncIterator[bytes]:
            for i in range(0, len(docs), size):
                part = await run_in_threadpool(svc.scan, docs[i : i + size])
                svc.count(part)
                yield "".join(json_dumps(r) + "\n" for r in part).encode("utf-8")

        return StreamingResponse(stream(), media_type=NDJSON)
    results = await run_in_threadpool(svc.scan, docs)
    svc.count(results)
    return json_response({"results": results, "model_version": s.model_version})
