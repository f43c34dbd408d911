"""What the demo prints for a user to try."""

from __future__ import annotations

from collections import Counter

from uxlift.demo import DemoStore
from uxlift.demo.runner import most_active_user


def test_the_suggested_shopper_is_the_most_active_one(small_store: DemoStore) -> None:
    counts = Counter(e["user_id"] for e in small_store.events)
    user = most_active_user(small_store)
    assert counts[user] == max(counts.values())
    assert user == most_active_user(small_store)
