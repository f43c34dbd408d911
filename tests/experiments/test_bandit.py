"""Thompson sampling: probability of being best, exploration floor, draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import beta

from uxlift.errors import InvalidInput
from uxlift.experiments.bandit import (
    BinaryReward,
    MeanReward,
    choose_arm,
    probability_best,
    thompson_allocation,
)

ARMS = {
    "control": BinaryReward(successes=50, trials=1000),
    "better": BinaryReward(successes=80, trials=1000),
    "same": BinaryReward(successes=52, trials=1000),
}


def test_allocation_sums_to_one_favours_the_better_arm_and_respects_the_floor() -> None:
    shares = thompson_allocation(ARMS, min_share=0.05, random_state=1)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert min(shares.values()) >= 0.05 - 1e-12
    assert max(shares, key=shares.get) == "better"
    assert shares["better"] > 0.85


def test_allocation_is_deterministic_given_random_state() -> None:
    first = thompson_allocation(ARMS, min_share=0.1, random_state=42)
    assert thompson_allocation(ARMS, min_share=0.1, random_state=42) == first
    assert thompson_allocation(ARMS, random_state=np.random.default_rng(42)) == (
        thompson_allocation(ARMS, random_state=42)
    )


def test_two_beta_arms_agree_with_the_exact_probability() -> None:
    a, b = BinaryReward(successes=30, trials=400), BinaryReward(successes=38, trials=410)
    shares = probability_best({"a": a, "b": b}, draws=200_000, random_state=3)
    pa, pb = beta(31, 371), beta(39, 373)
    exact = integrate.quad(lambda x: pb.pdf(x) * pa.cdf(x), 0.0, 1.0)[0]  # P(b > a)
    assert shares["b"] == pytest.approx(exact, abs=0.005)


def test_normal_arms_and_inverse_metrics() -> None:
    arms = {
        "slow": MeanReward(n=500, mean=12.0, variance=9.0),
        "fast": MeanReward(n=500, mean=10.0, variance=9.0),
    }
    assert probability_best(arms, random_state=0)["slow"] > 0.99
    assert probability_best(arms, random_state=0, inverse=True)["fast"] > 0.99


def test_unexplored_normal_arms_share_the_traffic_first() -> None:
    arms = {
        "known": MeanReward(n=300, mean=5.0, variance=1.0),
        "new": MeanReward(n=0, mean=0.0, variance=0.0),
        "newer": MeanReward(n=1, mean=3.0, variance=0.0),
    }
    shares = thompson_allocation(arms, min_share=0.1, random_state=0)
    assert shares == pytest.approx({"known": 0.1, "new": 0.45, "newer": 0.45})


def test_ties_are_shared_equally() -> None:
    arms = {
        "a": MeanReward(n=10, mean=1.0, variance=0.0),
        "b": MeanReward(n=10, mean=1.0, variance=0.0),
    }
    assert probability_best(arms, draws=100, random_state=0) == {"a": 0.5, "b": 0.5}


def test_choose_arm_draws_with_the_allocation() -> None:
    rng = np.random.default_rng(9)
    allocation = {"a": 0.7, "b": 0.2, "c": 0.1}
    picks = [choose_arm(allocation, rng) for _ in range(5000)]
    assert picks.count("a") / 5000 == pytest.approx(0.7, abs=0.03)
    assert choose_arm({"only": 1.0}) == "only"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: thompson_allocation(ARMS, min_share=0.4), "min_share"),
        (lambda: thompson_allocation(ARMS, min_share=-0.1), "min_share"),
        (lambda: thompson_allocation({}), "arms"),
        (lambda: probability_best(ARMS, draws=0), "draws"),
        (lambda: BinaryReward(successes=5, trials=3), "successes"),
        (lambda: MeanReward(n=3, mean=1.0, variance=-1.0), "variance"),
        (
            lambda: probability_best(
                {"a": ARMS["control"], "b": MeanReward(n=5, mean=1.0, variance=1.0)}
            ),
            "all be",
        ),
        (lambda: choose_arm({"a": -1.0, "b": 2.0}), "non-negative"),
        (lambda: choose_arm({}), "allocation"),
    ],
)
def test_invalid_arguments_are_rejected(call, field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        call()
