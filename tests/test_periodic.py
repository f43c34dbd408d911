"""Background tasks: every so often, at once when woken, and stoppable."""

from __future__ import annotations

import threading

from uxlift.periodic import PeriodicTask


def test_a_woken_task_runs_long_before_its_period() -> None:
    ran = threading.Event()
    task = PeriodicTask(ran.set, every_s=3600, name="test")
    task.start()
    try:
        assert not ran.wait(0.2)  # its period is an hour away
        task.wake()
        assert ran.wait(10)
    finally:
        task.stop()
    assert task.stopping


def test_a_failing_round_is_logged_and_the_next_one_runs(caplog) -> None:
    calls: list[int] = []
    second = threading.Event()

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first round fails")
        second.set()

    task = PeriodicTask(flaky, every_s=0.01, name="flaky")
    task.start()
    try:
        assert second.wait(10)
    finally:
        task.stop()
    assert "flaky failed" in caplog.text


def test_wakes_during_a_round_coalesce_into_one_more_round() -> None:
    started, finish = threading.Event(), threading.Event()
    rounds: list[int] = []

    def round_() -> None:
        rounds.append(1)
        started.set()
        finish.wait(10)

    task = PeriodicTask(round_, every_s=3600, name="busy")
    task.start()
    try:
        task.wake()
        assert started.wait(10)
        for _ in range(5):
            task.wake()
        finish.set()
    finally:
        task.stop()
    assert len(rounds) <= 2


def test_a_settling_task_turns_a_burst_of_wakes_into_one_round() -> None:
    rounds: list[int] = []
    ran = threading.Event()

    def round_() -> None:
        rounds.append(1)
        ran.set()

    task = PeriodicTask(round_, every_s=3600, name="settling", settle_s=0.5)
    task.start()
    try:
        for _ in range(5):  # a burst of writes, each waking the task
            task.wake()
        assert not ran.wait(0.2)  # still settling
        assert ran.wait(10)
        assert not threading.Event().wait(0.7)  # no second round follows the burst
    finally:
        task.stop()
    assert rounds == [1]
