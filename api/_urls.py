"""``POST /v1/urls/check``: the URL checker on its own (offline: lexical model, rules, local lists)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ._body import JSON, check_budget, parse_json, read_body, validate
from ._problems import ApiError
from ._responses import body_schema, json_response
from ._schemas import UrlCheckRequest, UrlCheckResponse
from ._service import ServiceDep, authenticate

router = APIRouter(tags=["urls"], dependencies=[Depends(authenticate)])


@router.post(
    "/v1/urls/check",
    response_model=UrlCheckResponse,
    openapi_extra=body_schema(UrlCheckRequest),
    summary="Judge URLs (offline: lexical model, rules, local lists)",
)
async def urls_check(request: Request, svc: ServiceDep) -> Response:
    body, _ = await read_body(request, (JSON,), svc.settings.max_request_bytes)
    req = validate(UrlCheckRequest, parse_json(body))
    limit = svc.settings.max_batch * 4
    if len(req.urls) > limit:
        raise ApiError(413, f"{len(req.urls)} URLs exceed the limit of {limit}")
    check_budget(sum(len(url) for url in req.urls), "URLs", svc.settings)

    def run() -> list[dict[str, Any]]:
        checker = svc.scanner().url_checker
        return [checker.check(url).to_dict() for url in req.urls]

    return json_response({"reports": await run_in_threadpool(run)})
