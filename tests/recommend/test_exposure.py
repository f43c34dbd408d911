"""Exposure events: one row per shown item, the user pseudonymized, retries stored once."""

from __future__ import annotations

from datetime import datetime

import orjson

from uxlift.recommend.exposure import SURFACE
from uxlift.services import Services


def _exposures(services: Services) -> list[tuple]:
    return (
        services.store.cursor()
        .sql(
            "SELECT user_key, item_id, properties, ts FROM events "
            "WHERE type = 'exposure' ORDER BY event_id"
        )
        .fetchall()
    )


def test_each_shown_item_is_one_exposure_with_list_page_and_position(services: Services) -> None:
    shown = [{"item_id": "sku-1", "position": 11}, {"item_id": "sku-2", "position": 12}]
    services.exposures.log("alice@example.com", "list-a", 2, shown, 1_700_000_000.5)
    services.exposures.flush()
    rows = _exposures(services)
    assert [row[1] for row in rows] == ["sku-1", "sku-2"]
    key = services.pseudonymizer.user_key("alice@example.com")
    assert {row[0] for row in rows} == {key}
    assert all("alice" not in str(row) for row in rows)
    first = orjson.loads(rows[0][2])
    assert first == {"list_id": "list-a", "page": 2, "position": 11, "surface": SURFACE}
    assert rows[0][3] == datetime(2023, 11, 14, 22, 13, 20, 500_000)  # naive UTC


def test_a_list_logged_twice_is_stored_once(services: Services) -> None:
    shown = [{"item_id": f"sku-{k}", "position": k + 1} for k in range(5)]
    for _ in range(2):
        services.exposures.log("bob", "list-b", 1, shown, 1_700_000_000.0)
        services.exposures.flush()
    assert len(_exposures(services)) == 5


def test_exposures_reach_the_log_without_marking_the_user_as_active(services: Services) -> None:
    services.exposures.log("carol", "list-c", 1, [{"item_id": "x", "position": 1}], 1.7e9)
    services.exposures.flush()
    assert services.live.last_stored(services.pseudonymizer.user_key("carol")) is None
