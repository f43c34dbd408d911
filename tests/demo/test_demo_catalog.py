"""The generated catalog: sizes, fields, prices, text-only attributes, launches."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict

from uxlift.demo import DEFAULT_START, DemoStore
from uxlift.demo.vocabulary import MATERIALS, STYLES
from uxlift.events.schema import ItemIn

ITEM_FIELDS = {
    "item_id",
    "title",
    "description",
    "category",
    "tags",
    "price",
    "attributes",
    "created_at",
}


def test_default_catalog_is_large_and_varied(default_run: tuple[DemoStore, float]) -> None:
    store, _ = default_run
    assert len(store.items) >= 2000
    categories = {item["category"] for item in store.items}
    assert len(categories) >= 10
    assert len({item["title"] for item in store.items}) > 1500  # titles are mostly distinct


def test_items_have_the_documented_fields(small_store: DemoStore) -> None:
    ids = [item["item_id"] for item in small_store.items]
    assert len(set(ids)) == len(ids)
    for item in small_store.items:
        assert set(item) == ITEM_FIELDS
        assert re.fullmatch(r"sku-\d{5}", item["item_id"])
        assert isinstance(item["tags"], list) and all(isinstance(t, str) for t in item["tags"])
        assert isinstance(item["price"], float) and item["price"] > 0
        assert {"brand", "color"} <= set(item["attributes"])
        assert len(item["description"].split(".")) >= 3
    ItemIn.model_validate(small_store.items[0])


def test_prices_depend_on_category(default_run: tuple[DemoStore, float]) -> None:
    by_category = defaultdict(list)
    for item in default_run[0].items:
        by_category[item["category"]].append(item["price"])
    medians = {c: statistics.median(p) for c, p in by_category.items()}
    assert medians["furniture"] > 3 * medians["stationery"]
    spread = by_category["audio"]
    assert max(spread) > 3 * min(spread)  # lognormal-ish spread within a category


def test_material_and_style_live_only_in_text(small_store: DemoStore) -> None:
    text_only = set(MATERIALS) | set(STYLES)
    mentioned = 0
    for item in small_store.items:
        structured = set(item["tags"]) | {str(v).lower() for v in item["attributes"].values()}
        assert not structured & text_only
        assert "material" not in item["attributes"] and "style" not in item["attributes"]
        text = (item["title"] + " " + item["description"]).lower()
        mentioned += any(word in text for word in MATERIALS) and any(w in text for w in STYLES)
    assert mentioned == len(small_store.items)


def test_some_items_launch_during_the_period(default_run: tuple[DemoStore, float]) -> None:
    store, _ = default_run
    start = DEFAULT_START.timestamp()
    launched = [item for item in store.items if item["created_at"] > start]
    assert 0.02 * len(store.items) < len(launched) < 0.2 * len(store.items)
    created = {item["item_id"]: item["created_at"] for item in store.items}
    for event in store.events:
        if event["item_id"] is not None:
            assert event["timestamp"] >= created[event["item_id"]]
