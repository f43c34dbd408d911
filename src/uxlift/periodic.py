"""A task the server repeats on a background thread (surge scans, bandit updates,
labelling the event log's reviews), every so often or at once when woken."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PeriodicTask:
    """Runs ``task`` every ``every_s`` seconds while the server runs, and soon after
    :meth:`wake` (wakes during a round coalesce into one more round); a failure is
    logged and the next round retries, so serving goes on.

    ``settle_s`` delays a woken round by that long, so the wakes of a burst (one per
    write) coalesce into one bigger round instead of many small ones.
    """

    def __init__(
        self, task: Callable[[], object], *, every_s: float, name: str, settle_s: float = 0.0
    ) -> None:
        self.task = task
        self.every_s = every_s
        self.settle_s = settle_s
        self.name = name
        self._stop = threading.Event()
        self._due = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"uxlift-{self.name}", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run the task now, or right after the round in progress."""
        self._due.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        while True:
            self._due.wait(self.every_s)
            if self._stop.is_set():
                return
            if self.settle_s > 0 and self._due.is_set() and self._stop.wait(self.settle_s):
                return
            self._due.clear()
            try:
                self.task()
            except Exception:
                log.exception("%s failed", self.name)

    def stop(self) -> None:
        self._stop.set()
        self._due.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
