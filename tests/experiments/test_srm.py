"""Sample-ratio mismatch: Pearson's chi-square against scipy and gbstats."""

from __future__ import annotations

import math

import pytest
from gbstats.utils import check_srm
from scipy.stats import chisquare

from uxlift.errors import InvalidInput
from uxlift.experiments.srm import srm_test

CASES = [
    ({"control": 10_000, "treatment": 10_400}, {"control": 0.5, "treatment": 0.5}),
    ({"a": 5_120, "b": 4_950, "c": 10_030}, {"a": 1.0, "b": 1.0, "c": 2.0}),
    ({"a": 801, "b": 199}, {"a": 80.0, "b": 20.0}),
]


@pytest.mark.parametrize(("counts", "weights"), CASES)
def test_srm_equals_scipy_chisquare_and_gbstats(counts, weights) -> None:
    result = srm_test(counts, weights)
    total, weight = sum(counts.values()), sum(weights.values())
    expected = [total * weights[v] / weight for v in counts]
    scipy_result = chisquare(list(counts.values()), expected)
    assert result.statistic == pytest.approx(scipy_result.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(scipy_result.pvalue, abs=1e-9)
    assert list(result.expected) == pytest.approx(expected)
    gb_p = check_srm(list(counts.values()), [weights[v] for v in counts])
    assert abs(result.p_value - gb_p) <= 1e-6
    assert result.dof == len(counts) - 1


def test_mismatch_is_reported_below_the_threshold_only() -> None:
    skewed = srm_test({"a": 10_000, "b": 10_400}, {"a": 1, "b": 1})
    assert skewed.p_value < 0.01
    assert skewed.mismatch is (skewed.p_value < 0.001)
    assert srm_test({"a": 10_000, "b": 10_400}, {"a": 1, "b": 1}, threshold=0.01).mismatch
    assert not srm_test({"a": 10_000, "b": 10_050}, {"a": 1, "b": 1}).mismatch
    assert srm_test({"a": 10_000, "b": 11_000}, {"a": 1, "b": 1}).to_dict()["mismatch"] is True


def test_no_units_or_one_variant_is_insufficient_not_an_error() -> None:
    empty = srm_test({"a": 0, "b": 0}, {"a": 1, "b": 1})
    assert empty.insufficient_data is not None and not empty.mismatch
    assert math.isnan(empty.p_value) and empty.to_dict()["p_value"] is None
    single = srm_test({"a": 10}, {"a": 1})
    assert single.insufficient_data is not None


@pytest.mark.parametrize(
    ("counts", "weights", "field"),
    [
        ({"a": 1, "b": 2}, {"a": 1}, "same variants"),
        ({"a": -1, "b": 2}, {"a": 1, "b": 1}, "counts"),
        ({"a": 1, "b": 2}, {"a": 0, "b": 1}, "weights"),
        ({"a": 1.5, "b": 2}, {"a": 1, "b": 1}, "counts"),
    ],
)
def test_invalid_counts_and_weights_are_rejected(counts, weights, field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        srm_test(counts, weights)
    with pytest.raises(InvalidInput, match="srm_threshold"):
        srm_test({"a": 1, "b": 1}, {"a": 1, "b": 1}, threshold=0.0)
