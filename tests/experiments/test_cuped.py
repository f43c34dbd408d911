"""CUPED: pooled theta, adjusted means from raw arrays, variance reduction, gbstats parity."""

from __future__ import annotations

import numpy as np
import pytest
from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig
from gbstats.frequentist.tests import FrequentistConfig, TwoSidedTTest
from gbstats.models.statistics import compute_theta

from tests.experiments.peers import gb_adjusted
from uxlift.errors import InvalidInput
from uxlift.experiments.bayesian import bayesian_test
from uxlift.experiments.cuped import cuped_adjust, pooled_theta
from uxlift.experiments.frequentist import welch_test
from uxlift.experiments.statistics import (
    covariate_stats,
    mean_stats,
    proportion_stats,
    ratio_stats,
)

RNG = np.random.default_rng(7)
X_A = RNG.gamma(2.0, 10.0, 1500)
X_B = RNG.gamma(2.0, 10.0, 1400)
Y_A = 5.0 + 0.9 * X_A + RNG.normal(0.0, 8.0, len(X_A))
Y_B = 6.5 + 0.9 * X_B + RNG.normal(0.0, 8.0, len(X_B))


def _pair(y_a=Y_A, x_a=X_A, y_b=Y_B, x_b=X_B, binary: bool = False):
    build = proportion_stats if binary else mean_stats
    pre_a, products_a = covariate_stats(y_a, x_a, binary=binary)
    pre_b, products_b = covariate_stats(y_b, x_b, binary=binary)
    return cuped_adjust(build(y_a), build(y_b), (pre_a, pre_b), (products_a, products_b))


def test_theta_is_the_pooled_regression_slope() -> None:
    y, x = np.concatenate([Y_A, Y_B]), np.concatenate([X_A, X_B])
    expected = np.cov(y, x)[0, 1] / np.var(x, ddof=1)
    assert _pair().theta == pytest.approx(expected, rel=1e-9)


def test_adjusted_difference_equals_the_one_from_adjusted_unit_values() -> None:
    pair = _pair()
    theta = pair.theta
    x_bar = np.concatenate([X_A, X_B]).mean()
    adjusted_a = Y_A - theta * (X_A - x_bar)
    adjusted_b = Y_B - theta * (X_B - x_bar)
    result = welch_test(pair.control, pair.treatment, relative=False)
    assert result.estimate == pytest.approx(adjusted_b.mean() - adjusted_a.mean(), rel=1e-9)
    assert pair.control.variance == pytest.approx(adjusted_a.var(ddof=1), rel=1e-9)
    assert pair.treatment.variance == pytest.approx(adjusted_b.var(ddof=1), rel=1e-9)


def test_cuped_shrinks_the_interval_on_correlated_data() -> None:
    pair = _pair()
    correlation = np.corrcoef(np.concatenate([Y_A, Y_B]), np.concatenate([X_A, X_B]))[0, 1]
    assert pair.applied
    assert pair.variance_reduction == pytest.approx(correlation**2, abs=0.03)
    plain = welch_test(pair.control.post, pair.treatment.post)
    adjusted = welch_test(pair.control, pair.treatment)
    assert adjusted.ci_high - adjusted.ci_low < 0.6 * (plain.ci_high - plain.ci_low)


def test_a_constant_covariate_falls_back_to_the_unadjusted_metric() -> None:
    pair = _pair(x_a=np.ones_like(X_A), x_b=np.ones_like(X_B))
    assert pair.theta == 0.0 and not pair.applied
    plain = welch_test(pair.control.post, pair.treatment.post)
    adjusted = welch_test(pair.control, pair.treatment)
    assert adjusted.estimate == pytest.approx(plain.estimate, rel=1e-12)
    assert adjusted.std_error == pytest.approx(plain.std_error, rel=1e-12)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("relative", [True, False])
def test_cuped_matches_gbstats_regression_adjustment(binary: bool, relative: bool) -> None:
    if binary:
        x_a, x_b = (RNG.random(3000) < 0.1).astype(float), (RNG.random(3200) < 0.1).astype(float)
        y_a = np.where(RNG.random(3000) < 0.5, x_a, (RNG.random(3000) < 0.08).astype(float))
        y_b = np.where(RNG.random(3200) < 0.5, x_b, (RNG.random(3200) < 0.09).astype(float))
        pair = _pair(y_a, x_a, y_b, x_b, binary=True)
    else:
        pair = _pair()
    a = gb_adjusted(pair.control.post, pair.control.pre, pair.control.sum_products)
    b = gb_adjusted(pair.treatment.post, pair.treatment.pre, pair.treatment.sum_products)
    assert abs(pair.theta - compute_theta(a, b)) <= 1e-9
    difference = "relative" if relative else "absolute"
    theirs = TwoSidedTTest(
        stat_a=a, stat_b=b, config=FrequentistConfig(difference_type=difference)
    ).compute_result()
    ours = welch_test(pair.control, pair.treatment, relative=relative)
    for mine, peer in [
        (ours.estimate, theirs.expected),
        (ours.ci_low, theirs.ci[0]),
        (ours.ci_high, theirs.ci[1]),
        (ours.p_value, theirs.p_value),
    ]:
        assert abs(mine - peer) <= 1e-6
    a = gb_adjusted(pair.control.post, pair.control.pre, pair.control.sum_products)
    b = gb_adjusted(pair.treatment.post, pair.treatment.pre, pair.treatment.sum_products)
    theirs_bayes = EffectBayesianABTest(
        stat_a=a, stat_b=b, config=EffectBayesianConfig(difference_type=difference)
    ).compute_result()
    ours_bayes = bayesian_test(pair.control, pair.treatment, relative=relative)
    assert abs(ours_bayes.chance_to_win - theirs_bayes.chance_to_win) <= 1e-6
    assert abs(ours_bayes.risk_control - theirs_bayes.risk[0]) <= 1e-6


def test_invalid_cuped_inputs_are_rejected() -> None:
    pre, products = covariate_stats(Y_A, X_A)
    ratio = ratio_stats(Y_A, X_A)
    with pytest.raises(InvalidInput, match="CUPED applies"):
        cuped_adjust(ratio, ratio, (pre, pre), (products, products))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="n="):
        pooled_theta([mean_stats(Y_A)], [mean_stats(X_B)], [products])
    with pytest.raises(InvalidInput, match="sum_products"):
        pooled_theta([mean_stats(Y_A)], [pre], [float("nan")])
