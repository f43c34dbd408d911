"""Dynamic batching: concurrent single-text requests share one encoder call.

Under load, a server thread per request calling ``encode([text])`` wastes the
CPU on per-call overhead. ``BatchingEncoder`` queues such calls; one worker
takes whatever has arrived (up to ``max_batch`` texts, waiting at most
``max_wait_ms`` for company once the first arrives), encodes them together and
hands each caller its rows. A lone request pays at most ``max_wait_ms`` extra.
The inner encoder may be given as a factory, built on first use, so a server
starts at once and loads the model when the first request needs it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future

import numpy as np

from uxlift.errors import UxliftError
from uxlift.text.encoders import Encoder

_STOP = object()


class BatchingEncoder:
    """Wraps an encoder; same ``id``/``dim``; ``encode`` is safe from many threads."""

    def __init__(
        self,
        inner: Encoder | Callable[[], Encoder],
        *,
        max_batch: int = 32,
        max_wait_ms: float = 2.0,
    ) -> None:
        is_encoder = hasattr(type(inner), "encode")  # not isinstance: it would load the model
        self._inner: Encoder | None = inner if is_encoder else None  # type: ignore[assignment]
        self._factory = None if self._inner is not None else inner
        self._build_lock = threading.Lock()
        self.max_batch = max_batch
        self.max_wait_s = max_wait_ms / 1000.0
        self.batches = 0
        self._queue: queue.Queue[object] = queue.Queue()
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="uxlift-encode-batcher", daemon=True)
        self._worker.start()

    @property
    def inner(self) -> Encoder:
        """The wrapped encoder (built now if it was given as a factory)."""
        if self._inner is None:
            with self._build_lock:
                if self._inner is None:
                    assert self._factory is not None
                    self._inner = self._factory()  # type: ignore[operator]
        return self._inner

    @property
    def id(self) -> str:
        return self.inner.id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts``; large requests go straight to the inner encoder."""
        texts = list(texts)
        if len(texts) >= self.max_batch:
            return self.inner.encode(texts)
        if self._closed:
            raise UxliftError("the batching encoder is closed")
        future: Future[np.ndarray] = Future()
        self._queue.put((texts, future))
        return future.result()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._worker.join(timeout=5)

    def _gather(
        self, first: tuple[list[str], Future[np.ndarray]]
    ) -> tuple[list[tuple[list[str], Future[np.ndarray]]], bool]:
        pending = [first]
        size = len(first[0])
        stop = False
        while size < self.max_batch:
            try:
                item = self._queue.get(timeout=self.max_wait_s)
            except queue.Empty:
                break
            if item is _STOP:
                stop = True
                break
            pending.append(item)  # type: ignore[arg-type]
            size += len(item[0])  # type: ignore[index]
        return pending, stop

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            pending, stop = self._gather(item)  # type: ignore[arg-type]
            self._encode(pending)
            if stop:
                return

    def _encode(self, pending: list[tuple[list[str], Future[np.ndarray]]]) -> None:
        texts = [text for request, _ in pending for text in request]
        try:
            vectors = self.inner.encode(texts)
        except Exception as exc:  # every waiting caller gets the error
            for _, future in pending:
                future.set_exception(exc)
            return
        self.batches += 1
        start = 0
        for request, future in pending:
            future.set_result(vectors[start : start + len(request)])
            start += len(request)
