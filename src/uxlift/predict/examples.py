"""Labelled examples from the log, and the chronological split they are judged on.

An example is a view (or exposure) of item i by user u at time t; its label is
whether u performed the target action (click, add to cart, purchase) on i
within the horizon after t. Views too recent for the horizon to have passed
are left out: their label is not known yet. The split is by time, never
random, with an embargo of one horizon before each cut so no training label
looks into the validation or test period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from uxlift.errors import InvalidInput
from uxlift.predict.event_log import ANCHOR_KINDS, KIND, TARGETS, CatalogFrame, EventLog
from uxlift.predict.features import FeatureBuilder
from uxlift.predict.prefix import GroupTimeline, pair_key
from uxlift.predict.queries import Queries, anchored_queries

PARTS = ("train", "validation", "test")


def label_anchors(
    log: EventLog, n_items: int, *, target: str, horizon_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """(anchor positions, 0/1 labels) for every view whose horizon has fully passed."""
    if target not in TARGETS:
        raise InvalidInput(f"target must be one of {list(TARGETS)}, not {target!r}")
    if horizon_s <= 0:
        raise InvalidInput("horizon must be positive")
    is_anchor = np.isin(log.kind, [KIND[k] for k in ANCHOR_KINDS]) & (log.item >= 0)
    anchors = np.flatnonzero(is_anchor & (log.time + horizon_s <= log.end))
    is_target = log.kind == KIND[target]
    outcomes = GroupTimeline(np.where(is_target, pair_key(log.user, log.item, n_items), -1))
    after = np.searchsorted(log.time, log.time[anchors], side="right")  # strictly after t
    following = outcomes.next_from(pair_key(log.user[anchors], log.item[anchors], n_items), after)
    hit = following >= 0
    labels = np.zeros(len(anchors), dtype=np.int8)
    labels[hit] = log.time[following[hit]] <= log.time[anchors[hit]] + horizon_s
    return anchors, labels


@dataclass(frozen=True)
class ChronologicalSplit:
    """Validation starts at ``validation_start``, test at ``test_start``."""

    validation_start: float
    test_start: float
    horizon_s: float

    def assign(self, times: np.ndarray) -> np.ndarray:
        """0 train, 1 validation, 2 test, -1 embargoed (label would cross a cut)."""
        part = np.full(len(times), -1, dtype=np.int8)
        part[times + self.horizon_s <= self.validation_start] = 0
        part[(times >= self.validation_start) & (times + self.horizon_s <= self.test_start)] = 1
        part[times >= self.test_start] = 2
        return part


def chronological_split(
    times: np.ndarray, *, horizon_s: float, validation: float = 0.15, test: float = 0.15
) -> ChronologicalSplit:
    """Cut at time quantiles so the last ``test`` share of examples is the test set."""
    if not (0 < validation < 1 and 0 < test < 1 and validation + test < 0.9):
        raise InvalidInput("validation and test shares must be in (0, 1) and leave room to train")
    if len(times) < 20:
        raise InvalidInput(f"too few labelled examples to split by time ({len(times)})")
    sorted_times = np.sort(times)
    cut_test = float(np.quantile(sorted_times, 1 - test))
    cut_val = float(np.quantile(sorted_times, 1 - test - validation))
    return ChronologicalSplit(cut_val, cut_test, horizon_s)


@dataclass(frozen=True)
class Dataset:
    """Feature rows, labels and the queries they describe, each tagged with its part."""

    X: np.ndarray
    y: np.ndarray
    queries: Queries
    part: np.ndarray
    split: ChronologicalSplit
    feature_names: tuple[str, ...]

    def rows(self, name: str) -> np.ndarray:
        return np.flatnonzero(self.part == PARTS.index(name))

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            name: {"examples": len(r), "positives": int(self.y[r].sum())}
            for name in PARTS
            for r in [self.rows(name)]
        }


def build_dataset(
    log: EventLog,
    catalog: CatalogFrame,
    builder: FeatureBuilder,
    *,
    target: str,
    horizon_s: float,
    validation: float = 0.15,
    test: float = 0.15,
    progress: Callable[[int], None] | None = None,
) -> Dataset:
    """Label every observable view, split by time, and compute features point in time."""
    anchors, labels = label_anchors(log, len(catalog), target=target, horizon_s=horizon_s)
    split = chronological_split(
        log.time[anchors], horizon_s=horizon_s, validation=validation, test=test
    )
    part = split.assign(log.time[anchors])
    keep = part >= 0
    anchors, labels, part = anchors[keep], labels[keep], part[keep]
    queries = anchored_queries(log, anchors)
    X = builder.transform(log, catalog, queries, progress=progress)
    return Dataset(X, labels, queries, part, split, builder.feature_names)
