"""Health and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from uxlift import __version__
from uxlift.api.auth import require

router = APIRouter(tags=["system"])


@router.get("/healthz", summary="Liveness and store reachability (public)")
def healthz(request: Request) -> dict[str, object]:
    services = request.app.state.services
    services.store.ping()
    return {"status": "ok", "version": __version__}


@router.get(
    "/readyz",
    summary="Readiness (public): 503 until the first lists are ranked ahead",
    responses={503: {"description": "still ranking the active users' lists"}},
)
def readyz(request: Request) -> Response:
    warmer = request.app.state.warmer
    if warmer is None or warmer.ready:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "warming", "lists_ranked": warmer.ranked}, status_code=503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    dependencies=[Depends(require("read"))],
)
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
