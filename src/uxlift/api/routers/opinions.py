"""Opinion monitoring: texts in, trends, drill-down, topics, alerts (with a live
stream) and webhooks.

Scopes: ``ingest`` sends texts; ``read`` reads texts, trends and alerts;
``admin`` manages topics and webhooks, runs scans and acknowledges or
resolves alerts.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from uxlift.api.auth import require
from uxlift.api.body import read_batch, read_json, read_model
from uxlift.api.documented_bodies import TopicBody
from uxlift.api.openapi import EVENT_STREAM_ANSWER, batch_body, json_body
from uxlift.api.paging import MAX_OFFSET
from uxlift.api.routers.assist import event_stream, sse
from uxlift.errors import InvalidInput
from uxlift.events.schema import parse_timestamp
from uxlift.monitor.texts import TextIn

router = APIRouter(prefix="/v1", tags=["opinions"])
MOMENT = "RFC 3339 with an offset (2026-05-01T12:00:00Z) or epoch seconds"
HEARTBEAT_S = 15.0


def _moment(value: str | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_timestamp(value).replace(tzinfo=None)
    except ValueError as exc:
        raise InvalidInput(
            f"{field}: {exc}", details=[{"field": field, "reason": str(exc)}]
        ) from None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=2000)


class NewWebhook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=8, max_length=2000, json_schema_extra={"format": "uri", "pattern": "^https?://"}
    )
    description: str | None = Field(default=None, max_length=500)
    max_attempts: int | None = Field(default=None, ge=1, le=50)


@router.post(
    "/texts",
    openapi_extra=batch_body(TextIn, "texts"),
    summary="Send texts to monitor",
    description=(
        'Body: a JSON array of texts, or {"texts": [...]}; each has source and text, '
        "optionally text_id, channel, timestamp, language, user_id, metadata. Texts are "
        "redacted, labelled (sentiment, topics) and stored; invalid rows come back as "
        "{index, field, reason}; a re-sent text_id stores nothing new."
    ),
    dependencies=[Depends(require("ingest"))],
)
async def post_texts(request: Request) -> dict[str, Any]:
    services = request.app.state.services
    rows = await read_batch(request, "texts", max_rows=services.settings.max_batch_events)
    result = await run_in_threadpool(services.opinions.ingest, rows)
    body = result.to_dict()
    if rows and body["accepted"] == 0:
        raise InvalidInput("no text in the batch is valid", details=body["errors"])
    return body


@router.get("/texts", summary="Find texts", dependencies=[Depends(require("read"))])
async def get_texts(
    request: Request,
    topic: str | None = None,
    source: str | None = None,
    sentiment: Annotated[str | None, Query(pattern="^(negative|neutral|positive)$")] = None,
    start: Annotated[str | None, Query(description=MOMENT)] = None,
    end: Annotated[str | None, Query(description=MOMENT)] = None,
    order: Annotated[str, Query(pattern="^(newest|most_negative)$")] = "newest",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    texts, total = await run_in_threadpool(
        request.app.state.services.opinions.texts,
        topic=topic, source=source, sentiment=sentiment, start=_moment(start, "start"),
        end=_moment(end, "end"), limit=limit, offset=offset, order=order,
    )  # fmt: skip
    return {"total": total, "texts": [t.to_dict() for t in texts]}


@router.get(
    "/opinions/trend",
    summary="Volume, negative share and mean score per window, with alerts",
    dependencies=[Depends(require("read"))],
)
async def get_trend(
    request: Request,
    topic: str = "*",
    source: str = "*",
    granularity: Annotated[str, Query(pattern="^(hour|day)$")] = "hour",
    start: Annotated[str | None, Query(description=MOMENT)] = None,
    end: Annotated[str | None, Query(description=MOMENT)] = None,
) -> dict[str, Any]:
    return await run_in_threadpool(
        request.app.state.services.opinions.trend,
        topic=topic, source=source, granularity=granularity,
        start=_moment(start, "start"), end=_moment(end, "end"),
    )  # fmt: skip


@router.get(
    "/opinions/window",
    summary="One window in detail: keywords and most negative texts",
    dependencies=[Depends(require("read"))],
)
async def get_window(
    request: Request,
    start: Annotated[str, Query(description=MOMENT)],
    topic: str = "*",
    source: str = "*",
    granularity: Annotated[str, Query(pattern="^(hour|day)$")] = "hour",
) -> dict[str, Any]:
    moment = _moment(start, "start")
    assert moment is not None
    return await run_in_threadpool(
        request.app.state.services.opinions.window,
        topic=topic, source=source, granularity=granularity, start=moment,
    )  # fmt: skip


@router.get(
    "/opinions/series",
    summary="Every topic x source with texts",
    dependencies=[Depends(require("read"))],
)
async def get_series(request: Request) -> dict[str, Any]:
    opinions = request.app.state.services.opinions
    return {"series": await run_in_threadpool(opinions.series)}


@router.get("/topics", summary="Topics followed", dependencies=[Depends(require("read"))])
async def get_topics(request: Request) -> dict[str, Any]:
    return {"topics": await run_in_threadpool(request.app.state.services.opinions.topics)}


@router.put(
    "/topics/{name}",
    openapi_extra=json_body(TopicBody),
    summary="Create or replace a topic (stored texts are relabelled)",
    dependencies=[Depends(require("admin"))],
)
async def put_topic(request: Request, name: str) -> dict[str, Any]:
    payload = await read_json(request)
    if not isinstance(payload, dict):
        raise InvalidInput("body must be a JSON object", details=[{"field": "<body>"}])
    payload = {**payload, "name": name}
    return await run_in_threadpool(request.app.state.services.opinions.put_topic, payload)


class Discovery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=5_000, ge=20, le=50_000)
    min_topic_size: int = Field(default=10, ge=2, le=1_000)
    keep: bool = False


@router.post(
    "/topics/discover",
    openapi_extra=json_body(Discovery, required=False),
    summary="Find topics in the stored texts (BERTopic); keep=true saves them",
    dependencies=[Depends(require("admin"))],
)
async def discover_topics(request: Request) -> dict[str, Any]:
    body = await read_model(request, Discovery) if await request.body() else Discovery()
    found = await run_in_threadpool(
        request.app.state.services.opinions.discover_topics,
        limit=body.limit, min_topic_size=body.min_topic_size, keep=body.keep,
    )  # fmt: skip
    return {"topics": found}


@router.delete(
    "/topics/{name}", status_code=204, summary="Stop following a topic",
    dependencies=[Depends(require("admin"))],
)  # fmt: skip
async def delete_topic(request: Request, name: str) -> None:
    await run_in_threadpool(request.app.state.services.opinions.delete_topic, name)


@router.post(
    "/monitor/scan",
    summary="Run the surge detectors now",
    dependencies=[Depends(require("admin"))],
)
async def post_scan(
    request: Request, granularity: Annotated[str, Query(pattern="^(hour|day)$")] = "hour"
) -> dict[str, Any]:
    alerts = await run_in_threadpool(
        request.app.state.services.opinions.scan, granularity=granularity
    )
    return {"new_alerts": [a.to_dict() for a in alerts]}


@router.get("/alerts", summary="Alerts, newest first", dependencies=[Depends(require("read"))])
async def get_alerts(
    request: Request,
    status: Annotated[str | None, Query(pattern="^(open|acknowledged|resolved)$")] = None,
    topic: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    alerts = await run_in_threadpool(
        request.app.state.services.opinions.alerts, status=status, topic=topic, limit=limit
    )
    return {"alerts": [a.to_dict() for a in alerts]}


@router.get(
    "/alerts/stream",
    responses=EVENT_STREAM_ANSWER,
    summary="New alerts and status changes as server-sent events",
    dependencies=[Depends(require("read"))],
)
async def stream_alerts(request: Request) -> StreamingResponse:
    stream = request.app.state.services.opinions.stream
    subscription = stream.subscribe()

    async def events() -> AsyncIterator[bytes]:
        try:
            yield sse("ready", {})
            waited = 0.0
            while not await request.is_disconnected():
                try:
                    item = subscription.get_nowait()
                except queue.Empty:
                    await asyncio.sleep(0.2)
                    waited += 0.2
                    if waited >= HEARTBEAT_S:
                        waited = 0.0
                        yield b": keep-alive\n\n"
                    continue
                yield sse(item["type"], item["alert"])
        finally:
            stream.unsubscribe(subscription)

    return event_stream(events())


@router.get(
    "/alerts/{alert_id}",
    summary="One alert with its texts and deliveries",
    dependencies=[Depends(require("read"))],
)
async def get_alert(request: Request, alert_id: str) -> dict[str, Any]:
    return await run_in_threadpool(request.app.state.services.opinions.alert, alert_id)


async def _change(request: Request, alert_id: str, status: str) -> dict[str, Any]:
    body = await read_model(request, StatusChange) if await request.body() else StatusChange()
    alert = await run_in_threadpool(
        request.app.state.services.opinions.set_status,
        alert_id, status, actor=request.state.actor, note=body.note,
    )  # fmt: skip
    return alert.to_dict()


@router.post(
    "/alerts/{alert_id}/acknowledge",
    openapi_extra=json_body(StatusChange, required=False),
    summary="Acknowledge an alert",
    dependencies=[Depends(require("admin"))],
)
async def acknowledge_alert(request: Request, alert_id: str) -> dict[str, Any]:
    return await _change(request, alert_id, "acknowledged")


@router.post(
    "/alerts/{alert_id}/resolve",
    openapi_extra=json_body(StatusChange, required=False),
    summary="Resolve an alert",
    dependencies=[Depends(require("admin"))],
)
async def resolve_alert(request: Request, alert_id: str) -> dict[str, Any]:
    return await _change(request, alert_id, "resolved")


@router.post(
    "/webhooks",
    openapi_extra=json_body(NewWebhook),
    status_code=201,
    summary="Deliver alerts to a URL (the answer holds the signing secret)",
    dependencies=[Depends(require("admin"))],
)
async def create_webhook(request: Request) -> dict[str, Any]:
    body = await read_model(request, NewWebhook)
    hook, secret = await run_in_threadpool(
        request.app.state.services.opinions.webhooks.create,
        body.url, description=body.description, max_attempts=body.max_attempts,
    )  # fmt: skip
    return {**hook.to_dict(), "secret": secret}


@router.get("/webhooks", summary="Webhooks", dependencies=[Depends(require("admin"))])
async def list_webhooks(request: Request) -> dict[str, Any]:
    hooks = await run_in_threadpool(request.app.state.services.opinions.webhooks.list)
    return {"webhooks": [h.to_dict() for h in hooks]}


@router.delete(
    "/webhooks/{webhook_id}", status_code=204, summary="Stop delivering to a webhook",
    dependencies=[Depends(require("admin"))],
)  # fmt: skip
async def delete_webhook(request: Request, webhook_id: str) -> None:
    await run_in_threadpool(request.app.state.services.opinions.webhooks.delete, webhook_id)


@router.get(
    "/webhooks/deliveries",
    summary="Deliveries; status=dead lists the dead letters",
    dependencies=[Depends(require("admin"))],
)
async def list_deliveries(
    request: Request,
    status: Annotated[str | None, Query(pattern="^(pending|delivered|dead)$")] = None,
    alert_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    found = await run_in_threadpool(
        request.app.state.services.opinions.webhooks.deliveries,
        status=status, alert_id=alert_id, limit=limit,
    )  # fmt: skip
    return {"deliveries": [d.to_dict() for d in found]}


@router.post(
    "/webhooks/deliveries/{delivery_id}/retry",
    summary="Give a dead delivery a fresh set of attempts",
    dependencies=[Depends(require("admin"))],
)
async def retry_delivery(request: Request, delivery_id: str) -> dict[str, Any]:
    await run_in_threadpool(request.app.state.services.opinions.webhooks.requeue, delivery_id)
    return {"delivery_id": delivery_id, "status": "pending"}
