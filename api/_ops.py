"""Operations endpoints: liveness and readiness (always open, for load balancers and orchestrators);
versions and Prometheus metrics (behind the API keys when keys are configured: they name package
versions, data fingerprints and traffic)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

import moderation

from ._schemas import Health, Version
from ._service import ServiceDep, require_key

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, summary="The models are loaded")
async def readyz(svc: ServiceDep) -> dict[str, str]:
    svc.scanner()
    return {"status": "ready"}


@router.get(
    "/version",
    response_model=Version,
    summary="Package, model and data versions",
    dependencies=[Depends(require_key)],
)
async def version(svc: ServiceDep) -> dict[str, Any]:
    scanner = svc.scanner()
    m = scanner.models.manifest
    return {
        "package": moderation.__version__,
        "model_version": str(m.get("model_version", "")),
        "feature_format": m.get("feature_format"),
        "data_fingerprint": m.get("data_fingerprint", {}),
        "url_model_version": scanner.url_checker.model_version,
        "url_lists": len(scanner.url_checker.lists),
    }


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    dependencies=[Depends(require_key)],
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def prometheus(svc: ServiceDep) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return Response(generate_latest(svc.metrics.registry), media_type=CONTENT_TYPE_LATEST)
