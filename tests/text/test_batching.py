"""Concurrent single-text requests are merged into shared encoder calls."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from uxlift.text.batching import BatchingEncoder


class SlowCountingEncoder:
    """Deterministic vectors; each call blocks until released, so requests pile up."""

    id = "fake@1"
    dim = 4

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.release = threading.Event()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.release.wait(timeout=5)
        self.calls.append(len(texts))
        if any(t == "boom" for t in texts):
            raise ValueError("bad text")
        return np.array([[len(t), 1.0, 0.0, i] for i, t in enumerate(texts)], dtype=np.float32)


def test_concurrent_requests_share_batches_and_get_their_own_rows() -> None:
    inner = SlowCountingEncoder()
    batcher = BatchingEncoder(inner, max_batch=64, max_wait_ms=50)
    texts = ["x" * n for n in range(1, 41)]
    with ThreadPoolExecutor(max_workers=40) as pool:
        futures = [pool.submit(batcher.encode, [t]) for t in texts]
        inner.release.set()
        results = [f.result(timeout=10) for f in futures]
    batcher.close()
    assert [int(r[0, 0]) for r in results] == list(range(1, 41))
    assert sum(inner.calls) == 40 and len(inner.calls) < 40
    assert batcher.id == "fake@1" and batcher.dim == 4


def test_an_error_reaches_every_caller_of_that_batch_only() -> None:
    inner = SlowCountingEncoder()
    inner.release.set()
    batcher = BatchingEncoder(inner, max_wait_ms=1)
    with pytest.raises(ValueError, match="bad text"):
        batcher.encode(["boom"])
    assert batcher.encode(["fine"]).shape == (1, 4)
    batcher.close()
