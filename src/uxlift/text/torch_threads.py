"""How uxlift's threads share PyTorch: graph capture runs alone.

The server embeds items, labels reviews and answers requests on separate
threads. Running eager PyTorch on several threads at once is safe, but
capturing a graph is not: TorchDynamo (``torch.compile``, on each call that
may trace) and the TorchScript tracer behind the ONNX export switch process-
wide dispatcher state while they run the model, and another thread running
eager ops under autocast at that moment can leave both threads waiting on each
other for good (seen with the review labeller compiling while the item
embedder ran its batches).

``TORCH_THREADS`` is a readers-writer lock for that rule: eager work takes
it shared (``with TORCH_THREADS.eager():``), anything that may capture a graph
takes it alone (``with TORCH_THREADS.capturing():``). A waiting capture goes
before new eager work, so it cannot starve. A thread that already holds the
lock may enter again in the same or a weaker mode; asking to capture while
holding it shared is a programming error and raises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SHARED = "shared"
ALONE = "alone"


class TorchThreads:
    """A reentrant readers-writer lock, writers first."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._writers_waiting = 0
        self._held = threading.local()

    def _stack(self) -> list[str]:
        stack = getattr(self._held, "modes", None)
        if stack is None:
            stack = self._held.modes = []
        return stack

    @contextmanager
    def eager(self) -> Iterator[None]:
        """Eager PyTorch work: runs beside other eager work, never beside a capture."""
        with self._holding(SHARED, self._enter_shared, self._leave_shared):
            yield

    @contextmanager
    def capturing(self) -> Iterator[None]:
        """Work that may capture a graph (a compiled model's call, a trace): runs alone."""
        if self._stack() and ALONE not in self._stack():
            raise RuntimeError("cannot capture a graph while holding PyTorch shared")
        with self._holding(ALONE, self._enter_alone, self._leave_alone):
            yield

    @contextmanager
    def _holding(
        self, mode: str, enter: Callable[[], None], leave: Callable[[], None]
    ) -> Iterator[None]:
        """Take the lock on a thread's first entry, give it back on its last exit."""
        stack = self._stack()
        if not stack:
            enter()
        stack.append(mode)
        try:
            yield
        finally:
            stack.pop()
            if not stack:
                with self._cond:
                    leave()
                    self._cond.notify_all()

    def _enter_shared(self) -> None:
        with self._cond:
            while self._writer is not None or self._writers_waiting:
                self._cond.wait()
            self._readers += 1

    def _leave_shared(self) -> None:
        self._readers -= 1

    def _enter_alone(self) -> None:
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writer = threading.get_ident()

    def _leave_alone(self) -> None:
        self._writer = None


TORCH_THREADS = TorchThreads()
