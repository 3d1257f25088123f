"""``POST /v1/scan`` and ``POST /v1/scan/batch`` (the fast path serves plain ``/v1/scan`` requests itself,
see ``_fastpath.py``; anything it does not serve comes here)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from moderation import json_dumps

from ._body import (
    JSON,
    NDJSON,
    batch_documents,
    check_budget,
    check_sizes,
    document,
    parse_json,
    read_body,
)
from ._html import HTML, PAGE_FIELDS, Page, is_page, page_of_body, scan_mixed, scan_page
from ._responses import body_schema, json_response, scan_body_schema
from ._schemas import BatchRequest, BatchResponse, HtmlScanResponse, ScanResponse
from ._service import ServiceDep, authenticate

router = APIRouter(tags=["scan"], dependencies=[Depends(authenticate)])


@router.post(
    "/v1/scan",
    response_model=ScanResponse | HtmlScanResponse,
    openapi_extra=scan_body_schema(),
    summary="Scan one document (text, or an HTML page)",
    description=(
        'A text document (`{"text", ...}`) or an HTML page (`{"html", "url"?, "id"?}`, or the page itself '
        "with `Content-Type: text/html`, `?url=` and `?id=` in the query and the charset from the content "
        "type). A page's result adds `text` (the article text the spans point into), `title`, "
        "`page_spans` (element paths, source ranges, reason codes), `cleaned_html`, `encoding`, `notes`."
    ),
)
async def scan(request: Request, svc: ServiceDep) -> Response:
    svc.scanner()  # 503 before reading the body while the models load
    body, ctype = await read_body(request, (JSON, HTML), svc.settings.max_request_bytes)
    obj = parse_json(body) if ctype == JSON else None
    if ctype == HTML or is_page(obj):  # an HTML page: _html.py
        page = (
            page_of_body(request, body)
            if ctype == HTML
            else Page.of(document(obj, None, ["body"], PAGE_FIELDS))
        )
        check_budget(len(page.html), "HTML", svc.settings)
        result = await scan_page(svc.scanner(), page)
        svc.count([result])
        return json_response(result)
    doc = document(obj, None, ["body"])
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
        "without an id gets its 1-based position (its line number in NDJSON). A document may be an HTML "
        'page (`{"html", "url"?, "id"?}`): its result is the one `/v1/scan` gives for the page.'
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
                part = await run_in_threadpool(scan_mixed, s, docs[i : i + size], svc.scan)
                svc.count(part)
                yield "".join(json_dumps(r) + "\n" for r in part).encode("utf-8")

        return StreamingResponse(stream(), media_type=NDJSON)
    results = await run_in_threadpool(scan_mixed, s, docs, svc.scan)
    svc.count(results)
    return json_response({"results": results, "model_version": s.model_version})
