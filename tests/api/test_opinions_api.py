"""Opinion monitoring over real HTTP: texts in, topics, a surge found, its alert streamed,
delivered to a real receiver, acknowledged and resolved; erasure reaches the texts."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest

from tests.conftest import TEST_SECRET, auth
from tests.monitor.receiver import receiving
from uxlift.config import Settings
from uxlift.monitor.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from uxlift.server import serving_in_thread
from uxlift.services import Services, open_services

START = datetime(2026, 11, 2, tzinfo=UTC)
HOURS = 72
GOOD = ["Great app, works well", "Love the new design", "Support was quick and kind"]
BAD = ["My parcel was late again", "The courier lost my parcel", "Delivery took two weeks"]


@pytest.fixture
def monitored(tmp_path: Path) -> Iterator[tuple[Services, httpx.Client]]:
    settings = Settings(
        data_dir=tmp_path / "data", secret_key=TEST_SECRET, monitor_min_history=48,
        monitor_scan_windows=24, monitor_scan_every_s=0, webhook_backoff_s=0.05,
    )  # fmt: skip
    services = open_services(settings)
    try:
        with serving_in_thread(services) as url, httpx.Client(base_url=url, timeout=60) as http:
            yield services, http
    finally:
        services.close()


@pytest.fixture
def okeys(monitored: tuple[Services, httpx.Client]) -> dict[str, str]:
    services, _ = monitored
    return {
        scope: services.keys.create(name=f"t-{scope}", scopes=[scope]).secret
        for scope in ("ingest", "read", "admin")
    }


def _history(with_surge: bool) -> list[dict]:
    rng = random.Random(3)
    rows = []
    for hour in range(HOURS):
        surge = with_surge and hour >= HOURS - 4
        for k in range(rng.randint(9, 13) + (15 if surge else 0)):
            bad = rng.random() < (0.9 if surge and k >= 9 else 0.12)
            moment = START + timedelta(hours=hour, minutes=rng.randint(0, 59))
            rows.append({
                "text_id": f"h{hour}-{k}", "source": "app_store",
                "text": f"{rng.choice(BAD if bad else GOOD)} (#{hour}.{k})",
                "timestamp": moment.isoformat(),
            })  # fmt: skip
    return rows


def test_texts_are_validated_redacted_labelled_and_idempotent(monitored, okeys) -> None:
    _, http = monitored
    batch = [
        {"text_id": "r1", "source": "App Store", "text": "Crashes all the time, mail me at a@b.io",
         "timestamp": "2026-11-01T10:00:00Z", "user_id": "reviewer-1", "channel": "ios"},
        {"text_id": "r2", "source": "news", "text": "快递太慢了，盒子还压坏了", "language": "zh-CN",
         "timestamp": 1793527200},
        {"source": "news"},
        {"source": "news", "text": "   "},
        {"source": "news", "text": "fine", "language": "klingon"},
    ]  # fmt: skip
    response = http.post("/v1/texts", json=batch, headers=auth(okeys["ingest"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["stored"], body["rejected"]) == (2, 3)
    assert {(e["index"], e["field"]) for e in body["errors"]} == {
        (2, "text"), (3, "text"), (4, "language"),
    }  # fmt: skip
    stored = {t["text_id"]: t for t in body["texts"]}
    assert stored["r1"]["text"].endswith("<EMAIL>") and stored["r1"]["source"] == "app store"
    assert stored["r1"]["sentiment"] == "negative" and stored["r1"]["score"] < 0
    assert stored["r2"]["language"] == "zh" and stored["r2"]["sentiment"] == "negative"
    again = http.post("/v1/texts", json={"texts": batch[:2]}, headers=auth(okeys["ingest"]))
    assert again.json()["stored"] == 0 and again.json()["duplicates"] == 2
    none_valid = http.post("/v1/texts", json=[{"source": "x"}], headers=auth(okeys["ingest"]))
    assert none_valid.status_code == 422
    assert http.post("/v1/texts", json=batch, headers=auth(okeys["read"])).status_code == 403
    found = http.get("/v1/texts", params={"sentiment": "negative"}, headers=auth(okeys["read"]))
    assert found.json()["total"] == 2
    assert "reviewer-1" not in orjson.dumps(found.json()).decode()


def test_a_surge_is_alerted_streamed_delivered_and_worked(monitored, okeys) -> None:
    _services, http = monitored
    admin, read = auth(okeys["admin"]), auth(okeys["read"])
    topic = http.put(
        "/v1/topics/delivery",
        json={"description": "late or lost parcels and couriers", "keywords": ["parcel"]},
        headers=admin,
    )
    assert topic.status_code == 200 and topic.json()["created"] is True
    assert http.put("/v1/topics/x", json={"keywords": "no"}, headers=admin).status_code == 422
    surge_rows = _history(True)
    before = [r for r in surge_rows if int(r["text_id"][1:].split("-")[0]) < HOURS - 4]
    quiet = http.post("/v1/texts", json=before, headers=auth(okeys["ingest"]))
    assert quiet.status_code == 200
    assert http.post("/v1/monitor/scan", headers=admin).json()["new_alerts"] == []

    with receiving(fail_first=2) as receiver:
        hook = http.post("/v1/webhooks", json={"url": receiver.url}, headers=admin)
        assert hook.status_code == 201
        secret = hook.json()["secret"]
        streamed: list[str] = []
        ready = threading.Event()

        def listen() -> None:
            with http.stream("GET", "/v1/alerts/stream", headers=read, timeout=30) as stream:
                for line in stream.iter_lines():
                    if line.startswith("event: ready"):
                        ready.set()
                    if line.startswith("event: alert"):
                        streamed.append(line)
                        return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        assert ready.wait(10)
        later = [r for r in surge_rows if r not in before]  # the last four hours
        http.post("/v1/texts", json=later, headers=auth(okeys["ingest"]))
        # the clock of the scan is the server's; the texts are in the past, so all are closed
        alerts = http.post("/v1/monitor/scan", headers=admin).json()["new_alerts"]
        assert alerts, "the surge was not detected"
        listener.join(10)
        assert streamed
        delivered = _wait_for(lambda: len(receiver.accepted()) >= len(alerts))
        assert delivered
    # every text about parcels is negative: that topic surges in volume, the whole
    # stream in negative share
    found = {(a["topic"], a["source"], a["statistic"]) for a in alerts}
    assert {("*", "app_store", "negative_share"), ("delivery", "app_store", "volume")} <= found
    first = next(a for a in alerts if a["topic"] == "*" and a["statistic"] == "negative_share")
    assert first["observed"] > first["expected"] and first["severity"] in ("medium", "high")
    assert set(first["keywords"]) & {"parcel", "courier", "late", "delivery"}
    for request in receiver.accepted():
        assert verify(secret, request.headers[TIMESTAMP_HEADER], request.body,
                      request.headers[SIGNATURE_HEADER])  # fmt: skip

    detail = http.get(f"/v1/alerts/{first['alert_id']}", headers=read).json()
    assert detail["texts"] and all(t["sentiment"] == "negative" for t in detail["texts"])
    assert {d["status"] for d in detail["deliveries"]} == {"delivered"}
    alert_path = f"/v1/alerts/{first['alert_id']}"
    assert http.post(alert_path + "/acknowledge", headers=read).status_code == 403
    acked = http.post(alert_path + "/acknowledge", json={"note": "on it"}, headers=admin)
    assert acked.json()["status"] == "acknowledged" and acked.json()["note"] == "on it"
    assert http.post(alert_path + "/resolve", headers=admin).json()["status"] == "resolved"
    assert http.post(alert_path + "/acknowledge", headers=admin).status_code == 422
    assert http.get("/v1/alerts/al_nope", headers=read).status_code == 404

    trend = http.get(
        "/v1/opinions/trend", params={"topic": "delivery", "source": "app_store"}, headers=read
    ).json()
    assert len(trend["windows"]) >= HOURS - 5 and trend["alerts"]
    window = http.get(
        "/v1/opinions/window",
        params={"topic": "*", "source": "app_store", "start": first["window_start"]},
        headers=read,
    ).json()
    assert window["volume"] == first["volume"] and window["top_negative_texts"]


def _wait_for(condition, timeout: float = 20.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_reviews_from_the_event_log_are_monitored_and_erasure_reaches_them(
    monitored, okeys
) -> None:
    _services, http = monitored
    events = [
        {"event_id": "e1", "user_id": "ann", "item_id": "sku-1", "type": "review",
         "text": "The zipper broke after a day, call me on +44 20 7946 0958",
         "timestamp": "2026-11-01T09:00:00Z"},
        {"event_id": "e2", "user_id": "bob", "type": "chat", "text": "thanks, that helped a lot",
         "timestamp": "2026-11-01T09:05:00Z"},
    ]  # fmt: skip
    assert http.post("/v1/events", json=events, headers=auth(okeys["ingest"])).status_code == 200

    def listed() -> list[dict]:
        return http.get("/v1/texts", headers=auth(okeys["read"])).json()["texts"]

    assert _wait_for(lambda: len(listed()) == 2)  # labelled off the request, soon after
    by_id = {t["text_id"]: t for t in listed()}
    assert by_id["event:e1"]["source"] == "reviews" and "<PHONE>" in by_id["event:e1"]["text"]
    assert by_id["event:e1"]["sentiment"] == "negative"
    assert by_id["event:e2"]["source"] == "chat" and by_id["event:e2"]["sentiment"] == "positive"
    erased = http.delete("/v1/users/ann", headers=auth(okeys["admin"]))
    assert erased.status_code == 200 and erased.json()["deleted"]["opinion_texts"] == 1
    left = http.get("/v1/texts", headers=auth(okeys["read"])).json()["texts"]
    assert [t["text_id"] for t in left] == ["event:e2"]
    trend = http.get(
        "/v1/opinions/trend", params={"source": "reviews"}, headers=auth(okeys["read"])
    )
    assert trend.json()["windows"] == []


def test_a_review_that_missed_labelling_is_caught_up_by_the_next_scan(
    monitored, okeys, monkeypatch
) -> None:
    services, http = monitored
    analyze = services.opinions.analyzer.analyze

    def broken(texts):
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr(services.opinions.analyzer, "analyze", broken)
    review = {"event_id": "r1", "user_id": "cat", "item_id": "sku-9", "type": "review",
              "text": "Arrived broken and support never answered",
              "timestamp": "2026-11-01T09:00:00Z"}  # fmt: skip
    stored = http.post("/v1/events", json=[review], headers=auth(okeys["ingest"]))
    assert stored.status_code == 200 and stored.json()["stored"] == 1  # the event is kept
    assert http.get("/v1/texts", headers=auth(okeys["read"])).json()["texts"] == []
    monkeypatch.setattr(services.opinions.analyzer, "analyze", analyze)
    scanned = http.post("/v1/monitor/scan", headers=auth(okeys["admin"]))
    assert scanned.status_code == 200
    texts = http.get("/v1/texts", headers=auth(okeys["read"])).json()["texts"]
    assert [(t["text_id"], t["source"], t["sentiment"]) for t in texts] == [
        ("event:r1", "reviews", "negative")
    ]
    assert services.opinions.catch_up() == 0  # nothing left behind, nothing twice


def test_an_erasure_drops_texts_a_catch_up_stored_meanwhile(monitored, okeys) -> None:
    services, http = monitored
    review = {"event_id": "r2", "user_id": "dan", "type": "review", "text": "Lovely fabric",
              "timestamp": "2026-11-01T09:00:00Z"}  # fmt: skip
    assert http.post("/v1/events", json=[review], headers=auth(okeys["ingest"])).status_code == 200
    assert _wait_for(
        lambda: len(http.get("/v1/texts", headers=auth(okeys["read"])).json()["texts"]) == 1
    )
    with services.store.transaction() as cur:  # a catch-up batch that raced the erasure
        cur.execute("DELETE FROM events WHERE event_id = 'r2'")
    user_key = services.pseudonymizer.user_key("dan")
    services.opinions.forget_user(user_key)
    assert http.get("/v1/texts", headers=auth(okeys["read"])).json()["texts"] == []
    trend = http.get("/v1/opinions/trend", params={"source": "reviews"},
                     headers=auth(okeys["read"]))  # fmt: skip
    assert trend.json()["windows"] == []


def test_an_events_write_does_not_wait_for_the_review_models(monitored, okeys, monkeypatch) -> None:
    services, http = monitored
    analyze = services.opinions.analyzer.analyze
    released = threading.Event()

    def slow(texts):  # a model that is busy until the write has been answered
        released.wait(timeout=30)
        return analyze(texts)

    monkeypatch.setattr(services.opinions.analyzer, "analyze", slow)
    review = {"event_id": "r3", "user_id": "eve", "type": "review",
              "text": "The strap snapped on day two",
              "timestamp": "2026-11-01T09:00:00Z"}  # fmt: skip
    answered = http.post("/v1/events", json=[review], headers=auth(okeys["ingest"]), timeout=10)
    assert answered.status_code == 200 and answered.json()["stored"] == 1
    released.set()
    assert _wait_for(
        lambda: (
            [
                (t["text_id"], t["sentiment"])
                for t in http.get("/v1/texts", headers=auth(okeys["read"])).json()["texts"]
            ]
            == [("event:r3", "negative")]
        )
    )
