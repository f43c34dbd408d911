"""Catalog upserts over HTTP."""

from __future__ import annotations

import httpx

from tests.conftest import auth


def test_upsert_creates_updates_and_reports_bad_rows(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    items = [
        {
            "item_id": "sku-1",
            "title": "Linen shirt",
            "category": "Apparel",
            "price": 39.0,
            "tags": ["linen"],
        },
        {"item_id": "sku-2", "title": "Trail shoe", "category": "Shoes", "price": -5},
        {"item_id": "sku-3", "title": "", "category": "Shoes"},
    ]
    body = http.post("/v1/items", json=items, headers=auth(keys["ingest"])).json()
    assert (body["created"], body["updated"], body["rejected"]) == (1, 0, 2)
    assert {(e["index"], e["field"]) for e in body["errors"]} == {(1, "price"), (2, "title")}
    again = http.post(
        "/v1/items",
        json={
            "items": [{"item_id": "sku-1", "title": "Linen shirt, white", "category": "Apparel"}]
        },
        headers=auth(keys["ingest"]),
    ).json()
    assert (again["created"], again["updated"], again["text_changed"]) == (0, 1, 1)
    item = http.get("/v1/items/sku-1", headers=auth(keys["read"])).json()
    assert item["title"] == "Linen shirt, white"
    assert http.get("/v1/items/sku-404", headers=auth(keys["read"])).status_code == 404
    listed = http.get("/v1/items?category=Apparel", headers=auth(keys["read"])).json()
    assert [i["item_id"] for i in listed["items"]] == ["sku-1"]


def test_unchanged_items_report_no_text_change(http: httpx.Client, keys: dict[str, str]) -> None:
    items = [{"item_id": f"sku-{i}", "title": f"Mug {i}", "category": "Kitchen"} for i in range(50)]
    first = http.post("/v1/items", json=items, headers=auth(keys["ingest"])).json()
    second = http.post("/v1/items", json=items, headers=auth(keys["ingest"])).json()
    assert first["text_changed"] == 50
    assert (second["updated"], second["text_changed"]) == (50, 0)
