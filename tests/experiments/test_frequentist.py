"""Welch's t test and the two-proportion z test, against scipy, statsmodels and gbstats."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gbstats.frequentist.tests import FrequentistConfig, TwoSidedTTest
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttest_ind

from tests.experiments.peers import gb
from uxlift.errors import InvalidInput
from uxlift.experiments.frequentist import (
    effect,
    two_proportion_test,
    welch_test,
)
from uxlift.experiments.statistics import (
    MeanStats,
    ProportionStats,
    mean_stats,
    ratio_stats,
)

RNG = np.random.default_rng(11)
A = RNG.lognormal(2.0, 0.9, 400)
B = RNG.lognormal(2.08, 1.0, 450)
TOL = 1e-6


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_welch_absolute_equals_scipy_and_statsmodels(alpha: float) -> None:
    result = welch_test(mean_stats(A), mean_stats(B), relative=False, alpha=alpha)
    scipy_result = sps.ttest_ind(B, A, equal_var=False)
    assert result.estimate == pytest.approx(B.mean() - A.mean(), rel=1e-12)
    assert result.statistic == pytest.approx(scipy_result.statistic, rel=TOL)
    assert result.p_value == pytest.approx(scipy_result.pvalue, abs=TOL)
    low, high = CompareMeans(DescrStatsW(B), DescrStatsW(A)).tconfint_diff(
        alpha=alpha, usevar="unequal"
    )
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), abs=TOL)
    _, _, dof = ttest_ind(B, A, usevar="unequal")
    assert result.dof == pytest.approx(dof, rel=TOL)
    assert result.method == "welch_t"
    assert result.significant == (result.p_value < alpha)


def test_welch_relative_uses_the_delta_method() -> None:
    a, b = mean_stats(A), mean_stats(B)
    result = welch_test(a, b, relative=True)
    mu_a, mu_b = A.mean(), B.mean()
    variance = B.var(ddof=1) / (mu_a**2 * len(B)) + A.var(ddof=1) * mu_b**2 / (mu_a**4 * len(A))
    assert result.estimate == pytest.approx(mu_b / mu_a - 1.0, rel=1e-12)
    assert result.std_error == pytest.approx(math.sqrt(variance), rel=1e-9)
    dof = welch_test(a, b, relative=False).dof
    half = sps.t.ppf(0.975, dof) * math.sqrt(variance)
    assert result.ci_high - result.estimate == pytest.approx(half, rel=1e-9)
    assert result.p_value == pytest.approx(
        2 * sps.t.sf(abs(result.estimate) / math.sqrt(variance), dof), abs=TOL
    )


def _gbstats_welch(a, b, relative: bool, alpha: float = 0.05):
    config = FrequentistConfig(alpha=alpha, difference_type="relative" if relative else "absolute")
    return TwoSidedTTest(stat_a=gb(a), stat_b=gb(b), config=config).compute_result()


EXPOSURES_A = RNG.poisson(5.0, 600) + 1.0
EXPOSURES_B = RNG.poisson(5.0, 640) + 1.0
PAIRS = {
    "mean": (mean_stats(A), mean_stats(B)),
    "proportion": (ProportionStats(n=5000, successes=260), ProportionStats(n=5100, successes=301)),
    "ratio": (
        ratio_stats(RNG.binomial(EXPOSURES_A.astype(int), 0.11).astype(float), EXPOSURES_A),
        ratio_stats(RNG.binomial(EXPOSURES_B.astype(int), 0.12).astype(float), EXPOSURES_B),
    ),
}


@pytest.mark.parametrize("kind", sorted(PAIRS))
@pytest.mark.parametrize("relative", [True, False])
def test_welch_matches_gbstats(kind: str, relative: bool) -> None:
    a, b = PAIRS[kind]
    ours = welch_test(a, b, relative=relative, alpha=0.1)
    theirs = _gbstats_welch(a, b, relative, alpha=0.1)
    assert abs(ours.estimate - theirs.expected) <= TOL
    assert abs(ours.ci_low - theirs.ci[0]) <= TOL
    assert abs(ours.ci_high - theirs.ci[1]) <= TOL
    assert abs(ours.p_value - theirs.p_value) <= TOL
    assert abs(ours.std_error - theirs.uplift.stddev) <= TOL


@pytest.mark.parametrize(
    ("control", "treatment"), [((4000, 200), (4100, 243)), ((900, 450), (950, 430))]
)
def test_two_proportion_z_equals_statsmodels(control, treatment) -> None:
    a = ProportionStats(n=control[0], successes=control[1])
    b = ProportionStats(n=treatment[0], successes=treatment[1])
    result = two_proportion_test(a, b, relative=False, alpha=0.05)
    z, p = proportions_ztest([treatment[1], control[1]], [treatment[0], control[0]])
    assert result.statistic == pytest.approx(z, rel=TOL)
    assert result.p_value == pytest.approx(p, abs=TOL)
    low, high = confint_proportions_2indep(
        treatment[1], treatment[0], control[1], control[0], method="wald", compare="diff"
    )
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), abs=TOL)
    assert result.dof is None
    assert result.method == "two_proportion_z"


def test_two_proportion_relative_interval_is_the_delta_method_one() -> None:
    a, b = ProportionStats(n=4000, successes=200), ProportionStats(n=4100, successes=243)
    relative = two_proportion_test(a, b, relative=True, alpha=0.1)
    absolute = two_proportion_test(a, b, relative=False, alpha=0.1)
    pa, pb = 200 / 4000, 243 / 4100
    se = math.sqrt(pb * (1 - pb) / (pa**2 * 4100) + pa * (1 - pa) * pb**2 / (pa**4 * 4000))
    assert relative.estimate == pytest.approx(pb / pa - 1.0, rel=1e-12)
    assert relative.ci_low == pytest.approx(pb / pa - 1.0 - sps.norm.ppf(0.95) * se, abs=TOL)
    assert relative.p_value == absolute.p_value  # the same null hypothesis


def test_effect_relative_of_identical_variants_is_zero() -> None:
    stats = mean_stats(A)
    diff = effect(stats, stats, relative=True)
    assert diff.estimate == 0.0
    assert diff.variance > 0.0


@pytest.mark.parametrize(
    ("control", "treatment", "reason"),
    [
        (MeanStats(n=0, total=0.0, sum_squares=0.0), mean_stats(B), "control has 0 unit"),
        (mean_stats(A), mean_stats(B[:1]), "treatment has 1 unit"),
        (mean_stats(np.full(50, 3.0)), mean_stats(B), "control has zero variance"),
        (mean_stats(np.zeros(50)), mean_stats(B), "control mean is zero"),
        (ProportionStats(n=100, successes=0), ProportionStats(n=100, successes=3), "zero"),
        (
            ratio_stats([1.0, 2.0], [0.0, 0.0]),
            ratio_stats([1.0, 2.0], [1.0, 3.0]),
            "undefined",
        ),
    ],
)
def test_insufficient_data_is_a_result_not_an_error(control, treatment, reason: str) -> None:
    test = two_proportion_test if isinstance(control, ProportionStats) else welch_test
    result = test(control, treatment)
    assert result.insufficient_data is not None
    assert reason in result.insufficient_data
    assert math.isnan(result.estimate) and math.isnan(result.p_value)
    assert not result.significant
    assert result.to_dict()["p_value"] is None


def test_an_absolute_difference_over_a_zero_control_mean_is_fine() -> None:
    control = mean_stats(RNG.normal(0.0, 1.0, 200) - 0.0)
    control = MeanStats(n=control.n, total=0.0, sum_squares=control.sum_squares)
    result = welch_test(control, mean_stats(B), relative=False)
    assert result.insufficient_data is None


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, float("nan")])
def test_alpha_outside_the_unit_interval_is_invalid(alpha: float) -> None:
    with pytest.raises(InvalidInput, match="alpha"):
        welch_test(mean_stats(A), mean_stats(B), alpha=alpha)


def test_different_kinds_of_statistics_cannot_be_compared() -> None:
    with pytest.raises(InvalidInput, match="same kind"):
        welch_test(mean_stats(A), ProportionStats(n=10, successes=2))
    with pytest.raises(InvalidInput, match="statistic"):
        welch_test(mean_stats(A), 3.0)  # type: ignore[arg-type]
