"""Storage-form Arrow tables from rows the columnar checks accepted.

Each column is derived exactly as ``EventIngestor.to_arrow`` derives it from a
validated ``EventIn`` (same default ids, event keys, user keys, redaction,
timestamps and properties JSON), but per column instead of per object: user
ids are pseudonymized once per distinct id, and only present texts and
properties are redacted.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.events.columnar import CheckedBatch
from uxlift.events.ingest import Digest, EventIngestor, content_event_id, random_event_id
from uxlift.store.events import EVENT_ARROW_SCHEMA

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CONTENT_FIELDS = ("user_id", "item_id", "type", "value", "text", "session_id")


def build_events_table(
    checked: CheckedBatch, ingestor: EventIngestor, received: datetime
) -> pa.Table:
    """The storage table of accepted rows (``checked`` holds accepted rows only)."""
    cols = checked.columns
    n = len(cols["user_id"])
    ids = event_ids(checked, ingestor.pseudonymizer.content_digest)
    received_us = int((received.replace(tzinfo=UTC) - EPOCH) / timedelta(microseconds=1))
    stamp = pa.scalar(received_us, pa.int64())
    columns = {
        "event_key": event_keys(ids),
        "event_id": ids,
        "user_key": user_keys(cols["user_id"], ingestor),
        "item_id": cols["item_id"],
        "type": cols["type"],
        "value": cols["value"],
        "text": _map_present(cols["text"], ingestor.redact_text),
        "session_id": cols["session_id"],
        "ts": pc.coalesce(cols["timestamp"], stamp).cast(pa.timestamp("us")),
        "properties": pa.array(
            [ingestor.properties_json(p) for p in checked.properties], pa.string()
        ),
        "received_at": pa.repeat(pa.scalar(received_us, pa.int64()), n).cast(pa.timestamp("us")),
    }
    return pa.table(columns, schema=EVENT_ARROW_SCHEMA)


def event_keys(ids: pa.Array) -> pa.Array:
    """``event_key(id)`` of every id (blake2b-64, little endian), in one pass."""
    blake = hashlib.blake2b
    raw = b"".join([blake(i.encode(), digest_size=8).digest() for i in ids.to_pylist()])
    return pa.array(np.frombuffer(raw, dtype="<u8"), pa.uint64())


def user_keys(user_ids: pa.Array, ingestor: EventIngestor) -> pa.Array:
    """Pseudonymize each distinct user id once, then spread the keys over the rows."""
    distinct = pc.unique(user_ids)
    keys = pa.array(ingestor.pseudonymizer.user_keys(distinct.to_pylist()), pa.string())
    return pc.take(keys, pc.index_in(user_ids, value_set=distinct))


def _map_present(values: pa.Array, change: Any) -> pa.Array:
    """Apply ``change`` to the non-null strings only."""
    if values.null_count == len(values):
        return values
    return pa.array([None if v is None else change(v) for v in values.to_pylist()], pa.string())


def event_ids(checked: CheckedBatch, digest: Digest) -> pa.Array:
    """The given ids; where none was given, the id the per-row path would make."""
    given = checked.columns["event_id"]
    missing = np.flatnonzero(pc.is_null(given).to_numpy(zero_copy_only=False))
    if missing.size == 0:
        return given
    ids = given.to_pylist()
    rows = _content_rows(checked, missing)
    for index, content in zip(missing.tolist(), rows, strict=True):
        timed = content["timestamp"] is not None
        ids[index] = content_event_id(content, digest) if timed else random_event_id()
    return pa.array(ids, pa.string())


def _content_rows(checked: CheckedBatch, rows: np.ndarray) -> list[dict[str, Any]]:
    """``EventIn.model_dump(mode="json", exclude={"event_id"})`` of the given rows."""
    index = pa.array(rows, pa.int64())
    picked = {name: pc.take(checked.columns[name], index).to_pylist() for name in CONTENT_FIELDS}
    stamps = pc.take(checked.columns["timestamp"], index).to_pylist()
    found: list[dict[str, Any]] = []
    for i, row in enumerate(rows.tolist()):
        content = {name: picked[name][i] for name in CONTENT_FIELDS}
        content["timestamp"] = None if stamps[i] is None else json_time(stamps[i])
        content["properties"] = checked.properties[row]
        found.append(content)
    return found


def json_time(micros: int) -> str:
    """Epoch microseconds as pydantic writes an aware UTC datetime in JSON mode."""
    moment = EPOCH + timedelta(microseconds=micros)
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
