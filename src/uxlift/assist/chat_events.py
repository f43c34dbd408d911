"""The assistant's rows in the shared event log, built in storage form.

The user key is already pseudonymized and the text already redacted (the
conversation service does both before anything is stored), so the rows go in
as they are; event ids derive from message ids, so a retried write stores
nothing twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from uxlift.events.columnar_build import event_keys
from uxlift.store.events import EVENT_ARROW_SCHEMA


def event_table(
    event_id: str,
    user_key: str,
    conversation_id: str,
    event_type: str,
    text: str | None,
    properties: dict[str, Any],
    value: float | None = None,
    at: datetime | None = None,
) -> pa.Table:
    """One event (the conversation is its session), at ``at`` (now by default)."""
    now = at or datetime.now(UTC).replace(tzinfo=None)
    ids = pa.array([event_id], pa.string())
    return pa.table(
        {
            "event_key": event_keys(ids),
            "event_id": ids,
            "user_key": pa.array([user_key], pa.string()),
            "item_id": pa.nulls(1, pa.string()),
            "type": pa.array([event_type], pa.string()),
            "value": pa.array([value], pa.float64()),
            "text": pa.array([text], pa.string()),
            "session_id": pa.array([conversation_id], pa.string()),
            "ts": pa.array([now], pa.timestamp("us")),
            "properties": pa.array([orjson.dumps(properties).decode()], pa.string()),
            "received_at": pa.array([now], pa.timestamp("us")),
        },
        schema=EVENT_ARROW_SCHEMA,
    )
