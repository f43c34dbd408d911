"""Always-valid confidence sequences: gbstats parity and error control under peeking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gbstats.frequentist.tests import SequentialConfig, SequentialTwoSidedTTest

from tests.experiments.peers import gb
from uxlift.errors import InvalidInput
from uxlift.experiments.frequentist import welch_test
from uxlift.experiments.sequential import mixture_rho, sequential_test
from uxlift.experiments.statistics import MeanStats, ProportionStats, mean_stats, ratio_stats

RNG = np.random.default_rng(23)
A = RNG.gamma(2.0, 5.0, 3000)
B = RNG.gamma(2.0, 5.2, 3100)
EXPOSURES = RNG.poisson(4.0, 2000) + 1.0
PAIRS = {
    "mean": (mean_stats(A), mean_stats(B)),
    "proportion": (ProportionStats(n=6000, successes=310), ProportionStats(n=6050, successes=355)),
    "ratio": (
        ratio_stats(
            RNG.binomial(EXPOSURES[:1000].astype(int), 0.1).astype(float), EXPOSURES[:1000]
        ),
        ratio_stats(
            RNG.binomial(EXPOSURES[1000:].astype(int), 0.11).astype(float), EXPOSURES[1000:]
        ),
    ),
}


@pytest.mark.parametrize("kind", sorted(PAIRS))
@pytest.mark.parametrize("relative", [True, False])
@pytest.mark.parametrize(("alpha", "tuning"), [(0.05, 5000.0), (0.1, 20000.0)])
def test_sequential_matches_gbstats(kind: str, relative: bool, alpha: float, tuning: float) -> None:
    a, b = PAIRS[kind]
    ours = sequential_test(a, b, relative=relative, alpha=alpha, tuning=tuning)
    config = SequentialConfig(
        alpha=alpha,
        difference_type="relative" if relative else "absolute",
        sequential_tuning_parameter=tuning,
    )
    theirs = SequentialTwoSidedTTest(stat_a=gb(a), stat_b=gb(b), config=config).compute_result()
    assert abs(ours.estimate - theirs.expected) <= 1e-6
    assert abs(ours.ci_low - theirs.ci[0]) <= 1e-6
    assert abs(ours.ci_high - theirs.ci[1]) <= 1e-6
    assert abs(ours.p_value - theirs.p_value) <= 1e-6
    assert ours.dof is None


def test_rho_follows_the_tuning_formula() -> None:
    alpha = 0.05
    expected = math.sqrt((-2 * math.log(alpha) + math.log(1 - 2 * math.log(alpha))) / 5000)
    assert mixture_rho(alpha) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(InvalidInput, match="sequential_tuning"):
        mixture_rho(0.05, 0.0)


def test_the_sequence_is_wider_than_the_fixed_horizon_interval() -> None:
    a, b = PAIRS["mean"]
    fixed = welch_test(a, b)
    always = sequential_test(a, b)
    assert always.estimate == fixed.estimate
    assert always.ci_low < fixed.ci_low and always.ci_high > fixed.ci_high
    assert always.p_value > fixed.p_value


@pytest.mark.parametrize("shift", [0.0, 0.3, 0.6, 1.0, 2.0])
def test_the_p_value_is_below_alpha_exactly_when_the_sequence_excludes_zero(
    shift: float,
) -> None:
    a = mean_stats(A)
    b = mean_stats(A[:2500] + shift)
    result = sequential_test(a, b, relative=False)
    excludes_zero = result.ci_low > 0.0 or result.ci_high < 0.0
    assert (result.p_value < 0.05) == excludes_zero


def test_insufficient_data_and_invalid_arguments() -> None:
    empty = MeanStats(n=0, total=0.0, sum_squares=0.0)
    result = sequential_test(empty, mean_stats(B))
    assert result.insufficient_data is not None and math.isnan(result.ci_low)
    with pytest.raises(InvalidInput, match="alpha"):
        sequential_test(mean_stats(A), mean_stats(B), alpha=1.5)
    with pytest.raises(InvalidInput, match="sequential_tuning"):
        sequential_test(mean_stats(A), mean_stats(B), tuning=-1.0)


def test_peeking_at_an_aa_test_keeps_the_false_positive_rate_at_alpha() -> None:
    """20 looks at A/A experiments: stopping at the first significant look. The
    fixed-horizon test is fooled in about a quarter of them; the sequence is not."""
    rng = np.random.default_rng(2023)
    runs, looks, per_look, alpha = 300, 20, 100, 0.05
    values = rng.lognormal(2.0, 0.7, (runs, 2, looks * per_look))
    sums = np.cumsum(values.reshape(runs, 2, looks, per_look).sum(axis=3), axis=2)
    squares = np.cumsum((values**2).reshape(runs, 2, looks, per_look).sum(axis=3), axis=2)
    fixed_hits = sequential_hits = 0
    for run in range(runs):
        fixed = sequential = False
        for look in range(looks):
            n = per_look * (look + 1)
            a, b = (MeanStats(n, sums[run, arm, look], squares[run, arm, look]) for arm in (0, 1))
            fixed = fixed or welch_test(a, b, alpha=alpha).p_value < alpha
            interval = sequential_test(a, b, alpha=alpha)
            sequential = sequential or not interval.ci_low <= 0.0 <= interval.ci_high
        fixed_hits += fixed
        sequential_hits += sequential
    assert sequential_hits / runs <= alpha
    assert fixed_hits / runs >= 0.15  # what peeking does to the fixed-horizon test
