"""Experiments and UX metrics: define, start and stop experiments, assign users,
read results with intervals, and the daily UX metrics.

Scopes: ``read`` reads experiments, results and metrics; ``ingest`` assigns
users (an assignment logs an exposure); ``admin`` creates, starts, stops and
deletes experiments and re-allocates bandits.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from uxlift.api.auth import require
from uxlift.api.body import read_json, read_model
from uxlift.api.documented_bodies import ExperimentBody
from uxlift.api.openapi import json_body

router = APIRouter(prefix="/v1", tags=["experiments"])


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str = Field(min_length=1, max_length=256)
    attributes: dict[str, str | int | float | bool] = Field(default_factory=dict)
    log_exposure: bool = True


@router.get("/experiments", summary="List experiments", dependencies=[Depends(require("read"))])
async def list_experiments(
    request: Request, status: Literal["draft", "running", "stopped"] | None = None
) -> dict[str, Any]:
    found = await run_in_threadpool(request.app.state.services.experiments.list, status)
    return {"experiments": [e.to_dict() for e in found]}


@router.post(
    "/experiments",
    openapi_extra=json_body(ExperimentBody),
    summary="Create an experiment (a draft until started)",
    description=(
        'Body: {"name", "description"?, "kind": "ab"|"bandit", "variants": [{"name", '
        '"weight", "config": {"recommend.strategy": "model"|"popularity", '
        '"recommend.model_version", "recommend.diversity", "assist.generation"}}], '
        '"primary_metric", "guardrail_metrics": [...], "audience": {"traffic": 0-1, '
        '"attributes": {"platform": ["ios"]}}, "min_exploration"?}. The first variant is '
        "the control."
    ),
    status_code=201,
    dependencies=[Depends(require("admin"))],
)
async def create_experiment(request: Request) -> dict[str, Any]:
    raw = await read_json(request)
    created = await run_in_threadpool(request.app.state.services.experiments.create, raw)
    return created.to_dict()


@router.get(
    "/experiments/{experiment_id}",
    summary="One experiment (by id or name)",
    dependencies=[Depends(require("read"))],
)
async def get_experiment(request: Request, experiment_id: str) -> dict[str, Any]:
    found = await run_in_threadpool(request.app.state.services.experiments.get, experiment_id)
    return found.to_dict()


@router.delete(
    "/experiments/{experiment_id}",
    summary="Delete a draft or stopped experiment",
    status_code=204,
    dependencies=[Depends(require("admin"))],
)
async def delete_experiment(request: Request, experiment_id: str) -> Response:
    await run_in_threadpool(request.app.state.services.experiments.delete, experiment_id)
    return Response(status_code=204)


@router.post(
    "/experiments/{experiment_id}/start",
    summary="Start assigning users",
    dependencies=[Depends(require("admin"))],
)
async def start_experiment(request: Request, experiment_id: str) -> dict[str, Any]:
    started = await run_in_threadpool(request.app.state.services.experiments.start, experiment_id)
    return started.to_dict()


@router.post(
    "/experiments/{experiment_id}/stop",
    summary="Stop assigning users (results stay)",
    dependencies=[Depends(require("admin"))],
)
async def stop_experiment(request: Request, experiment_id: str) -> dict[str, Any]:
    stopped = await run_in_threadpool(request.app.state.services.experiments.stop, experiment_id)
    return stopped.to_dict()


@router.post(
    "/experiments/{experiment_id}/assign",
    openapi_extra=json_body(AssignBody),
    summary="The variant a user gets, and its configuration",
    description=(
        'Body: {"user_id", "attributes"?: {...}, "log_exposure"?: true}. The same user always '
        "gets the same variant; the first assignment is logged as an exposure."
    ),
    dependencies=[Depends(require("ingest"))],
)
async def assign(request: Request, experiment_id: str) -> dict[str, Any]:
    body = await read_model(request, AssignBody)
    return await run_in_threadpool(
        lambda: request.app.state.services.experiments.assign(
            experiment_id,
            body.user_id,
            attributes=body.attributes,
            log_exposure=body.log_exposure,
        )
    )


@router.get(
    "/experiments/{experiment_id}/results",
    summary="Metrics per variant, lifts with intervals, chance to beat control, SRM check",
    dependencies=[Depends(require("read"))],
)
async def results(
    request: Request,
    experiment_id: str,
    sequential: bool | None = None,
    cuped: bool = True,
) -> dict[str, Any]:
    return await run_in_threadpool(
        lambda: request.app.state.services.experiments.results(
            experiment_id, sequential=sequential, cuped=cuped
        )
    )


@router.get(
    "/experiments/{experiment_id}/timeline",
    summary="The lift and its interval at the end of each day",
    dependencies=[Depends(require("read"))],
)
async def timeline(
    request: Request, experiment_id: str, metric: str | None = None
) -> dict[str, Any]:
    return await run_in_threadpool(
        request.app.state.services.experiments.timeline, experiment_id, metric
    )


@router.post(
    "/experiments/{experiment_id}/allocation",
    summary="Re-allocate a running bandit's traffic now (Thompson sampling)",
    dependencies=[Depends(require("admin"))],
)
async def reallocate(request: Request, experiment_id: str) -> dict[str, Any]:
    weights = await run_in_threadpool(
        request.app.state.services.experiments.update_bandit, experiment_id
    )
    return {"experiment": experiment_id, "weights": weights}


@router.get(
    "/metrics/daily",
    summary="UX metrics per day (CTR, conversion, revenue per user, ...), per segment",
    dependencies=[Depends(require("read"))],
)
async def daily_metrics(
    request: Request,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    segment: Annotated[str | None, Query(max_length=64, pattern=r"^\w+$")] = None,
) -> dict[str, Any]:
    return await run_in_threadpool(
        lambda: request.app.state.services.experiments.daily_metrics(days=days, segment=segment)
    )
