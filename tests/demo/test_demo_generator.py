"""Determinism, parameters and the on-disk round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from uxlift.demo import DemoStore, generate_store, load_truth
from uxlift.errors import InvalidInput

from .conftest import SMALL


def test_same_seed_gives_identical_output(small_store: DemoStore) -> None:
    again = generate_store(**SMALL)
    assert again.items == small_store.items
    assert again.events == small_store.events
    assert again.planted_pii == small_store.planted_pii
    assert again.users == small_store.users
    assert again.truth.to_dict() == small_store.truth.to_dict()


def test_another_seed_gives_another_store(small_store: DemoStore) -> None:
    other = generate_store(**{**SMALL, "seed": SMALL["seed"] + 1})
    assert other.users != small_store.users
    assert other.events[0]["event_id"] != small_store.events[0]["event_id"]


def test_start_and_days_bound_the_timestamps() -> None:
    start = datetime(2025, 3, 3, tzinfo=UTC)
    store = generate_store(seed=1, n_items=120, n_users=60, days=10, start=start)
    stamps = [e["timestamp"] for e in store.events]
    assert stamps == sorted(stamps)
    assert start.timestamp() <= stamps[0] and stamps[-1] < start.timestamp() + 10 * 86_400


@pytest.mark.parametrize(
    "bad", [{"n_items": 3}, {"days": 0}, {"chinese_share": 1.5}, {"start": datetime(2026, 1, 1)}]
)
def test_invalid_parameters_are_rejected(bad: dict) -> None:
    with pytest.raises(InvalidInput):
        generate_store(**bad)


def test_write_round_trip(small_store: DemoStore, tmp_path: Path) -> None:
    paths = small_store.write(tmp_path / "demo")
    assert set(paths) == {"items", "events", "faq", "chat_openers", "truth"}
    lines = paths["events"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(small_store.events)
    assert json.loads(lines[0]) == small_store.events[0]
    items = [json.loads(line) for line in paths["items"].read_text(encoding="utf-8").splitlines()]
    assert items == small_store.items
    assert "订单" in paths["faq"].read_text(encoding="utf-8")  # Chinese kept unescaped
    truth = load_truth(paths["truth"])
    item_ids = [i["item_id"] for i in small_store.items]
    users = (small_store.users * 2)[: len(item_ids)]
    np.testing.assert_array_equal(
        truth.purchase_probabilities(users, item_ids),
        small_store.truth.purchase_probabilities(users, item_ids),
    )


def test_load_truth_rejects_foreign_files(tmp_path: Path) -> None:
    path = tmp_path / "truth.json"
    path.write_text(json.dumps({"format": "something-else"}), encoding="utf-8")
    with pytest.raises(InvalidInput):
        load_truth(path)
