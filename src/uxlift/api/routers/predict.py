"""Behaviour predictions and the model registry over HTTP."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from uxlift.api.auth import require
from uxlift.api.body import read_model
from uxlift.api.openapi import json_body
from uxlift.predict.event_log import TARGETS
from uxlift.predict.service import MAX_ITEMS
from uxlift.recommend.registry import TARGET as RECOMMENDATIONS

router = APIRouter(prefix="/v1", tags=["predict"])


class PredictRequest(BaseModel):
    user_id: str = Field(min_length=1, max_length=256)
    item_ids: list[str] = Field(min_length=1, max_length=MAX_ITEMS)
    target: str = Field(default="purchase", json_schema_extra={"enum": list(TARGETS)})
    reasons: int = Field(default=3, ge=0, le=10)


class RollbackRequest(BaseModel):
    target: str = "purchase"


@router.post(
    "/predict",
    openapi_extra=json_body(PredictRequest),
    summary="Probability that a user clicks / adds to cart / buys each item",
    description=(
        'Body: {"user_id": ..., "item_ids": [...] (1-500), "target": "purchase", "reasons": 3}. '
        "Uses the model serving the target; every probability comes with its top reasons. "
        "Items not in the catalog are listed in unknown_items."
    ),
    dependencies=[Depends(require("read"))],
    response_class=Response,
)
async def predict(request: Request) -> Response:
    services = request.app.state.services
    body = await read_model(request, PredictRequest)
    result = await run_in_threadpool(
        services.predictions.predict,
        body.user_id,
        body.item_ids,
        target=body.target,
        reasons=body.reasons,
    )
    # Plain JSON types already: serialize once, skipping FastAPI's re-encoding pass.
    return Response(orjson.dumps(result), media_type="application/json")


def _registry(request: Request, *, version: str = "", target: str = ""):
    """The predictor registry, or the recommender one for its versions and target."""
    services = request.app.state.services
    recommenders = services.recommendations.registry
    if version.startswith(f"{RECOMMENDATIONS}-") or target == RECOMMENDATIONS:
        return recommenders
    return services.predictions.registry


@router.get(
    "/models",
    summary="Registered predictors, what serves each target, and the history",
    dependencies=[Depends(require("read"))],
)
def list_models(request: Request) -> dict[str, Any]:
    models, serving, history = [], {}, []
    for registry in (_registry(request), _registry(request, target=RECOMMENDATIONS)):
        serves = registry.serving_all()
        serving.update(serves)
        history += registry.history()[-100:]
        models += [
            {
                "version": c.version,
                "target": c.target,
                "estimator": c.estimator,
                "created_at": c.created_at,
                "training_window": c.training_window,
                "test": c.metrics.get("test", {}),
                "offline": c.metrics.get("offline", {}),
                "ceiling_roc_auc": c.metrics.get("ceiling_roc_auc"),
                "serving": serves.get(c.target) == c.version,
            }
            for c in registry.list()
        ]
    history.sort(key=lambda entry: entry.get("at", ""))
    return {"models": models, "serving": serving, "history": history[-100:]}


@router.get(
    "/models/{version}",
    summary="One model's card: window, metrics, calibration, feature importance",
    dependencies=[Depends(require("read"))],
)
def get_model(request: Request, version: str) -> dict[str, Any]:
    return _registry(request, version=version).get(version).to_dict()


@router.post(
    "/models/{version}/promote",
    summary="Serve this version for its target (takes effect without a restart)",
    dependencies=[Depends(require("admin"))],
)
def promote_model(request: Request, version: str) -> dict[str, Any]:
    card = _registry(request, version=version).promote(version, actor=request.state.actor)
    return {"serving": card.version, "target": card.target}


@router.post(
    "/models/rollback",
    openapi_extra=json_body(RollbackRequest),
    summary="Serve the version that served the target before the current one",
    dependencies=[Depends(require("admin"))],
)
async def rollback_model(request: Request) -> dict[str, Any]:
    body = await read_model(request, RollbackRequest)
    card = _registry(request, target=body.target).rollback(body.target, actor=request.state.actor)
    return {"serving": card.version, "target": card.target}
