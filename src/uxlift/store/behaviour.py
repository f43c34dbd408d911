"""Reads for behaviour models: the event log in time order, and the catalog's fields."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

_EVENT_COLUMNS = (
    "SELECT event_key, user_key, item_id, type, epoch_us(ts) AS ts_us, session_id, value, "
    "CASE WHEN type = 'search' THEN text END AS text FROM events"
)


def event_log_table(
    cur: duckdb.DuckDBPyConnection,
    *,
    until: datetime | None = None,
    received_before: datetime | None = None,
) -> pa.Table:
    """Every event in time order; optionally only those that happened before ``until``
    or were stored before ``received_before`` (both naive UTC)."""
    conditions, params = [], []
    if until is not None:
        conditions.append("ts < ?")
        params.append(until)
    if received_before is not None:
        conditions.append("received_at < ?")
        params.append(received_before)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return cur.sql(
        f"{_EVENT_COLUMNS} {where} ORDER BY ts, event_key", params=params
    ).to_arrow_table()


def as_log_rows(stored: pa.Table) -> pa.Table:
    """Rows as the events table stores them, in the shape :func:`event_log_table`
    returns (what in-memory logs append without reading the store back)."""
    search = pc.equal(stored.column("type"), "search")
    return pa.table({
        "event_key": stored.column("event_key"),
        "user_key": stored.column("user_key"),
        "item_id": stored.column("item_id"),
        "type": stored.column("type"),
        "ts_us": stored.column("ts").cast(pa.int64()),
        "session_id": stored.column("session_id"),
        "value": stored.column("value"),
        "text": pc.if_else(search, stored.column("text"), pa.scalar(None, pa.string())),
    })  # fmt: skip


def user_event_table(
    cur: duckdb.DuckDBPyConnection, user_key: str, *, received_since: datetime | None = None
) -> pa.Table:
    """One user's events in time order (what a live prediction reads); with
    ``received_since`` only those stored since then (zone maps skip older row groups)."""
    if received_since is None:
        where, params = "WHERE user_key = ?", [user_key]
    else:
        where, params = "WHERE received_at >= ? AND user_key = ?", [received_since, user_key]
    return cur.sql(
        f"{_EVENT_COLUMNS} {where} ORDER BY ts, event_key", params=params
    ).to_arrow_table()


def catalog_table(cur: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every item's id, text fields, brand, price and launch time, by item id."""
    return cur.sql(
        "SELECT item_id, title, category, tags, description, "
        "json_extract_string(attributes, '$.brand') AS brand, CAST(attributes AS VARCHAR) "
        "AS attributes, price, "
        "epoch_us(created_at) AS created_us FROM items ORDER BY item_id"
    ).to_arrow_table()


def event_time_range(cur: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """(number of events, first and last epoch microseconds; 0 when empty)."""
    row = cur.execute(
        "SELECT count(*), coalesce(epoch_us(min(ts)), 0), coalesce(epoch_us(max(ts)), 0) "
        "FROM events"
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)
