"""Per-key token buckets: ``rate`` requests per second, bursts up to ``burst``."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from uxlift.errors import RateLimited


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, *, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, key: str, *, now: float | None = None) -> None:
        """Take one token for ``key`` or raise RateLimited with the wait in seconds."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(self.burst), moment)
            bucket.tokens = min(self.burst, bucket.tokens + (moment - bucket.updated) * self.rate)
            bucket.updated = moment
            if bucket.tokens < 1.0:
                wait = (1.0 - bucket.tokens) / self.rate
                raise RateLimited(
                    f"rate limit of {self.rate:g} requests/s exceeded for this key",
                    retry_after_s=wait,
                )
            bucket.tokens -= 1.0
