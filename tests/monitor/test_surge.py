"""Surge detectors: thresholds from a false-alarm rate, exact standardization, alarms."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.monitor.surge import (
    DetectorSettings,
    SurgeDetector,
    binomial_z,
    cusum_arl0,
    cusum_threshold,
    ewma_limit,
    poisson_z,
)


def test_the_cusum_threshold_gives_the_asked_false_alarm_rate() -> None:
    h = cusum_threshold(500.0, 0.5)
    assert cusum_arl0(h, 0.5) == pytest.approx(500.0, rel=1e-6)
    assert cusum_threshold(1000.0, 0.5) > h > cusum_threshold(100.0, 0.5)
    with pytest.raises(ValueError):
        cusum_threshold(1.0)


@pytest.mark.parametrize("method", ["cusum", "ewma"])
def test_in_control_normal_noise_alarms_about_once_per_arl0(method: str) -> None:
    rng = np.random.default_rng(3)
    z = rng.standard_normal(200_000)
    alarms = SurgeDetector(DetectorSettings(method=method, arl0=500)).run(z).sum()
    assert 350 < len(z) / alarms < 700


@pytest.mark.parametrize("method", ["cusum", "ewma"])
def test_a_three_sigma_shift_is_seen_within_a_few_windows(method: str) -> None:
    rng = np.random.default_rng(4)
    delays = []
    for _ in range(200):
        z = np.concatenate([rng.standard_normal(50), rng.standard_normal(50) + 3.0])
        detector = SurgeDetector(DetectorSettings(method=method, arl0=500))
        alarms = np.flatnonzero(detector.run(z))
        after = alarms[alarms >= 50]
        delays.append(after[0] - 49)
    assert np.mean(delays) <= 3.2


def test_cooldown_silences_alarms_after_one() -> None:
    z = np.full(30, 5.0)
    loud = SurgeDetector(DetectorSettings(arl0=500)).run(z).sum()
    quiet = SurgeDetector(DetectorSettings(arl0=500, cooldown=10)).run(z).sum()
    assert loud > quiet >= 2


def test_count_statistics_are_centred_and_scaled_exactly() -> None:
    rng = np.random.default_rng(5)
    mu = np.full(100_000, 12.0)
    z = poisson_z(rng.poisson(mu), mu)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1.0) < 0.01
    n = rng.poisson(60, 100_000)
    share = binomial_z(rng.binomial(n, 0.1), n, 0.1, min_volume=20)
    assert abs(np.nanmean(share)) < 0.01 and abs(np.nanstd(share) - 1.0) < 0.01
    assert np.isnan(binomial_z(np.array([1]), np.array([5]), 0.1, min_volume=20)[0])


def test_the_ewma_limit_is_below_the_two_sided_textbook_value() -> None:
    # one-sided charts need a lower limit than the two-sided L = 2.814 for the same ARL0
    assert 2.3 < ewma_limit(500.0, 0.1) < 2.814


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        DetectorSettings(method="shewhart")
    with pytest.raises(ValueError):
        DetectorSettings(arl0=0.5)


def test_the_ewma_limit_widens_for_an_uncertain_baseline_and_keeps_its_arl0() -> None:
    from uxlift.monitor.surge import ewma_arl0

    known, uncertain = ewma_limit(500.0, 0.1), ewma_limit(500.0, 0.1, 0.1)
    assert uncertain > known
    assert abs(ewma_arl0(uncertain, 0.1, 0.1) - 500.0) < 5.0
    assert ewma_arl0(known, 0.1, 0.1) < 450.0  # ignoring the uncertainty alarms more often


def test_a_very_uncertain_baseline_gives_a_finite_threshold() -> None:
    from uxlift.monitor.surge import DetectorSettings, cusum_arl

    assert cusum_arl(4.0, 0.5, shift=-200.0) == float("inf")
    for method in ("cusum", "ewma"):
        settings = DetectorSettings(method=method)
        wide = settings.threshold(offset_sd=25.0)
        assert wide == settings.threshold(offset_sd=1.0) > settings.threshold()
