"""Fit and judge predictors on one chronological dataset (no store, no files).

``fit_predictor`` trains one estimator on the train part (validation part for
early stopping, C and recalibration) and reports validation and test metrics,
the reliability curve and feature importance; given the demo generator's true
probabilities for the test rows it adds the ceiling AUC beside them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput
from uxlift.predict.evaluation import binary_report, ceiling_auc, reliability_bins
from uxlift.predict.event_log import CatalogFrame, EventLog
from uxlift.predict.examples import Dataset
from uxlift.predict.model import ESTIMATORS, TEXT_ESTIMATORS
from uxlift.predict.pair_text import pair_texts

log = logging.getLogger(__name__)
DEFAULT_ESTIMATORS = ("logreg", "lightgbm", "cross-encoder")


@dataclass
class FitResult:
    """One trained estimator and how it did."""

    name: str
    estimator: Any
    metrics: dict[str, Any]
    reliability: list[dict[str, float]]
    importance: list[dict[str, Any]] = field(default_factory=list)
    test_probabilities: np.ndarray | None = None


def check_estimators(names: list[str] | tuple[str, ...]) -> list[str]:
    unknown = [n for n in names if n not in ESTIMATORS]
    if unknown or not names:
        raise InvalidInput(
            f"unknown estimator(s) {unknown}; choose from {sorted(ESTIMATORS)}",
            details=[{"field": "estimators", "message": f"unknown: {', '.join(unknown)}"}],
        )
    return list(dict.fromkeys(names))


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "classification_report"}


def fit_predictor(
    name: str,
    dataset: Dataset,
    log_: EventLog,
    catalog: CatalogFrame,
    *,
    params: dict[str, Any] | None = None,
    truth_test: np.ndarray | None = None,
    random_state: int = 0,
    texts: Callable[[np.ndarray], list[str]] | None = None,
) -> FitResult:
    """Train ``name`` on the dataset's train rows and report validation/test metrics."""
    train, val, test = dataset.rows("train"), dataset.rows("validation"), dataset.rows("test")
    if len(np.unique(dataset.y[train])) < 2:
        raise InvalidInput("the training period has no positive (or no negative) examples")
    estimator = ESTIMATORS[name](**{"random_state": random_state, **(params or {})})
    started = time.perf_counter()
    if name in TEXT_ESTIMATORS:
        text_of = texts or (lambda rows: pair_texts(log_, catalog, dataset.queries.take(rows)))
        estimator.fit(
            text_of(train), dataset.y[train], times=dataset.queries.time[train],
            eval_set=(text_of(val), dataset.y[val]),
        )  # fmt: skip
        fit_seconds = time.perf_counter() - started
        p_val = estimator.predict_proba(text_of(val))[:, 1]
        p_test = estimator.predict_proba(text_of(test))[:, 1]
    else:
        estimator.fit(dataset.X[train], dataset.y[train], eval_set=(dataset.X[val], dataset.y[val]))
        fit_seconds = time.perf_counter() - started
        p_val = estimator.predict_proba(dataset.X[val])[:, 1]
        p_test = estimator.predict_proba(dataset.X[test])[:, 1]
    test_report = binary_report(dataset.y[test], p_test)
    metrics: dict[str, Any] = {
        "validation": _summary(binary_report(dataset.y[val], p_val)),
        "test": _summary(test_report),
        "classification_report": test_report["classification_report"],
        "fit_seconds": round(fit_seconds, 2),
    }
    if truth_test is not None:
        metrics["ceiling_roc_auc"] = ceiling_auc(dataset.y[test], truth_test)
    importance: list[dict[str, Any]] = []
    if hasattr(estimator, "feature_importance"):
        values = estimator.feature_importance()
        total = float(values.sum()) or 1.0
        importance = [
            {"feature": dataset.feature_names[j], "importance": round(float(values[j]) / total, 5)}
            for j in np.argsort(-values, kind="stable")
        ]
    log.info("%s: test ROC-AUC %.4f", name, test_report["roc_auc"])
    return FitResult(
        name=name,
        estimator=estimator,
        metrics=metrics,
        reliability=reliability_bins(dataset.y[test], p_test),
        importance=importance,
        test_probabilities=p_test,
    )
