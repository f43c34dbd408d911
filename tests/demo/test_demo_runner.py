"""What the demo prints for a user to try, and the days its store covers."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

from uxlift.demo import DemoStore
from uxlift.demo.generator import DEFAULT_START
from uxlift.demo.runner import DEMO_DAYS, most_active_user, recent_start


def test_the_suggested_shopper_is_the_most_active_one(small_store: DemoStore) -> None:
    counts = Counter(e["user_id"] for e in small_store.events)
    user = most_active_user(small_store)
    assert counts[user] == max(counts.values())
    assert user == most_active_user(small_store)


def test_the_demo_ends_in_the_last_week_with_the_default_stores_weekdays() -> None:
    after_midnight_in_tokyo = datetime(2026, 12, 2, 0, 30, tzinfo=timezone(timedelta(hours=9)))
    start = recent_start(after_midnight_in_tokyo)  # last midnight: 2026-12-01 UTC
    end = start + timedelta(days=DEMO_DAYS)
    assert timedelta(0) <= datetime(2026, 12, 1, tzinfo=UTC) - end < timedelta(days=7)
    assert (start - DEFAULT_START) % timedelta(weeks=1) == timedelta(0)
