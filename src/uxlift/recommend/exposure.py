"""Every served list goes back into the event log as ``exposure`` events.

Each shown item becomes one event with the list id, page and position, so CTR
per position and experiment lifts can be measured from the same log. Event
ids derive from (list, position): a retried write stores nothing twice. Writes
happen on a background thread so a request never waits for the store; lists
that queue up meanwhile are merged into one write. A flush (tests, shutdown)
waits for what is queued.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

log = logging.getLogger(__name__)
SURFACE = "recommendations"
_MERGE_LISTS = 500  # lists merged into one write when requests outpace the store


class ExposureLog:
    def __init__(self, ingestor: Any) -> None:
        self.ingestor = ingestor
        self._queue: queue.Queue[list[dict] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="exposures", daemon=True)
        self._worker.start()

    def log(self, user_id: str, list_id: str, page: int, shown: list[dict], moment: float) -> None:
        self._queue.put([
            {
                "event_id": f"exposure-{list_id}-{entry['position']}",
                "user_id": user_id,
                "item_id": entry["item_id"],
                "type": "exposure",
                "timestamp": moment,
                "properties": {"list_id": list_id, "page": page,
                               "position": entry["position"], "surface": SURFACE},
            }
            for entry in shown
        ])  # fmt: skip

    def _run(self) -> None:
        while True:
            batches = [self._queue.get()]
            while len(batches) < _MERGE_LISTS:  # merge what queued up: one write for many
                try:
                    batches.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            rows = [row for batch in batches if batch is not None for row in batch]
            try:
                if rows:
                    result = self.ingestor.ingest(rows)
                    if result.errors:
                        log.warning("exposure events refused: %s", result.errors[:3])
            except Exception:
                log.exception("storing exposure events failed")
            finally:
                for _ in batches:
                    self._queue.task_done()
            if any(batch is None for batch in batches):
                return

    def flush(self) -> None:
        """Wait until every queued exposure is stored."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=10)
