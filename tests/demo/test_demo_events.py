"""The event stream: shape, ids, funnel order, volume, seasonality, returning users."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np

from uxlift.demo import DEFAULT_START, DemoStore
from uxlift.events.schema import EventIn

EVENT_FIELDS = {
    "event_id",
    "user_id",
    "item_id",
    "type",
    "value",
    "text",
    "session_id",
    "timestamp",
    "properties",
}
TYPES = {"view", "click", "add_to_cart", "purchase", "rate", "review", "search", "chat"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_default_volume_and_speed(default_run: tuple[DemoStore, float]) -> None:
    store, seconds = default_run
    assert len(store.users) >= 1000
    assert 150_000 <= len(store.events) <= 400_000
    assert {e["type"] for e in store.events} == TYPES
    assert seconds < 30


def test_events_have_the_documented_shape(small_store: DemoStore) -> None:
    users = set(small_store.users)
    ids = [e["event_id"] for e in small_store.events]
    assert len(set(ids)) == len(ids)
    for event in small_store.events:
        assert set(event) == EVENT_FIELDS
        assert event["type"] in TYPES
        assert UUID.fullmatch(event["event_id"])
        assert event["user_id"] in users
        assert isinstance(event["timestamp"], float)
        assert event["properties"]["device"] in {"mobile", "desktop"}
    for event in small_store.events[:: max(1, len(small_store.events) // 500)]:
        EventIn.model_validate(event)


def test_raw_ids_are_distinctive_and_kept_out_of_session_ids(small_store: DemoStore) -> None:
    assert len(set(small_store.users)) == len(small_store.users)
    assert all(re.fullmatch(r"shopper-[0-9a-f]{10}", u) for u in small_store.users)
    hexes = [u.removeprefix("shopper-") for u in small_store.users]
    for session_id in {e["session_id"] for e in small_store.events}:
        assert not any(h in session_id for h in hexes)


def test_each_session_belongs_to_one_user_and_runs_forward(small_store: DemoStore) -> None:
    owner: dict[str, str] = {}
    last_time: dict[str, float] = {}
    start = DEFAULT_START.timestamp()
    for event in small_store.events:  # events are sorted by time overall
        sid = event["session_id"]
        assert owner.setdefault(sid, event["user_id"]) == event["user_id"]
        assert event["timestamp"] >= last_time.get(sid, start)
        last_time[sid] = event["timestamp"]


def test_funnel_steps_follow_earlier_steps_in_the_session(small_store: DemoStore) -> None:
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    previous = {"click": "view", "add_to_cart": "click", "purchase": "add_to_cart"}
    for event in small_store.events:
        kind, key = event["type"], (event["item_id"], event["session_id"])
        if kind in previous:
            assert key in seen[previous[kind]], f"{kind} without an earlier {previous[kind]}"
        seen[kind].add(key)


def test_funnel_rates_shrink_and_purchases_are_rare(default_run: tuple[DemoStore, float]) -> None:
    counts = Counter(e["type"] for e in default_run[0].events)
    assert counts["view"] > counts["click"] > counts["add_to_cart"] > counts["purchase"] > 0
    assert 0.01 <= counts["purchase"] / counts["view"] <= 0.03
    assert counts["search"] > counts["chat"] > 0
    assert counts["rate"] > counts["review"] > 0


def test_values_carry_prices_and_ratings(small_store: DemoStore) -> None:
    prices = {item["item_id"]: item["price"] for item in small_store.items}
    for event in small_store.events:
        if event["type"] == "purchase":
            assert event["value"] == prices[event["item_id"]]
        elif event["type"] == "rate":
            assert event["value"] in {1.0, 2.0, 3.0, 4.0, 5.0}
        elif event["type"] in {"search", "chat", "review"}:
            assert event["text"] and event["properties"]["language"] in {"en", "zh"}
        else:
            assert event["value"] is None and event["text"] is None


def test_traffic_has_weekly_rhythm_popular_items_and_returning_users(
    default_run: tuple[DemoStore, float],
) -> None:
    store = default_run[0]
    start = DEFAULT_START.timestamp()
    views = [e for e in store.events if e["type"] == "view"]
    per_day = np.bincount([int((e["timestamp"] - start) // 86_400) for e in views])
    assert per_day.max() > 1.5 * np.median(per_day)  # the promotion day stands out
    item_views = np.sort(np.array(list(Counter(e["item_id"] for e in views).values())))[::-1]
    top_share = item_views[: len(item_views) // 10].sum() / item_views.sum()
    assert top_share > 0.3  # a long tail: the top 10% of items get a large share
    days_per_user: dict[str, set[int]] = defaultdict(set)
    for e in views:
        days_per_user[e["user_id"]].add(int((e["timestamp"] - start) // 86_400))
    assert np.median([len(d) for d in days_per_user.values()]) >= 5
    repeats = Counter((e["session_id"], e["item_id"]) for e in views)
    assert sum(1 for n in repeats.values() if n > 1) > 0.02 * len(repeats)
