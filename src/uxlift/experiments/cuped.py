"""CUPED: variance reduction with a pre-experiment covariate.

Deng, Xu, Kohavi and Walker 2013, "Improving the sensitivity of online controlled
experiments by utilizing pre-experiment data". For each unit take its metric in the
experiment ``Y`` and the same metric (or any value unaffected by the treatment) before
it started ``X``. The adjusted metric ``Y - theta (X - E[X])`` has the same expectation
difference between variants, because randomization makes ``E[X]`` equal in all of them,
and its variance ``var(Y) (1 - corr(Y, X)^2)`` at the best ``theta = cov(Y, X) / var(X)``,
the slope of the regression of ``Y`` on ``X``.

``theta`` is estimated once on the units of all the variants compared, pooled, so the
same adjustment applies to every variant (an estimate per variant would absorb part of
the treatment effect). The pooled moments come from the variants' sums: pooled ``n``,
pooled sums, pooled ``sum(Y X)``. The constant ``theta E[X]`` cancels in a difference, so
the adjusted mean of a variant is simply ``mean(Y) - theta mean(X)``
(:class:`~uxlift.experiments.statistics.AdjustedStats`).

When the covariate (or the metric) has no variance in the pooled data there is nothing to
regress on: ``theta`` is 0 and the adjusted statistics equal the unadjusted ones.

This matches GrowthBook's regression adjustment (``compute_theta``), which pools the two
variants of each comparison the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from uxlift.errors import InvalidInput
from uxlift.experiments._common import check_finite, to_dict
from uxlift.experiments.statistics import (
    AdjustedStats,
    Component,
    MeanStats,
    ProportionStats,
)


def pool(stats: Sequence[Component]) -> Component:
    """The statistic of the union of the units of ``stats`` (all proportions stay a
    proportion; otherwise a mean, a proportion's squares being its successes)."""
    n = sum(s.n for s in stats)
    if all(isinstance(s, ProportionStats) for s in stats):
        return ProportionStats(n=n, successes=sum(s.total for s in stats))
    return MeanStats(
        n=n, total=sum(s.total for s in stats), sum_squares=sum(s.sum_squares for s in stats)
    )


def pooled_theta(
    posts: Sequence[Component], pres: Sequence[Component], sum_products: Sequence[float]
) -> float:
    """``cov(Y, X) / var(X)`` on the pooled units of all variants; 0 when either has no
    variance (or there are fewer than two units)."""
    if not (len(posts) == len(pres) == len(sum_products)) or not posts:
        raise InvalidInput("posts, pres and sum_products must be non-empty and equally long")
    for i, (post, pre) in enumerate(zip(posts, pres, strict=True)):
        if not isinstance(post, MeanStats | ProportionStats) or not isinstance(
            pre, MeanStats | ProportionStats
        ):
            raise InvalidInput(f"variant {i}: post and pre must be MeanStats or ProportionStats")
        if post.n != pre.n:
            raise InvalidInput(f"variant {i}: post has n={post.n} but pre has n={pre.n}")
    post, pre = pool(posts), pool(pres)
    n = post.n
    products = sum(check_finite("sum_products", p) for p in sum_products)
    if n < 2 or not post.variance > 0.0 or not pre.variance > 0.0:
        return 0.0
    covariance = (products - post.total * pre.total / n) / (n - 1)
    return covariance / pre.variance


@dataclass(frozen=True)
class CupedPair:
    """Control and treatment adjusted with the same pooled ``theta``."""

    control: AdjustedStats
    treatment: AdjustedStats
    theta: float

    @property
    def applied(self) -> bool:
        """Whether an adjustment took place (``theta`` 0 means the covariate was useless)."""
        return self.theta != 0.0

    @property
    def variance_reduction(self) -> float:
        """Share of the variance of the difference of means that the adjustment removed."""
        before = (
            self.control.post.variance / self.control.n
            + self.treatment.post.variance / self.treatment.n
        )
        after = self.control.variance / self.control.n + self.treatment.variance / self.treatment.n
        return 1.0 - after / before if before > 0.0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("applied", "variance_reduction"))


def cuped_adjust(
    control: Component,
    treatment: Component,
    pre: tuple[Component, Component],
    sum_products: tuple[float, float],
) -> CupedPair:
    """Adjust ``control`` and ``treatment`` (post-period statistics) with their pre-period
    statistics ``pre`` and their sums of post times pre ``sum_products`` (control first)."""
    for name, value in (("control", control), ("treatment", treatment)):
        if not isinstance(value, MeanStats | ProportionStats):
            raise InvalidInput(
                f"{name}: CUPED applies to mean and proportion metrics, got {type(value).__name__}"
            )
    if len(pre) != 2 or len(sum_products) != 2:
        raise InvalidInput("pre and sum_products must be (control, treatment) pairs")
    theta = pooled_theta((control, treatment), pre, sum_products)
    return CupedPair(
        control=AdjustedStats(
            n=control.n, post=control, pre=pre[0], sum_products=sum_products[0], theta=theta
        ),
        treatment=AdjustedStats(
            n=treatment.n, post=treatment, pre=pre[1], sum_products=sum_products[1], theta=theta
        ),
        theta=theta,
    )
