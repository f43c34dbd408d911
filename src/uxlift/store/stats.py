"""Aggregate queries for the dashboard's Overview page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb


def events_per_day(cur: duckdb.DuckDBPyConnection, since: datetime) -> list[dict[str, Any]]:
    rows = cur.execute(
        "SELECT CAST(date_trunc('day', ts) AS DATE) AS day, type, count(*) AS n FROM events "
        "WHERE ts >= ? GROUP BY ALL ORDER BY day, type",
        [since],
    ).fetchall()
    return [{"day": d.isoformat(), "type": t, "count": int(n)} for d, t, n in rows]


def active_users_per_day(cur: duckdb.DuckDBPyConnection, since: datetime) -> list[dict[str, Any]]:
    rows = cur.execute(
        "SELECT CAST(date_trunc('day', ts) AS DATE) AS day, count(DISTINCT user_key) FROM events "
        "WHERE ts >= ? GROUP BY ALL ORDER BY day",
        [since],
    ).fetchall()
    return [{"day": d.isoformat(), "users": int(n)} for d, n in rows]


def top_items(
    cur: duckdb.DuckDBPyConnection, since: datetime, *, limit: int = 10
) -> list[dict[str, Any]]:
    rows = cur.execute(
        """SELECT e.item_id, any_value(i.title) AS title, count(*) AS interactions,
                  count(*) FILTER (WHERE e.type = 'purchase') AS purchases
           FROM events e LEFT JOIN items i USING (item_id)
           WHERE e.ts >= ? AND e.item_id IS NOT NULL
           GROUP BY e.item_id ORDER BY interactions DESC, e.item_id LIMIT ?""",
        [since, limit],
    ).fetchall()
    return [
        {"item_id": i, "title": t, "interactions": int(n), "purchases": int(p)}
        for i, t, n, p in rows
    ]


def totals(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = cur.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM users), "
        "(SELECT count(*) FROM items), (SELECT max(ts) FROM events)"
    ).fetchone()
    events, users, items, last = row if row else (0, 0, 0, None)
    return {
        "events": int(events),
        "users": int(users),
        "items": int(items),
        "last_event_at": last.isoformat() if last else None,
    }
