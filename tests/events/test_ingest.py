"""The ingestion service: keyed default ids, privacy of properties, odd payloads."""

from __future__ import annotations

import hashlib

import orjson

from uxlift.services import Services

T0 = 1_780_000_000


def test_default_event_ids_are_keyed_not_plain_digests(services: Services) -> None:
    event = {"user_id": "alice@example.com", "item_id": "sku-1", "type": "view", "timestamp": T0}
    assert services.events.ingest([event]).stored == 1
    stored = services.store.cursor().execute("SELECT event_id FROM events").fetchone()
    assert stored is not None and stored[0].startswith("h_")
    content = {k: v for k, v in event.items()}
    plain = hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]
    assert plain not in stored[0]
    assert services.events.ingest([event]).stored == 0  # still idempotent


def test_numbers_and_keys_inside_properties_are_redacted(services: Services) -> None:
    props = {"phone": 13812345678, "card": 4111111111111111, "bob@example.com": 1, "qty": 3}
    event = {"user_id": "u", "type": "custom:signup", "timestamp": T0, "properties": props}
    assert services.events.ingest([event]).stored == 1
    row = services.store.cursor().execute("SELECT properties FROM events").fetchone()
    assert row is not None
    stored = orjson.loads(row[0])
    assert stored == {"phone": "<PHONE>", "card": "<CARD>", "<EMAIL>": 1, "qty": 3}


def test_too_deeply_nested_properties_reject_only_that_row(services: Services) -> None:
    deep: dict = {}
    node = deep
    for _ in range(300):
        node["x"] = {}
        node = node["x"]
    rows = [
        {"user_id": "u", "type": "custom:a", "timestamp": T0, "properties": deep},
        {"user_id": "u", "item_id": "sku-1", "type": "view", "timestamp": T0},
    ]
    result = services.events.ingest(rows)
    assert result.stored == 1
    assert [(e.index, e.field) for e in result.errors] == [(0, "properties")]
