"""Keyed-hash assignment: stable, uniform, independent across experiments; a skewed
split is caught by the sample-ratio check."""

from __future__ import annotations

import numpy as np
from scipy.stats import chisquare

from uxlift.experiments.assignment import assign, buckets, variant_index
from uxlift.experiments.srm import srm_test

USERS = [f"u_{i:032x}" for i in range(20_000)]


def test_the_same_user_always_gets_the_same_variant() -> None:
    first = [assign(u, "salt-a", [1, 1, 2]) for u in USERS[:500]]
    again = [assign(u, "salt-a", [1, 1, 2]) for u in USERS[:500]]
    assert first == again


def test_assignment_is_uniform_for_the_configured_weights() -> None:
    counts = np.bincount([assign(u, "salt-b", [1, 1, 2]) for u in USERS], minlength=3)
    expected = np.array([0.25, 0.25, 0.5]) * len(USERS)
    assert chisquare(counts, expected).pvalue > 0.001
    draws = np.array([buckets(u, "salt-b")[1] for u in USERS])
    assert abs(draws.mean() - 0.5) < 0.01 and draws.min() >= 0 and draws.max() < 1


def test_experiments_with_different_salts_are_independent() -> None:
    a = np.array([assign(u, "salt-1", [1, 1]) for u in USERS])
    b = np.array([assign(u, "salt-2", [1, 1]) for u in USERS])
    table = np.array([[np.sum((a == i) & (b == j)) for j in (0, 1)] for i in (0, 1)])
    assert chisquare(table.ravel(), np.full(4, len(USERS) / 4)).pvalue > 0.001


def test_traffic_share_does_not_move_users_between_variants() -> None:
    full = {u: assign(u, "salt-c", [1, 1]) for u in USERS[:2000]}
    half = {u: assign(u, "salt-c", [1, 1], traffic=0.5) for u in USERS[:2000]}
    taking_part = [u for u, v in half.items() if v is not None]
    assert 0.45 < len(taking_part) / 2000 < 0.55
    assert all(half[u] == full[u] for u in taking_part)


def test_variant_slices_follow_cumulative_weights() -> None:
    assert variant_index(0.0, [1, 3]) == 0
    assert variant_index(0.2499, [1, 3]) == 0
    assert variant_index(0.25, [1, 3]) == 1
    assert variant_index(0.999999, [1, 3]) == 1


def test_a_52_48_skew_on_20k_users_is_flagged_and_a_fair_split_is_not() -> None:
    skewed = np.bincount([assign(u, "salt-d", [52, 48]) for u in USERS], minlength=2)
    fair = np.bincount([assign(u, "salt-d", [50, 50]) for u in USERS], minlength=2)
    weights = {"control": 0.5, "treatment": 0.5}
    flagged = srm_test({"control": int(skewed[0]), "treatment": int(skewed[1])}, weights)
    passed = srm_test({"control": int(fair[0]), "treatment": int(fair[1])}, weights)
    assert flagged.mismatch and flagged.p_value < 0.001
    assert not passed.mismatch
