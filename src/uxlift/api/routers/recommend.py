"""Recommendations over HTTP: per user, for an item, or from a context or a query."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from uxlift.api.auth import require
from uxlift.api.body import read_model
from uxlift.api.openapi import json_body
from uxlift.experiments.definition import audience_attributes
from uxlift.predict.event_log import KIND
from uxlift.recommend.request import MAX_N, MAX_PAGE, parse_attributes
from uxlift.recommend.request import Request as RecommendationRequest

TYPES = "|".join(sorted(KIND))
ATTRIBUTE = r"[^:,]{1,64}:[^,]{1,256}"  # a name, a colon, a value

router = APIRouter(prefix="/v1", tags=["recommend"])


class Boost(BaseModel):
    field: str = Field(pattern="^(item_id|category|brand)$")
    value: str = Field(min_length=1, max_length=256)
    factor: float = Field(gt=0, le=100)


class RecommendBody(BaseModel):
    user_id: str = Field(min_length=1, max_length=256)
    item_id: str | None = Field(default=None, min_length=1, max_length=256)
    query: str | None = Field(default=None, min_length=1, max_length=1_000)
    n: int = Field(default=10, ge=1, le=MAX_N)
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    list_id: str | None = Field(default=None, max_length=64)
    category: str | None = None
    price_min: float | None = Field(default=None, ge=0)
    price_max: float | None = Field(default=None, ge=0)
    exclude: list[Annotated[str, Field(json_schema_extra={"enum": sorted(KIND)})]] = Field(
        default_factory=lambda: ["purchase"], max_length=20
    )
    diversity: float = Field(default=0.0, ge=0, le=1)
    explain: bool = False
    boosts: list[Boost] = Field(default_factory=list, max_length=50)
    attributes: dict[str, str | int | float | bool] = Field(default_factory=dict, max_length=20)


def _json(result: dict) -> Response:
    return Response(orjson.dumps(result), media_type="application/json")


@router.get(
    "/users/{user_id}/recommendations",
    summary="A user's recommendations, with reasons",
    description=(
        "Ranked for this user now: the event just sent counts. `exclude` lists event types "
        "whose items are left out (default: purchase). Page through one list with `page` "
        "and the `list_id` of page 1. Every item shown is logged as an `exposure` event. "
        "`attributes` (e.g. `platform:ios,country:DE`) are matched against the audience "
        "filters of running experiments."
    ),
    dependencies=[Depends(require("read"))],
    response_class=Response,
)
async def user_recommendations(
    request: Request,
    user_id: str,
    n: Annotated[int, Query(ge=1, le=MAX_N)] = 10,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    list_id: Annotated[str | None, Query(max_length=64)] = None,
    category: str | None = None,
    price_min: Annotated[float | None, Query(ge=0)] = None,
    price_max: Annotated[float | None, Query(ge=0)] = None,
    exclude: Annotated[
        str,
        Query(
            description="comma-separated event types",
            json_schema_extra={"pattern": f"^({TYPES})?(,({TYPES}))*$"},
        ),
    ] = "purchase",
    diversity: Annotated[float, Query(ge=0, le=1)] = 0.0,
    explain: bool = False,
    log_exposure: Annotated[
        bool, Query(description="false for previews that no user sees (no exposure events)")
    ] = True,
    attributes: Annotated[
        str,
        Query(
            max_length=2_000,
            description="audience attributes: key:value,key:value",
            json_schema_extra={"pattern": f"^({ATTRIBUTE})?(,{ATTRIBUTE})*$"},
        ),
    ] = "",
) -> Response:
    services = request.app.state.services
    wanted = RecommendationRequest(
        log_exposure=log_exposure, attributes=parse_attributes(attributes),
        n=n, page=page, list_id=list_id, category=category, price_min=price_min,
        price_max=price_max, exclude=tuple(k for k in exclude.split(",") if k),
        diversity=diversity, explain=explain,
    )  # fmt: skip
    result = await run_in_threadpool(services.recommendations.recommend, user_id, wanted)
    return _json(result)


@router.post(
    "/recommendations",
    openapi_extra=json_body(RecommendBody),
    summary="Recommendations in a context: the item on screen, or a free-text wish",
    description=(
        'Body: {"user_id": ..., "item_id": (the item being looked at), "query": '
        '"something like ...", "n", "page", "list_id", "category", "price_min", "price_max", '
        '"exclude": [...], "diversity": 0-1, "explain", "boosts": [{"field": "category", '
        '"value": "Shoes", "factor": 1.5}], "attributes": {"platform": "ios"} (matched '
        "against the audience filters of running experiments)}."
    ),
    dependencies=[Depends(require("read"))],
    response_class=Response,
)
async def contextual_recommendations(request: Request) -> Response:
    services = request.app.state.services
    body = await read_model(request, RecommendBody)
    wanted = RecommendationRequest(
        n=body.n, page=body.page, list_id=body.list_id, category=body.category,
        price_min=body.price_min, price_max=body.price_max, exclude=tuple(body.exclude),
        diversity=body.diversity, explain=body.explain,
        boosts=tuple((b.field, b.value, b.factor) for b in body.boosts),
        attributes=audience_attributes(body.attributes),
    )  # fmt: skip
    query = None
    if body.query is not None:
        vectors = await run_in_threadpool(services.query_encoder.encode, [body.query])
        query = (body.query, vectors[0])
    result = await run_in_threadpool(
        lambda: services.recommendations.recommend(
            body.user_id,
            wanted,
            context_item_ids=() if body.item_id is None else (body.item_id,),
            query=query,
        )
    )
    return _json(result)


@router.get(
    "/items/{item_id}/similar",
    summary="Items like this one: bought or viewed together, or described alike",
    dependencies=[Depends(require("read"))],
    response_class=Response,
)
async def similar_items(
    request: Request,
    item_id: str,
    n: Annotated[int, Query(ge=1, le=MAX_N)] = 10,
    category: str | None = None,
) -> Response:
    services = request.app.state.services
    result = await run_in_threadpool(
        services.recommendations.similar, item_id, n=n, category=category
    )
    return _json(result)
