"""A task the server repeats on a background thread (surge scans, bandit updates)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PeriodicTask:
    """Runs ``task`` every ``every_s`` seconds while the server runs; a failure is
    logged and the next round retries, so serving goes on."""

    def __init__(self, task: Callable[[], object], *, every_s: float, name: str) -> None:
        self.task = task
        self.every_s = every_s
        self.name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"uxlift-{self.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.task()
            except Exception:
                log.exception("%s failed", self.name)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
