"""What the demo prints for a user to try, and the days its store covers."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

from uxlift.demo import DemoStore
from uxlift.demo.runner import DEMO_DAYS, most_active_user, recent_start


def test_the_suggested_shopper_is_the_most_active_one(small_store: DemoStore) -> None:
    counts = Counter(e["user_id"] for e in small_store.events)
    user = most_active_user(small_store)
    assert counts[user] == max(counts.values())
    assert user == most_active_user(small_store)


def test_the_demo_ends_at_the_last_midnight_so_the_dashboard_shows_it_all() -> None:
    after_midnight_in_tokyo = datetime(2026, 12, 2, 0, 30, tzinfo=timezone(timedelta(hours=9)))
    start = recent_start(after_midnight_in_tokyo)  # 2026-12-01 15:30 UTC
    assert start + timedelta(days=DEMO_DAYS) == datetime(2026, 12, 1, tzinfo=UTC)
