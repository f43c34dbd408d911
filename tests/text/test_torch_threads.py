"""Graph capture runs alone; eager PyTorch work runs side by side."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from uxlift.text.torch_threads import TorchThreads

WAIT_S = 5.0


def _started(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def _another_thread_can_capture(lock: TorchThreads) -> bool:
    done = threading.Event()

    def capture() -> None:
        with lock.capturing():
            done.set()

    _started(capture)
    return done.wait(WAIT_S)


def test_eager_work_runs_side_by_side() -> None:
    lock = TorchThreads()
    inside = threading.Barrier(2, timeout=WAIT_S)

    def eager() -> None:
        with lock.eager():
            inside.wait()  # both threads must be inside at once

    threads = [_started(eager), _started(eager)]
    for thread in threads:
        thread.join(WAIT_S)
    assert not any(thread.is_alive() for thread in threads)


@pytest.mark.parametrize(
    ("holder_mode", "waiter_mode"),
    [("eager", "capturing"), ("capturing", "eager"), ("capturing", "capturing")],
)
def test_a_capture_and_other_work_never_overlap(holder_mode: str, waiter_mode: str) -> None:
    lock = TorchThreads()
    events: list[str] = []
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with getattr(lock, holder_mode)():
            held.set()
            release.wait(WAIT_S)
            events.append("holder done")

    def waiter() -> None:
        with getattr(lock, waiter_mode)():
            events.append("waiter")

    first = _started(holder)
    assert held.wait(WAIT_S)
    second = _started(waiter)
    time.sleep(0.2)
    assert events == []  # the second waits while the first holds the lock
    release.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert events == ["holder done", "waiter"]


def test_a_waiting_capture_goes_before_new_eager_work() -> None:
    lock = TorchThreads()
    events: list[str] = []
    eager_in, release = threading.Event(), threading.Event()

    def long_eager() -> None:
        with lock.eager():
            eager_in.set()
            release.wait(WAIT_S)

    def capture() -> None:
        with lock.capturing():
            events.append("capture")

    def late_eager() -> None:
        with lock.eager():
            events.append("late eager")

    holder = _started(long_eager)
    assert eager_in.wait(WAIT_S)
    capturer = _started(capture)
    time.sleep(0.2)
    late = _started(late_eager)
    time.sleep(0.2)
    assert events == []  # new eager work queues behind the waiting capture
    release.set()
    for thread in (holder, capturer, late):
        thread.join(WAIT_S)
    assert events == ["capture", "late eager"]


def test_a_thread_may_reenter_in_the_same_or_a_weaker_mode() -> None:
    lock = TorchThreads()
    with lock.capturing(), lock.eager(), lock.capturing():
        pass
    with lock.eager(), lock.eager():
        pass
    assert _another_thread_can_capture(lock)  # fully released


def test_capturing_while_holding_eager_is_refused_and_releases_cleanly() -> None:
    lock = TorchThreads()
    with lock.eager(), pytest.raises(RuntimeError, match="capture"), lock.capturing():
        pass
    with lock.capturing():  # nothing left held
        pass


def test_an_error_inside_releases_the_lock() -> None:
    lock = TorchThreads()
    with pytest.raises(ValueError), lock.capturing():
        raise ValueError("boom")
    with pytest.raises(ValueError), lock.eager():
        raise ValueError("boom")
    assert _another_thread_can_capture(lock)
