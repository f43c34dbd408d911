"""POST /v1/events: batched, validated, idempotent ingestion."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from uxlift.api.auth import require
from uxlift.api.body import read_batch
from uxlift.api.openapi import batch_body
from uxlift.errors import InvalidInput
from uxlift.events.schema import EventIn

router = APIRouter(prefix="/v1", tags=["events"])


class RowErrorOut(BaseModel):
    index: int
    field: str
    reason: str


class IngestOut(BaseModel):
    received: int
    accepted: int
    stored: int
    duplicates: int
    rejected: int
    errors: list[RowErrorOut]


@router.post(
    "/events",
    openapi_extra=batch_body(EventIn, "events"),
    response_model=IngestOut,
    summary="Send a batch of events",
    description=(
        'Body: a JSON array of events, or {"events": [...]}. Valid rows are stored; '
        "invalid rows are reported as {index, field, reason}. Re-sending an event_id "
        "stores nothing new. When no row is valid the answer is 422."
    ),
    dependencies=[Depends(require("ingest"))],
)
async def post_events(request: Request) -> dict[str, Any]:
    services = request.app.state.services
    rows = await read_batch(request, "events", max_rows=services.settings.max_batch_events)
    result = await run_in_threadpool(services.events.ingest, rows)
    counter = request.app.state.metrics.events
    counter.labels("stored").inc(result.stored)
    counter.labels("duplicate").inc(result.duplicates)
    counter.labels("rejected").inc(result.rejected)
    body = result.to_dict()
    if rows and result.accepted == 0:
        raise InvalidInput("no event in the batch is valid", details=body["errors"])
    return body
