"""Every served list goes back into the event log as ``exposure`` events.

Each shown item becomes one event with the list id, page and position, so CTR
per position and experiment lifts can be measured from the same log. Event
ids derive from (list, position): a retried write stores nothing twice. Writes
happen on a background thread so a request never waits for the store, and
lists served within a quarter of a second go into one write (a write costs
about the same for ten rows or a thousand). A flush (tests, shutdown) waits
for what is queued.

A request only queues what it showed; the writer builds the rows column by
column. Every value is the server's own (list ids, positions, catalog item ids),
so no client text reaches these rows and there is nothing to redact; the user
id is pseudonymized like any other.

The same writer stores experiment exposures: the first time a user is given a
variant, one ``exposure`` event without an item (see :class:`Assignment`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from uxlift.events.columnar_build import event_keys
from uxlift.store.events import EVENT_ARROW_SCHEMA

log = logging.getLogger(__name__)
SURFACE = "recommendations"
WRITE_INTERVAL_S = 0.25  # exposures reach the log within about this long
_MAX_ROWS = 10_000


@dataclass(frozen=True)
class Assignment:
    """A user's first exposure to an experiment: which variant they were given."""

    user_key: str
    experiment_id: str
    variant: str
    moment: float


@dataclass(frozen=True)
class ShownList:
    """One page as a user saw it."""

    user_id: str
    list_id: str
    page: int
    items: tuple[tuple[str, int], ...]  # (item id, position)
    moment: float


def exposure_table(shown: list[ShownList], user_keys: list[str], received: datetime) -> pa.Table:
    """Exposure events in storage form: one row per shown item (``user_keys`` aligned
    with ``shown``)."""
    ids, users, items, times, properties = [], [], [], [], []
    for entry, user_key in zip(shown, user_keys, strict=True):
        when = datetime.fromtimestamp(entry.moment, UTC).replace(tzinfo=None)
        for item_id, position in entry.items:
            ids.append(f"exposure-{entry.list_id}-{position}")
            users.append(user_key)
            items.append(item_id)
            times.append(when)
            properties.append(
                orjson.dumps({"list_id": entry.list_id, "page": entry.page,
                              "position": position, "surface": SURFACE}).decode()
            )  # fmt: skip
    n = len(ids)
    id_array = pa.array(ids, pa.string())
    columns = {
        "event_key": event_keys(id_array),
        "event_id": id_array,
        "user_key": pa.array(users, pa.string()),
        "item_id": pa.array(items, pa.string()),
        "type": pa.array(["exposure"] * n, pa.string()),
        "value": pa.nulls(n, pa.float64()),
        "text": pa.nulls(n, pa.string()),
        "session_id": pa.nulls(n, pa.string()),
        "ts": pa.array(times, pa.timestamp("us")),
        "properties": pa.array(properties, pa.string()),
        "received_at": pa.array([received] * n, pa.timestamp("us")),
    }
    return pa.table(columns, schema=EVENT_ARROW_SCHEMA)


def assignment_table(assigned: list[Assignment], received: datetime) -> pa.Table:
    """Experiment exposure events: no item, properties {experiment, variant}. The id
    derives from (experiment, user), so only a user's first exposure is stored."""
    n = len(assigned)
    id_array = pa.array([f"experiment-{a.experiment_id}-{a.user_key}" for a in assigned])
    columns = {
        "event_key": event_keys(id_array),
        "event_id": id_array,
        "user_key": pa.array([a.user_key for a in assigned], pa.string()),
        "item_id": pa.nulls(n, pa.string()),
        "type": pa.array(["exposure"] * n, pa.string()),
        "value": pa.nulls(n, pa.float64()),
        "text": pa.nulls(n, pa.string()),
        "session_id": pa.nulls(n, pa.string()),
        "ts": pa.array(
            [datetime.fromtimestamp(a.moment, UTC).replace(tzinfo=None) for a in assigned],
            pa.timestamp("us"),
        ),
        "properties": pa.array([_assignment_properties(a) for a in assigned], pa.string()),
        "received_at": pa.array([received] * n, pa.timestamp("us")),
    }
    return pa.table(columns, schema=EVENT_ARROW_SCHEMA)


def _assignment_properties(a: Assignment) -> str:
    return orjson.dumps(
        {"experiment": a.experiment_id, "variant": a.variant, "surface": "experiment"}
    ).decode()


class ExposureLog:
    def __init__(self, ingestor: Any) -> None:
        self.ingestor = ingestor
        self._queue: queue.Queue[ShownList | Assignment | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="exposures", daemon=True)
        self._worker.start()

    def log(self, user_id: str, list_id: str, page: int, shown: list[dict], moment: float) -> None:
        items = tuple((entry["item_id"], entry["position"]) for entry in shown)
        self._queue.put(ShownList(user_id, list_id, page, items, moment))

    def assigned(self, assignment: Assignment) -> None:
        """Queue an experiment exposure (stored once per user and experiment)."""
        self._queue.put(assignment)

    def _run(self) -> None:
        while True:
            batches = [self._queue.get()]
            deadline = time.monotonic() + WRITE_INTERVAL_S
            rows = _rows(batches[0])
            # A write costs about the same for 10 rows or 1,000: gather for a moment.
            while rows < _MAX_ROWS and batches[-1] is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 and self._queue.empty():
                    break
                try:
                    batch = self._queue.get(timeout=max(remaining, 0.0))
                except queue.Empty:
                    break
                batches.append(batch)
                rows += _rows(batch)
            self._write([batch for batch in batches if batch is not None])
            for _ in batches:
                self._queue.task_done()
            if batches[-1] is None:
                return

    def _write(self, batches: list[ShownList | Assignment]) -> None:
        shown = [b for b in batches if isinstance(b, ShownList)]
        assigned = [b for b in batches if isinstance(b, Assignment)]
        received = datetime.now(UTC).replace(tzinfo=None)
        try:
            if assigned:
                self.ingestor.store_table(assignment_table(assigned, received))
            if shown:
                keys = self.ingestor.pseudonymizer.user_keys([s.user_id for s in shown])
                self.ingestor.store_table(exposure_table(shown, keys, received))
        except Exception:
            log.exception("storing exposure events failed")

    def flush(self) -> None:
        """Wait until every queued exposure is stored."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=10)


def _rows(batch: ShownList | Assignment | None) -> int:
    if batch is None:
        return 0
    return len(batch.items) if isinstance(batch, ShownList) else 1
