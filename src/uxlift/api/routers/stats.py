"""Aggregates for the dashboard's Overview page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from uxlift.api.auth import require
from uxlift.store import stats
from uxlift.store.database import utcnow

router = APIRouter(prefix="/v1/stats", tags=["dashboard"])


@router.get(
    "/overview",
    summary="Events per day by type, active users, top items",
    dependencies=[Depends(require("read"))],
)
def overview(request: Request, days: int = Query(60, ge=1, le=3650)) -> dict[str, Any]:
    cur = request.app.state.services.store.cursor()
    totals = stats.totals(cur)
    last = totals["last_event_at"]
    end = min(utcnow(), datetime.fromisoformat(last)) if last else utcnow()
    # whole days: the last one (holding the last event) and the days - 1 before it
    since = end.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    return {
        "totals": totals,
        "since": since.isoformat(),
        "events_per_day": stats.events_per_day(cur, since),
        "active_users_per_day": stats.active_users_per_day(cur, since),
        "top_items": stats.top_items(cur, since),
    }
