"""Labels look only forward within the horizon; the split is by time with an embargo."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.errors import InvalidInput
from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.examples import build_dataset, chronological_split, label_anchors
from uxlift.predict.features import FeatureBuilder


def _log(rows: list[tuple[str, int, str, float]]) -> EventLog:
    return EventLog.from_columns(
        user_keys=[r[0] for r in rows],
        item_codes=np.array([r[1] for r in rows]),
        kinds=[r[2] for r in rows],
        times=np.array([r[3] for r in rows]),
        session_ids=[None] * len(rows),
    )


def test_labels_count_the_target_within_the_horizon_only() -> None:
    log = _log(
        [
            ("a", 0, "view", 0.0),  # bought 50 s later: positive
            ("a", 0, "purchase", 50.0),
            ("a", 1, "view", 60.0),  # bought after the horizon: negative
            ("b", 0, "view", 70.0),  # someone else bought item 0: negative for b
            ("a", 1, "purchase", 200.0),
            ("a", 2, "view", 950.0),  # horizon not over by the end of the log: left out
            ("a", 2, "click", 1000.0),
        ]
    )
    anchors, labels = label_anchors(log, 3, target="purchase", horizon_s=100.0)
    assert log.kind[anchors].tolist() == [KIND["view"]] * 3
    assert log.time[anchors].tolist() == [0.0, 60.0, 70.0]
    assert labels.tolist() == [1, 0, 0]
    with pytest.raises(InvalidInput, match="target"):
        label_anchors(log, 3, target="teleport", horizon_s=100.0)


def test_split_is_chronological_with_an_embargo() -> None:
    times = np.arange(1000, dtype=float)
    split = chronological_split(times, horizon_s=10.0)
    part = split.assign(times)
    train, val, test = (times[part == k] for k in range(3))
    assert train.max() + 10 <= split.validation_start <= val.min()
    assert val.max() + 10 <= split.test_start <= test.min()
    assert len(test) == pytest.approx(150, abs=2)
    assert (part == -1).sum() > 0  # examples whose label would cross a cut are dropped


def test_dataset_parts_and_counts(demo_catalog: CatalogFrame, demo_log: EventLog) -> None:
    dataset = build_dataset(
        demo_log, demo_catalog, FeatureBuilder().fit(demo_catalog), target="click",
        horizon_s=3600.0,
    )  # fmt: skip
    counts = dataset.counts()
    assert counts["train"]["examples"] > counts["test"]["examples"] > 0
    assert all(c["positives"] > 0 for c in counts.values())
    train, test = dataset.rows("train"), dataset.rows("test")
    assert dataset.queries.time[train].max() < dataset.queries.time[test].min()
    assert dataset.X.shape == (len(dataset.y), len(dataset.feature_names))
