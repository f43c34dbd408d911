"""Event ingestion: validate, pseudonymize, redact, store idempotently.

The same path serves the HTTP API, the Python client (through the API), file
imports and the demo, so every event gets the same checks and privacy steps.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from uxlift.events.schema import EventIn
from uxlift.events.validation import Limits, RowError, validate_events
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.privacy.redact import Redactor
from uxlift.store import Store
from uxlift.store.events import EVENT_ARROW_SCHEMA, event_key, store_event_batch

log = logging.getLogger(__name__)

StoredListener = Callable[[pa.Table], None]
Digest = Callable[[bytes], str]


@dataclass(frozen=True)
class IngestResult:
    received: int
    accepted: int
    stored: int
    errors: list[RowError] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return self.accepted - self.stored

    @property
    def rejected(self) -> int:
        return self.received - self.accepted

    def to_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "errors": [e.to_dict() for e in self.errors],
        }


def default_event_id(event: EventIn, digest: Digest) -> str:
    """A client that sends no event_id still gets idempotent retries when it sends a
    timestamp: the id is then a keyed digest of the event's content (keyed, because
    the content holds the raw user id). Without a timestamp the event is new by
    definition and gets a random id."""
    if event.timestamp is None:
        return random_event_id()
    return content_event_id(event.model_dump(mode="json", exclude={"event_id"}), digest)


def random_event_id() -> str:
    """A fresh id for an event that cannot be recognised when re-sent."""
    return "g_" + uuid.uuid4().hex


def content_event_id(content: dict[str, Any], digest: Digest) -> str:
    """The keyed digest id of an event's JSON content (every field but event_id).

    Shared by the per-row path and the columnar import, so both give one id.
    """
    return "h_" + digest(orjson.dumps(content, option=orjson.OPT_SORT_KEYS))[:32]


class EventIngestor:
    """Turns raw rows into stored, privacy-safe events."""

    def __init__(
        self,
        store: Store,
        pseudonymizer: Pseudonymizer,
        redactor: Redactor,
        limits: Limits,
    ) -> None:
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.redactor = redactor
        self.limits = limits
        self._listeners: list[StoredListener] = []

    def add_listener(self, listener: StoredListener) -> None:
        """Call ``listener`` with each stored batch (e.g. live user state, metrics)."""
        self._listeners.append(listener)

    def ingest(self, rows: Sequence[Any], *, start_index: int = 0) -> IngestResult:
        checked = validate_events(rows, self.limits, start_index=start_index)
        stored = self.store_events(checked.rows)
        return IngestResult(len(rows), len(checked.rows), stored, checked.errors)

    def store_events(self, events: Sequence[EventIn]) -> int:
        """Privacy-transform and durably store validated events; returns rows new to the log."""
        if not events:
            return 0
        return self.store_table(self.to_arrow(events))

    def store_table(self, batch: pa.Table, *, maintain_users: bool = True) -> int:
        """Durably store a batch already in storage form (one transaction); tell listeners.

        Bulk loads pass ``maintain_users=False`` and refresh the users table once.
        """
        if batch.num_rows == 0:
            return 0
        stored = store_event_batch(self.store, batch, maintain_users=maintain_users)
        for listener in self._listeners:
            try:
                listener(batch)
            except Exception:  # a listener must never lose an acknowledged write
                log.exception("event listener failed")
        return stored

    def to_arrow(self, events: Sequence[EventIn]) -> pa.Table:
        received = datetime.now(UTC).replace(tzinfo=None)
        digest = self.pseudonymizer.content_digest
        ids = [e.event_id or default_event_id(e, digest) for e in events]
        columns = {
            "event_key": pa.array([event_key(i) for i in ids], pa.uint64()),
            "event_id": pa.array(ids, pa.string()),
            "user_key": pa.array(self.pseudonymizer.user_keys([e.user_id for e in events])),
            "item_id": pa.array([e.item_id for e in events], pa.string()),
            "type": pa.array([e.type for e in events], pa.string()),
            "value": pa.array([e.value for e in events], pa.float64()),
            "text": pa.array([self.redact_text(e.text) for e in events], pa.string()),
            "session_id": pa.array([e.session_id for e in events], pa.string()),
            "ts": pa.array(
                [e.timestamp.replace(tzinfo=None) if e.timestamp else received for e in events],
                pa.timestamp("us"),
            ),
            "properties": pa.array(
                [self.properties_json(e.properties) for e in events], pa.string()
            ),
            "received_at": pa.array([received] * len(events), pa.timestamp("us")),
        }
        return pa.table(columns, schema=EVENT_ARROW_SCHEMA)

    def redact_text(self, text: str | None) -> str | None:
        """Text as stored: with personal data replaced by placeholders."""
        return None if text is None else self.redactor.redact(text)

    def properties_json(self, properties: dict[str, Any] | None) -> str | None:
        """Properties as stored: JSON text with every string value redacted."""
        if not properties:
            return None
        return orjson.dumps(redact_values(properties, self.redactor.redact)).decode()


MIN_PII_DIGITS = 7


def redact_values(value: Any, redact: Callable[[str], str]) -> Any:
    """Redact every string inside a JSON-like value, keys included; long integers
    (a phone or card number sent as a number) become a placeholder when they are PII."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): redact_values(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_values(v, redact) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MIN_PII_DIGITS:
        as_text = str(value)
        cleaned = redact(as_text)
        return value if cleaned == as_text else cleaned
    return value
