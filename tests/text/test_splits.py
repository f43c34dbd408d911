"""Validation splits: stratified keeps every class on both sides; time split holds the newest."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.errors import InvalidInput
from uxlift.text.splits import stratified_holdout, validation_split


def test_stratified_split_keeps_class_shares_and_a_training_example_per_class() -> None:
    labels = ["a"] * 50 + ["b"] * 30 + ["c"] * 1
    train, val = validation_split(labels, fraction=0.2, seed=0)
    assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == 81
    held = [labels[i] for i in val]
    assert held.count("a") == 10 and held.count("b") == 6 and held.count("c") == 0
    again = validation_split(labels, fraction=0.2, seed=0)
    np.testing.assert_array_equal(again[1], val)


def test_chronological_split_holds_out_the_newest() -> None:
    times = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 8.0, 4.0, 6.0, 0.0]
    train, val = validation_split(["x"] * 10, strategy="chronological", fraction=0.3, times=times)
    assert sorted(times[i] for i in val) == [7.0, 8.0, 9.0]
    assert max(times[i] for i in train) < min(times[i] for i in val)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "random"}, "validation must be"),
        ({"fraction": 1.5}, "validation_fraction"),
        ({"strategy": "chronological"}, "one time per text"),
    ],
)
def test_bad_split_options_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        validation_split(["a", "b"] * 5, **kwargs)  # type: ignore[arg-type]


def test_holdout_matches_the_requested_share() -> None:
    labels = ["pos"] * 80 + ["neg"] * 20
    train, test = stratified_holdout(labels, test_size=0.2, seed=0)
    assert len(train) == 80 and len(test) == 20 and sum(labels[i] == "neg" for i in test) == 4


def test_many_small_classes_still_give_a_validation_split() -> None:
    labels = [f"intent{i}" for i in range(40) for _ in range(4)]  # 4 texts per class
    train, validation = validation_split(labels, fraction=0.1, seed=0)
    assert len(validation) == 16 and len(train) == 144
    held = [labels[i] for i in validation]
    assert len(set(held)) == 16  # one from each of 16 classes, never a class's last text
