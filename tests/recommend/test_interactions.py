"""The holdout split follows the benchmark protocol to the row."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.errors import InvalidInput
from uxlift.recommend.interactions import Interactions, catalog_order, holdout_split


def _log(rows: list[tuple[str, str, float]], catalog: list[str]) -> Interactions:
    users, items, times = zip(*rows, strict=True)
    return Interactions.from_ids(
        np.array(users), np.array(items), np.array(times, dtype=float), catalog_order(catalog)
    )


def test_last_fifth_of_each_user_is_held_out_at_least_one() -> None:
    rows = [("a", str(i), float(i)) for i in range(12)]  # 12 -> floor(2.4) = 2 held out
    rows += [("b", str(i), float(i)) for i in range(5)]  # 5 -> 1
    rows += [("c", str(i), float(i)) for i in range(4)]  # fewer than 5: dropped
    train, test = holdout_split(_log(rows, [str(i) for i in range(12)]))
    held = {train.user_ids[u]: sorted(test.item[test.user == u].tolist())
            for u in np.unique(test.user)}  # fmt: skip
    assert held == {"a": [10, 11], "b": [4]}
    assert "c" not in {train.user_ids[u] for u in np.unique(train.user)}
    assert len(train) == 10 + 4


def test_ties_in_time_are_broken_by_item_id_in_numeric_order() -> None:
    rows = [("a", item, 5.0) for item in ["10", "9", "2", "100", "1"]]
    data = _log(rows, ["1", "2", "9", "10", "100"])
    _, test = holdout_split(data)
    assert data.item_ids[test.item].tolist() == ["100"]  # the largest id comes last


def test_catalog_order_is_numeric_only_when_every_id_is_a_number() -> None:
    assert catalog_order(["10", "9", "2"]).tolist() == ["2", "9", "10"]
    assert catalog_order(["b10", "a9", "9"]).tolist() == ["9", "a9", "b10"]


def test_unknown_items_and_missing_times_are_named() -> None:
    with pytest.raises(InvalidInput) as unknown:
        Interactions.from_ids(np.array(["a"]), np.array(["x"]), np.array([1.0]), np.array(["y"]))
    assert unknown.value.details[0]["field"] == "item_id"
    with pytest.raises(InvalidInput) as missing:
        Interactions.from_ids(np.array(["a"]), np.array(["y"]), np.array([np.nan]),
                              np.array(["y"]))  # fmt: skip
    assert missing.value.details[0]["field"] == "timestamp"


def test_matrix_adds_repeats_and_seen_is_binary() -> None:
    data = _log([("a", "1", 1.0), ("a", "1", 2.0), ("a", "2", 3.0)], ["1", "2", "3"])
    assert data.matrix().toarray().tolist() == [[2.0, 1.0, 0.0]]
    assert data.seen().toarray().tolist() == [[1.0, 1.0, 0.0]]
