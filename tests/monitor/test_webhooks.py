"""Webhook delivery against a real local HTTP receiver: signed, retried, dead-lettered."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import pytest

from tests.monitor.receiver import closed_port_url, receiving
from uxlift.errors import InvalidInput, NotFound
from uxlift.monitor.records import Alert
from uxlift.monitor.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    RetryPolicy,
    WebhookDispatcher,
    sign,
    verify,
)
from uxlift.store import Store
from uxlift.store import opinions as rows
from uxlift.store.database import utcnow

SECRETS = {"derive": lambda webhook_id: "secret-of-" + webhook_id}


def _alert(n: int) -> Alert:
    start = datetime(2026, 11, 1, n)
    return Alert(
        alert_id=f"al_{n}", topic="delivery", source="app_store", statistic="negative_share",
        granularity="hour", window_start=start, window_end=start + timedelta(hours=1),
        detector="cusum", observed=0.4, expected=0.1, z=4.2, level=6.0, threshold=4.4,
        volume=50, negative=20, severity="high", status="open", keywords=("late",),
        text_ids=(),
    )  # fmt: skip


def _raise(store: Store, dispatcher: WebhookDispatcher, alert: Alert) -> None:
    with store.transaction() as cur:
        assert rows.insert_alert(cur, alert, utcnow())
        dispatcher.enqueue(cur, alert, orjson.dumps({"alert": alert.to_dict()}).decode())
    dispatcher.notify()


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "w.duckdb") as opened:
        yield opened


def _dispatcher(store: Store, **kwargs) -> WebhookDispatcher:
    return WebhookDispatcher(
        store, SECRETS["derive"], policy=RetryPolicy(base_s=0.05, max_s=0.2, timeout_s=2), **kwargs
    )


def _wait(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for deliveries"
        time.sleep(0.05)


def test_every_alert_is_delivered_once_after_retries_with_a_valid_signature(store) -> None:
    dispatcher = _dispatcher(store)
    with receiving(fail_first=4) as receiver:
        hook, secret = dispatcher.create(receiver.url, max_attempts=8)
        assert secret == "secret-of-" + hook.webhook_id
        dispatcher.start()
        try:
            for n in range(3):
                _raise(store, dispatcher, _alert(n))
            _wait(lambda: len(receiver.accepted()) == 3)
            time.sleep(0.3)  # nothing more arrives once all are acknowledged
        finally:
            dispatcher.close()
    accepted = receiver.accepted()
    delivered_ids = [r.headers[DELIVERY_HEADER] for r in accepted]
    assert len(delivered_ids) == len(set(delivered_ids)) == 3
    assert sorted(orjson.loads(r.body)["alert"]["alert_id"] for r in accepted) == [
        "al_0", "al_1", "al_2",
    ]  # fmt: skip
    assert len(receiver.requests) == 3 + 4  # four failed attempts, then one success each
    for request in receiver.requests:
        assert verify(
            secret,
            request.headers[TIMESTAMP_HEADER],
            request.body,
            request.headers[SIGNATURE_HEADER],
        )
        assert request.headers["Content-Type"] == "application/json"
    rows_now = dispatcher.deliveries()
    assert {d.status for d in rows_now} == {"delivered"}
    assert sum(d.attempts for d in rows_now) == 7


def test_a_receiver_down_for_good_ends_in_a_dead_letter_that_can_be_retried(store) -> None:
    dispatcher = _dispatcher(store)
    _hook, _ = dispatcher.create(closed_port_url(), max_attempts=3)
    _raise(store, dispatcher, _alert(5))
    for _ in range(3):
        _wait(lambda: bool(rows.due_deliveries(store.cursor(), utcnow(), 10)), timeout=5)
        assert dispatcher.deliver_due() == 1
    dead = dispatcher.deliveries(status="dead")
    assert len(dead) == 1 and dead[0].attempts == 3 and dead[0].alert_id == "al_5"
    assert "ConnectError" in (dead[0].last_error or "")
    assert dispatcher.deliver_due() == 0  # dead letters are not retried on their own
    dispatcher.requeue(dead[0].delivery_id)
    assert dispatcher.deliveries(status="pending")[0].attempts == 0
    with pytest.raises(NotFound):
        dispatcher.requeue(dead[0].delivery_id)  # no longer dead
    dispatcher.close()


def test_backoff_doubles_up_to_its_cap_and_jitter_stays_within_ten_percent() -> None:
    policy = RetryPolicy(base_s=2.0, max_s=60.0)
    delays = [policy.delay(k, "dl_x") for k in range(1, 8)]
    for k, delay in enumerate(delays, start=1):
        raw = min(60.0, 2.0 * 2 ** (k - 1))
        assert raw <= delay <= raw * 1.1
    assert policy.delay(3, "dl_x") == policy.delay(3, "dl_x")  # deterministic per delivery


def test_signatures_reject_tampering_and_stale_timestamps() -> None:
    body = b'{"alert": 1}'
    now = time.time()
    stamp = str(int(now))
    signature = sign("s3cret", stamp, body)
    assert verify("s3cret", stamp, body, signature, now=now)
    assert not verify("s3cret", stamp, body + b" ", signature, now=now)
    assert not verify("other", stamp, body, signature, now=now)
    assert not verify("s3cret", stamp, body, signature, now=now + 3600)
    assert not verify("s3cret", "not-a-time", body, signature, now=now)


def test_each_alert_is_queued_once_per_webhook_and_removed_hooks_get_nothing(store) -> None:
    dispatcher = _dispatcher(store)
    first, _ = dispatcher.create("http://127.0.0.1:1/a")
    second, _ = dispatcher.create("http://127.0.0.1:1/b")
    dispatcher.delete(second.webhook_id)
    alert = _alert(7)
    _raise(store, dispatcher, alert)
    with store.transaction() as cur:  # queuing again (a retried scan) adds nothing
        assert dispatcher.enqueue(cur, alert, "{}") == 0
    queued = dispatcher.deliveries()
    assert [d.webhook_id for d in queued] == [first.webhook_id]
    with pytest.raises(InvalidInput):
        dispatcher.create("ftp://example.com/hook")
    with pytest.raises(NotFound):
        dispatcher.delete(second.webhook_id)
    dispatcher.close()
