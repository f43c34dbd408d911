"""Health and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from uxlift import __version__
from uxlift.api.auth import require

router = APIRouter(tags=["system"])


@router.get("/healthz", summary="Liveness and store reachability (public)")
def healthz(request: Request) -> dict[str, object]:
    services = request.app.state.services
    services.store.ping()
    return {"status": "ok", "version": __version__}


@router.get("/metrics", summary="Prometheus metrics", dependencies=[Depends(require("read"))])
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
