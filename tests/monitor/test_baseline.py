"""Seasonal baselines: a daily curve from history, z-scores that behave in control."""

from __future__ import annotations

import numpy as np

from uxlift.monitor.baseline import SeasonalBaseline

HOURS = 24


def _stream(rng: np.random.Generator, days: int, profile: np.ndarray, share: float = 0.2):
    mu = np.tile(profile, days)
    volume = rng.poisson(mu)
    return volume, rng.binomial(volume, share)


def test_a_smooth_daily_profile_is_learned_and_new_windows_score_near_normal() -> None:
    rng = np.random.default_rng(0)
    profile = 80 + 50 * np.sin(2 * np.pi * np.arange(HOURS) / HOURS)
    volume, negatives = _stream(rng, 28, profile)
    baseline = SeasonalBaseline(period=HOURS).fit(volume, negatives)
    assert np.max(np.abs(baseline.volume_ - profile) / np.sqrt(profile)) < 0.35
    assert abs(baseline.share_ - 0.2) < 0.01
    new_volume, new_negatives = _stream(rng, 60, profile)
    windows = baseline.n_history_ + np.arange(len(new_volume))
    z_volume, z_share = baseline.z_scores(new_volume, new_negatives, windows)
    assert abs(z_volume.mean()) < 0.1 and 0.85 < z_volume.std() < 1.15
    assert abs(np.nanmean(z_share)) < 0.1 and 0.85 < np.nanstd(z_share) < 1.15


def test_a_jagged_profile_keeps_its_own_slot_means() -> None:
    rng = np.random.default_rng(1)
    profile = np.where(np.arange(HOURS) % 2 == 0, 40.0, 160.0)  # no smooth curve fits this
    volume, negatives = _stream(rng, 28, profile)
    baseline = SeasonalBaseline(period=HOURS).fit(volume, negatives)
    assert np.max(np.abs(baseline.volume_ - profile) / np.sqrt(profile)) < 0.6


def test_a_surge_in_negatives_stands_out() -> None:
    rng = np.random.default_rng(2)
    profile = np.full(HOURS, 100.0)
    volume, negatives = _stream(rng, 14, profile)
    baseline = SeasonalBaseline(period=HOURS).fit(volume, negatives)
    _, z_share = baseline.z_scores(np.array([100]), np.array([45]), np.array([400]))
    assert z_share[0] > 5
