"""The catalog: upsert and read items."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from uxlift.api.auth import require
from uxlift.api.body import read_batch
from uxlift.api.openapi import batch_body
from uxlift.api.paging import MAX_OFFSET
from uxlift.errors import InvalidInput, NotFound
from uxlift.events.schema import ItemIn
from uxlift.store import items as item_rows

router = APIRouter(prefix="/v1/items", tags=["catalog"])


@router.post(
    "",
    openapi_extra=batch_body(ItemIn, "items"),
    summary="Upsert catalog items",
    description='Body: a JSON array of items, or {"items": [...]}. Invalid rows are reported.',
    dependencies=[Depends(require("ingest"))],
)
async def post_items(request: Request) -> dict[str, Any]:
    services = request.app.state.services
    rows = await read_batch(request, "items", max_rows=services.settings.max_batch_events)
    result = await run_in_threadpool(services.catalog.upsert, rows)
    body = result.to_dict()
    if rows and result.created + result.updated == 0:
        raise InvalidInput("no item in the batch is valid", details=body["errors"])
    return body


@router.get("", summary="List items", dependencies=[Depends(require("read"))])
def list_items(
    request: Request,
    category: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    cur = request.app.state.services.store.cursor()
    rows = item_rows.list_items(cur, category=category, limit=limit, offset=offset)
    return {"items": rows, "limit": limit, "offset": offset}


@router.get("/{item_id}", summary="One item", dependencies=[Depends(require("read"))])
def get_item(request: Request, item_id: str) -> dict[str, Any]:
    item = item_rows.get_item(request.app.state.services.store.cursor(), item_id)
    if item is None:
        raise NotFound(f"no item {item_id!r}")
    return item
