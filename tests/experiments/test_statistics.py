"""Sufficient statistics: means, variances and the delta method from sums alone."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gbstats.models.statistics import RatioStatistic, SampleMeanStatistic

from uxlift.errors import InvalidInput
from uxlift.experiments.statistics import (
    AdjustedStats,
    MeanStats,
    ProportionStats,
    RatioStats,
    adjusted_stats,
    covariate_stats,
    mean_stats,
    proportion_stats,
    ratio_stats,
)

RNG = np.random.default_rng(20240801)
EXPOSURES = RNG.poisson(6.0, 800) + 1.0
CLICKS = RNG.binomial(EXPOSURES.astype(int), RNG.beta(2.0, 14.0, 800)).astype(float)


def test_mean_stats_match_numpy() -> None:
    values = RNG.lognormal(1.0, 0.8, 300)
    stats = mean_stats(values)
    assert stats.n == 300
    assert stats.mean == pytest.approx(values.mean(), rel=1e-12)
    assert stats.variance == pytest.approx(values.var(ddof=1), rel=1e-9)


def test_proportion_stats_use_the_bernoulli_variance() -> None:
    stats = proportion_stats([1, 0, 0, 1, 0, 0, 0, 0])
    assert (stats.n, stats.successes) == (8, 2.0)
    assert stats.mean == 0.25
    assert stats.variance == pytest.approx(0.25 * 0.75)
    assert stats.sum_squares == stats.total == 2.0


def test_ratio_variance_from_sums_equals_the_delta_method_on_unit_arrays() -> None:
    stats = ratio_stats(CLICKS, EXPOSURES)
    cov = np.cov(CLICKS, EXPOSURES)  # ddof = 1
    mu_m, mu_d = CLICKS.mean(), EXPOSURES.mean()
    expected = (
        cov[0, 0] / mu_d**2 - 2.0 * cov[0, 1] * mu_m / mu_d**3 + mu_m**2 * cov[1, 1] / mu_d**4
    )
    assert stats.mean == pytest.approx(CLICKS.sum() / EXPOSURES.sum(), rel=1e-12)
    assert stats.covariance == pytest.approx(cov[0, 1], rel=1e-9)
    assert stats.variance == pytest.approx(expected, rel=1e-9)


def test_ratio_variance_matches_gbstats() -> None:
    stats = ratio_stats(CLICKS, EXPOSURES)
    theirs = RatioStatistic(
        n=stats.n,
        m_statistic=SampleMeanStatistic(
            n=stats.n, sum=stats.numerator.total, sum_squares=stats.numerator.sum_squares
        ),
        d_statistic=SampleMeanStatistic(
            n=stats.n, sum=stats.denominator.total, sum_squares=stats.denominator.sum_squares
        ),
        m_d_sum_of_products=stats.sum_products,
    )
    assert abs(stats.mean - theirs.mean) <= 1e-12
    assert abs(stats.variance - theirs.variance) <= 1e-9


def test_the_delta_method_variance_predicts_the_spread_of_the_ratio() -> None:
    rng = np.random.default_rng(5)
    ratios, predicted = [], []
    for _ in range(400):
        exposures = rng.poisson(4.0, 500) + 1.0
        clicks = rng.binomial(exposures.astype(int), rng.beta(1.0, 6.0, 500)).astype(float)
        stats = ratio_stats(clicks, exposures)
        ratios.append(stats.mean)
        predicted.append(stats.variance / stats.n)
    assert np.var(ratios) == pytest.approx(np.mean(predicted), rel=0.2)


def test_adjusted_stats_moments_equal_those_of_the_adjusted_values() -> None:
    pre = RNG.gamma(2.0, 3.0, 500)
    post = 0.7 * pre + RNG.normal(0.0, 2.0, 500)
    stats = adjusted_stats(post, pre, theta=0.6)
    adjusted = post - 0.6 * pre
    assert stats.mean == pytest.approx(adjusted.mean(), rel=1e-12)
    assert stats.unadjusted_mean == pytest.approx(post.mean(), rel=1e-12)
    assert stats.variance == pytest.approx(adjusted.var(ddof=1), rel=1e-9)
    pre_stats, products = covariate_stats(post, pre)
    assert isinstance(pre_stats, MeanStats)
    assert products == pytest.approx(float(post @ pre))


@pytest.mark.parametrize("n", [0, 1])
def test_undefined_moments_are_nan_not_errors(n: int) -> None:
    stats = mean_stats(np.ones(n))
    assert math.isnan(stats.variance)
    assert math.isnan(ProportionStats(n=0, successes=0).mean)
    ratio = RatioStats(
        n=2, numerator=MeanStats(2, 1.0, 1.0), denominator=MeanStats(2, 0.0, 0.0), sum_products=0.0
    )
    assert math.isnan(ratio.mean)
    assert math.isnan(ratio.variance)


def test_a_constant_metric_has_zero_not_negative_variance() -> None:
    assert mean_stats(np.full(1000, 0.1)).variance == 0.0


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: MeanStats(n=-1, total=0.0, sum_squares=0.0), "n"),
        (lambda: MeanStats(n=2.5, total=0.0, sum_squares=0.0), "n"),
        (lambda: MeanStats(n=3, total=float("nan"), sum_squares=1.0), "total"),
        (lambda: MeanStats(n=3, total=1.0, sum_squares=-1.0), "sum_squares"),
        (lambda: ProportionStats(n=10, successes=11), "successes"),
        (lambda: ProportionStats(n=10, successes=-1), "successes"),
        (
            lambda: RatioStats(
                n=3,
                numerator=MeanStats(2, 1.0, 1.0),
                denominator=MeanStats(3, 1.0, 1.0),
                sum_products=0.0,
            ),
            "numerator",
        ),
        (
            lambda: AdjustedStats(
                n=2,
                post=MeanStats(2, 1.0, 1.0),
                pre=MeanStats(2, 1.0, 1.0),
                sum_products=1.0,
                theta=float("inf"),
            ),
            "theta",
        ),
        (lambda: proportion_stats([0, 1, 2]), "flags"),
        (lambda: ratio_stats([1.0, 2.0], [1.0]), "numerators"),
    ],
)
def test_invalid_statistics_are_rejected_naming_the_field(build, field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        build()


def test_statistics_serialize_to_json_safe_dicts() -> None:
    assert ProportionStats(n=0, successes=0).to_dict() == {
        "n": 0,
        "successes": 0.0,
        "mean": None,
        "variance": None,
    }
    assert mean_stats([1.0, 3.0]).to_dict()["variance"] == 2.0
