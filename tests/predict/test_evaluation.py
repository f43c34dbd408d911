"""Metrics of predicted probabilities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from uxlift.predict.evaluation import (
    binary_ece,
    binary_report,
    reliability_bins,
    reliability_png,
)


def test_calibrated_probabilities_have_small_ece_and_shifted_ones_do_not() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 0.3, 20000)
    y = (rng.random(20000) < p).astype(int)
    assert binary_ece(y, p) < 0.01
    assert binary_ece(y, np.minimum(p * 2, 1)) > 0.1


def test_report_and_reliability_points() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    p = np.array([0.1, 0.2, 0.8, 0.7, 0.4, 0.3])
    report = binary_report(y, p)
    assert report["roc_auc"] == pytest.approx(8 / 9)
    assert report["accuracy"] == pytest.approx(5 / 6)
    assert report["classification_report"]["yes"]["support"] == 3
    points = reliability_bins(y, p, bins=3)
    assert [pt["count"] for pt in points] == [2, 2, 2]
    assert points[-1]["observed"] == 1.0
    single = binary_report(np.zeros(4, int), np.full(4, 0.1))
    assert np.isnan(single["roc_auc"]) and single["positives"] == 0


def test_reliability_png_is_an_image(tmp_path: Path) -> None:
    points = reliability_bins(np.array([0, 1] * 50), np.linspace(0.01, 0.9, 100))
    path = reliability_png({"lightgbm": points}, tmp_path / "r.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
