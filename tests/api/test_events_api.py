"""POST /v1/events over real HTTP: partial acceptance, row errors, idempotency."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from tests.conftest import auth
from uxlift.services import Services
from uxlift.store.events import count_events

BASE_TS = 1_780_000_000


def valid_event(i: int) -> dict[str, Any]:
    return {
        "event_id": f"evt-{i:05d}",
        "user_id": f"shopper-{i % 37}",
        "item_id": f"sku-{i % 101}",
        "type": ("view", "click", "add_to_cart", "purchase")[i % 4],
        "timestamp": BASE_TS + i,
        "session_id": f"s-{i // 10}",
        "properties": {"device": "mobile"},
    }


INVALID_MUTATIONS: list[tuple[str, dict[str, Any] | None, str | None]] = [
    ("user_id", {"user_id": ""}, None),
    ("user_id", None, "user_id"),
    ("type", {"type": "teleport"}, None),
    ("timestamp", {"timestamp": "yesterday"}, None),
    ("timestamp", {"timestamp": 1_780_000_000_000}, None),
    ("timestamp", {"timestamp": "0001-01-01T00:00:04+01:00"}, None),  # before year 1 in UTC
    ("timestamp", {"timestamp": -1e15}, None),
    ("type", {"type": "custom:signup\n"}, None),
    ("value", {"value": "lots"}, None),
    ("item_id", None, "item_id"),
    ("properties", {"properties": "not-an-object"}, None),
    ("text", {"type": "review", "item_id": "sku-1"}, None),
    ("colour", {"colour": "red"}, None),
]


def batch_with_invalid_rows() -> tuple[list[dict[str, Any]], dict[int, str]]:
    events = [valid_event(i) for i in range(1000)]
    expected: dict[int, str] = {}
    for n, (field, update, remove) in enumerate(INVALID_MUTATIONS):
        index = 50 + n * 71
        row = copy.deepcopy(events[index])
        if update:
            row.update(update)
        if remove:
            row.pop(remove)
        events[index] = row
        expected[index] = field
    return events, expected


def test_partial_batch_keeps_valid_rows_and_names_each_error(
    http: httpx.Client, keys: dict[str, str], services: Services
) -> None:
    events, expected = batch_with_invalid_rows()
    response = http.post("/v1/events", json=events, headers=auth(keys["ingest"]))
    assert response.status_code == 200
    body = response.json()
    assert (body["received"], body["accepted"], body["stored"]) == (1000, 987, 987)
    assert body["rejected"] == 13
    reported = {e["index"]: e for e in body["errors"]}
    assert set(reported) == set(expected)
    for index, field in expected.items():
        assert reported[index]["field"] == field
        assert reported[index]["reason"]
    assert count_events(services.store.cursor()) == 987


def test_resending_the_same_batch_stores_nothing_new(
    http: httpx.Client, keys: dict[str, str], services: Services
) -> None:
    events, _ = batch_with_invalid_rows()
    first = http.post("/v1/events", json={"events": events}, headers=auth(keys["ingest"])).json()
    again = http.post("/v1/events", json={"events": events}, headers=auth(keys["ingest"])).json()
    assert first["stored"] == 987
    assert again["stored"] == 0
    assert again["duplicates"] == 987
    assert count_events(services.store.cursor()) == 987


def test_all_invalid_batch_is_422_with_row_details(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    response = http.post(
        "/v1/events", json=[{"user_id": "a", "type": "nope"}], headers=auth(keys["ingest"])
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"][0] == {
        "index": 0,
        "field": "type",
        "reason": error["details"][0]["reason"],
    }


def test_malformed_json_is_400(http: httpx.Client, keys: dict[str, str]) -> None:
    response = http.post(
        "/v1/events",
        content=b"[{not json",
        headers={**auth(keys["ingest"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_batch_over_the_row_limit_is_413(
    http: httpx.Client, keys: dict[str, str], services: Services
) -> None:
    limit = services.settings.max_batch_events
    events = [valid_event(i) for i in range(limit + 1)]
    response = http.post("/v1/events", json=events, headers=auth(keys["ingest"]))
    assert response.status_code == 413
    assert count_events(services.store.cursor()) == 0


def test_raw_user_ids_and_pii_are_not_stored(
    http: httpx.Client, keys: dict[str, str], services: Services
) -> None:
    event = {
        "user_id": "alice@example.com",
        "item_id": "sku-1",
        "type": "review",
        "text": "Great! Call me on +44 20 7946 0958 or mail alice@example.com",
        "timestamp": BASE_TS,
        "properties": {"contact": "alice@example.com"},
    }
    assert http.post("/v1/events", json=[event], headers=auth(keys["ingest"])).json()["stored"] == 1
    row = (
        services.store.cursor().execute("SELECT user_key, text, properties FROM events").fetchone()
    )
    assert row is not None
    user_key, text, properties = row
    assert "alice" not in user_key
    assert "alice@example.com" not in text and "<EMAIL>" in text
    assert "7946" not in text and "<PHONE>" in text
    assert "alice@example.com" not in properties
