"""Gaussian effect posterior: chance to win, credible interval and expected loss."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig
from gbstats.bayesian.tests import GaussianPrior as GbPrior
from scipy import integrate
from scipy.stats import norm

from tests.experiments.peers import gb
from uxlift.errors import InvalidInput
from uxlift.experiments.bayesian import GaussianPrior, bayesian_test, expected_losses
from uxlift.experiments.frequentist import effect
from uxlift.experiments.statistics import MeanStats, ProportionStats, mean_stats, ratio_stats

RNG = np.random.default_rng(31)
A = RNG.exponential(20.0, 700)
B = RNG.exponential(21.0, 720)
EXPOSURES = RNG.poisson(3.0, 1600) + 1.0
PAIRS = {
    "mean": (mean_stats(A), mean_stats(B)),
    "proportion": (ProportionStats(n=3000, successes=150), ProportionStats(n=3100, successes=171)),
    "ratio": (
        ratio_stats(RNG.poisson(0.3 * EXPOSURES[:800]).astype(float), EXPOSURES[:800]),
        ratio_stats(RNG.poisson(0.32 * EXPOSURES[800:]).astype(float), EXPOSURES[800:]),
    ),
}


@pytest.mark.parametrize("relative", [True, False])
@pytest.mark.parametrize("inverse", [False, True])
def test_flat_prior_posterior_against_scipy_and_quadrature(relative: bool, inverse: bool) -> None:
    a, b = PAIRS["mean"]
    result = bayesian_test(a, b, relative=relative, inverse=inverse, alpha=0.1)
    data = effect(a, b, relative=relative)
    mu, sd = data.estimate, math.sqrt(data.variance)
    assert (result.expected, result.std) == pytest.approx((mu, sd), rel=1e-12)
    win = norm.cdf(0.0, mu, sd) if inverse else norm.sf(0.0, mu, sd)
    assert result.chance_to_win == pytest.approx(win, abs=1e-9)
    assert (result.ci_low, result.ci_high) == pytest.approx(
        tuple(norm.ppf([0.05, 0.95], mu, sd)), abs=1e-9
    )
    gain = integrate.quad(lambda x: x * norm.pdf(x, mu, sd), 0.0, np.inf)[0]
    loss = integrate.quad(lambda x: -x * norm.pdf(x, mu, sd), -np.inf, 0.0)[0]
    control_risk, treatment_risk = (loss, gain) if inverse else (gain, loss)
    assert result.risk_control == pytest.approx(control_risk, abs=1e-8)
    assert result.risk_treatment == pytest.approx(treatment_risk, abs=1e-8)


@pytest.mark.parametrize(("mean", "std"), [(0.0, 1.0), (2.5, 0.7), (-0.03, 0.01), (40.0, 1.0)])
def test_expected_losses_are_the_positive_and_negative_parts(mean: float, std: float) -> None:
    gain, loss = expected_losses(mean, std)
    assert gain - loss == pytest.approx(mean, abs=1e-12)  # E[X+] - E[X-] = E[X]
    assert gain >= 0.0 and loss >= 0.0


@pytest.mark.parametrize("kind", sorted(PAIRS))
@pytest.mark.parametrize("relative", [True, False])
@pytest.mark.parametrize("inverse", [False, True])
def test_flat_prior_matches_gbstats(kind: str, relative: bool, inverse: bool) -> None:
    a, b = PAIRS[kind]
    ours = bayesian_test(a, b, relative=relative, inverse=inverse)
    config = EffectBayesianConfig(
        difference_type="relative" if relative else "absolute", inverse=inverse
    )
    theirs = EffectBayesianABTest(stat_a=gb(a), stat_b=gb(b), config=config).compute_result()
    assert abs(ours.expected - theirs.expected) <= 1e-6
    assert abs(ours.ci_low - theirs.ci[0]) <= 1e-6
    assert abs(ours.ci_high - theirs.ci[1]) <= 1e-6
    assert abs(ours.chance_to_win - theirs.chance_to_win) <= 1e-6
    assert abs(ours.risk_control - theirs.risk[0]) <= 1e-6
    assert abs(ours.risk_treatment - theirs.risk[1]) <= 1e-6


@pytest.mark.parametrize("relative", [True, False])
def test_a_proper_prior_shrinks_towards_its_mean_as_gbstats_does(relative: bool) -> None:
    a, b = PAIRS["proportion"]
    prior = GaussianPrior(mean=0.0, variance=0.05**2)
    ours = bayesian_test(a, b, relative=relative, prior=prior)
    flat = bayesian_test(a, b, relative=relative)
    assert abs(ours.expected) < abs(flat.expected) and ours.std < flat.std
    data = effect(a, b, relative=relative)
    scaled = prior.variance * (1.0 if relative else a.mean**2)
    precision = 1.0 / data.variance + 1.0 / scaled
    assert ours.expected == pytest.approx(data.estimate / data.variance / precision, rel=1e-9)
    config = EffectBayesianConfig(
        difference_type="relative" if relative else "absolute",
        prior_effect=GbPrior(mean=0.0, variance=0.05**2, proper=True),
    )
    theirs = EffectBayesianABTest(stat_a=gb(a), stat_b=gb(b), config=config).compute_result()
    assert abs(ours.expected - theirs.expected) <= 1e-6
    assert abs(ours.chance_to_win - theirs.chance_to_win) <= 1e-6
    assert abs(ours.risk_treatment - theirs.risk[1]) <= 1e-6


def test_insufficient_data_gives_nan_numbers_and_a_reason() -> None:
    result = bayesian_test(MeanStats(n=1, total=3.0, sum_squares=9.0), mean_stats(B))
    assert "control has 1 unit" in (result.insufficient_data or "")
    assert math.isnan(result.chance_to_win)
    assert result.to_dict()["chance_to_win"] is None
    zero = bayesian_test(ProportionStats(n=50, successes=0), ProportionStats(n=50, successes=4))
    assert zero.insufficient_data is not None


def test_invalid_priors_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="prior_variance"):
        GaussianPrior(mean=0.0, variance=0.0)
    with pytest.raises(InvalidInput, match="prior_mean"):
        GaussianPrior(mean=float("inf"))
    with pytest.raises(InvalidInput, match="prior"):
        bayesian_test(*PAIRS["mean"], prior=0.1)  # type: ignore[arg-type]
