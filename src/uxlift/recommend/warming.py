"""Ranking the lists of active users ahead of their requests.

A server that ranks a list only when it is asked pays for every user's first
request of the day at once, in a burst, when traffic arrives. The warmer ranks
the default list (with its first page) of the most recently active users in the
background instead: when the server starts, as soon as another model starts
serving, and every minute for lists about to go stale. Until its first pass is
done the server reports itself not ready (``GET /readyz``), so a load balancer
can hold traffic back meanwhile. It holds the interpreter for at most half of the time
(after each list it rests as long as the list took), so requests keep their
share. A user's own event still re-ranks their list on the next request: the
warmer only saves work, it never serves anything older than a request would.
"""

from __future__ import annotations

import logging
import threading
import time

from uxlift.errors import NotFound

log = logging.getLogger(__name__)
INTERVAL_S = 60.0
_POLL_S = 1.0  # how often a waiting warmer looks for a newly promoted model


class ListWarmer:
    def __init__(self, service, *, users: int, interval_s: float = INTERVAL_S,
                 duty: float = 0.5) -> None:  # fmt: skip
        """``service``: a :class:`~uxlift.recommend.service.RecommendationService`;
        ``users``: how many of the most recently active users to keep ranked."""
        if not 0 < duty <= 1:
            raise ValueError("duty must be in (0, 1]")
        self.service = service
        self.users = users
        self.interval_s = interval_s
        self.duty = duty
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0  # completed passes
        self.ranked = 0  # lists ranked in the current or last pass

    @property
    def ready(self) -> bool:
        """Whether the first pass is done (requests then find their lists ranked)."""
        return self.passes > 0

    def run_once(self) -> int:
        """One pass over the active users; returns how many lists it ranked."""
        try:
            self.service.model()
        except NotFound:  # no recommender serves yet
            return 0
        ranked = self.ranked = 0
        for user_key in self.service.live.active_users(self.users):
            if self._stop.is_set():
                break
            began = time.perf_counter()
            try:
                if not self.service.warm(user_key):
                    continue
            except NotFound:  # the model was withdrawn meanwhile
                break
            ranked = self.ranked = ranked + 1
            spent = time.perf_counter() - began
            self._stop.wait(spent * (1 - self.duty) / self.duty)
        return ranked

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="list-warmer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            version = self._serving()
            try:
                began = time.monotonic()
                ranked = self.run_once()
                if ranked:
                    log.info("ranked %d lists ahead in %.1f s", ranked, time.monotonic() - began)
            except Exception:
                log.exception("ranking lists ahead failed")
            self.passes += 1
            deadline = time.monotonic() + self.interval_s
            while not self._stop.wait(_POLL_S) and time.monotonic() < deadline:
                if self._serving() != version:  # a new model: its lists are all unranked
                    break

    def _serving(self) -> str | None:
        try:
            return self.service.model().version
        except NotFound:
            return None
        except Exception:
            log.exception("reading the serving recommender failed")
            return None
