"""Temperature scaling recovers a known temperature; ECE measures the gap."""

from __future__ import annotations

import numpy as np

from uxlift.text.calibration import apply_temperature, expected_calibration_error, fit_temperature


def _sample(true_logits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    proba = apply_temperature(true_logits, 1.0)
    return np.array([rng.choice(proba.shape[1], p=p) for p in proba])


def test_fit_temperature_undoes_overconfidence() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 5)) * 2.0
    labels = _sample(true_logits, rng)
    overconfident = true_logits * 3.0
    temperature = fit_temperature(overconfident, labels)
    assert 2.6 < temperature < 3.4
    calibrated = apply_temperature(overconfident, temperature)
    raw = apply_temperature(overconfident, 1.0)
    assert (
        expected_calibration_error(calibrated, labels) < expected_calibration_error(raw, labels) / 2
    )


def test_temperature_never_changes_the_predicted_class() -> None:
    logits = np.random.default_rng(1).normal(size=(50, 4))
    np.testing.assert_array_equal(
        apply_temperature(logits, 4.0).argmax(axis=1), logits.argmax(axis=1)
    )


def test_ece_is_zero_for_a_perfect_confident_model() -> None:
    proba = np.eye(3)[[0, 1, 2, 1]]
    assert expected_calibration_error(proba, np.array([0, 1, 2, 1])) == 0.0
    assert expected_calibration_error(proba, np.array([1, 0, 0, 0])) == 1.0
