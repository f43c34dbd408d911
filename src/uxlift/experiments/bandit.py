"""Thompson sampling: move traffic towards the variants that are probably best.

A fixed split spends half the traffic on a loser until the test ends; a bandit shifts it
as evidence accumulates, for campaigns and other short-lived choices where the reward
matters more than a clean estimate of the effect. Thompson sampling (Thompson 1933, "On
the likelihood that one unknown probability exceeds another in view of the evidence of
two samples"; Chapelle and Li 2011, "An empirical evaluation of Thompson sampling")
sends each unit to an arm with the posterior probability that the arm is the best one.

Posteriors per arm:

* binary rewards (:class:`BinaryReward`, ``successes`` of ``trials``): conjugate
  ``Beta(a + successes, b + trials - successes)``, uniform ``Beta(1, 1)`` prior by default;
* mean rewards (:class:`MeanReward`, ``n``, ``mean``, sample ``variance``): the normal
  approximation ``N(mean, variance / n)`` (flat prior). An arm with fewer than two
  observations has no variance estimate yet; as long as some arm is in that state, those
  arms share all the traffic, so that each gets data.

The probability that each arm is best has no closed form beyond two arms; it is estimated
from ``draws`` joint samples of the posteriors (seeded by ``random_state``), ties shared
equally. Finally every arm keeps at least ``min_share`` of the traffic, so that a
posterior that concentrated early on the wrong arm can still be corrected:
``share = min_share + (1 - k min_share) P(best)``. An ``inverse`` bandit prefers the
lowest reward (e.g. time to complete a task).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from uxlift.errors import InvalidInput
from uxlift.experiments._common import check_count, check_finite, check_positive

Seed = int | np.random.Generator | None


@dataclass(frozen=True)
class BinaryReward:
    """An arm with 0/1 rewards: ``successes`` out of ``trials``; Beta(prior_a, prior_b)."""

    successes: float
    trials: int
    prior_a: float = 1.0
    prior_b: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "trials", check_count("trials", self.trials))
        object.__setattr__(self, "successes", check_finite("successes", self.successes))
        if not 0.0 <= self.successes <= self.trials:
            raise InvalidInput(
                f"successes must lie between 0 and trials={self.trials}, got {self.successes!r}"
            )
        object.__setattr__(self, "prior_a", check_positive("prior_a", self.prior_a))
        object.__setattr__(self, "prior_b", check_positive("prior_b", self.prior_b))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.beta(
            self.prior_a + self.successes, self.prior_b + self.trials - self.successes, size
        )


@dataclass(frozen=True)
class MeanReward:
    """An arm with real-valued rewards: ``n`` observations, their ``mean`` and sample
    ``variance``."""

    n: int
    mean: float
    variance: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", check_count("n", self.n))
        object.__setattr__(self, "mean", check_finite("mean", self.mean))
        object.__setattr__(self, "variance", check_finite("variance", self.variance))
        if self.variance < 0.0:
            raise InvalidInput(f"variance must not be negative, got {self.variance!r}")

    @property
    def explored(self) -> bool:
        return self.n >= 2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.normal(self.mean, np.sqrt(self.variance / self.n), size)


Arm = BinaryReward | MeanReward


def _rng(random_state: Seed) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def probability_best(
    arms: Mapping[str, Arm],
    *,
    draws: int = 10_000,
    random_state: Seed = None,
    inverse: bool = False,
) -> dict[str, float]:
    """Monte Carlo estimate of the posterior probability that each arm is the best."""
    if not arms:
        raise InvalidInput("arms must name at least one arm")
    draws = check_count("draws", draws)
    if draws < 1:
        raise InvalidInput("draws must be at least 1")
    names = list(arms)
    kinds = {type(arm) for arm in arms.values()}
    if not kinds <= {BinaryReward, MeanReward} or len(kinds) != 1:
        raise InvalidInput("arms must all be BinaryReward or all be MeanReward")
    unexplored = [
        name for name, arm in arms.items() if isinstance(arm, MeanReward) and not arm.explored
    ]
    if unexplored:
        return {name: (1.0 / len(unexplored) if name in unexplored else 0.0) for name in names}
    rng = _rng(random_state)
    samples = np.column_stack([arms[name].sample(rng, draws) for name in names])
    if inverse:
        samples = -samples
    is_best = samples == samples.max(axis=1, keepdims=True)
    wins = (is_best / is_best.sum(axis=1, keepdims=True)).sum(axis=0) / draws
    return {name: float(share) for name, share in zip(names, wins, strict=True)}


def thompson_allocation(
    arms: Mapping[str, Arm],
    *,
    min_share: float = 0.0,
    draws: int = 10_000,
    random_state: Seed = None,
    inverse: bool = False,
) -> dict[str, float]:
    """Traffic share per arm: the probability that it is best, with a floor of
    ``min_share`` per arm (``min_share * len(arms)`` must not exceed 1)."""
    min_share = check_finite("min_share", min_share)
    if min_share < 0.0 or min_share * len(arms) > 1.0 + 1e-12:
        raise InvalidInput(
            f"min_share must lie between 0 and 1/{len(arms)} (one share per arm), got {min_share!r}"
        )
    best = probability_best(arms, draws=draws, random_state=random_state, inverse=inverse)
    spread = max(1.0 - min_share * len(arms), 0.0)
    return {name: min_share + spread * share for name, share in best.items()}


def choose_arm(allocation: Mapping[str, float], rng: Seed = None) -> str:
    """Draw one arm with the probabilities of ``allocation`` (normalized)."""
    if not allocation:
        raise InvalidInput("allocation must name at least one arm")
    names = list(allocation)
    weights = np.array([check_finite(f"allocation[{n!r}]", allocation[n]) for n in names])
    if np.any(weights < 0.0) or weights.sum() <= 0.0:
        raise InvalidInput("allocation shares must be non-negative and not all zero")
    return names[int(_rng(rng).choice(len(names), p=weights / weights.sum()))]
