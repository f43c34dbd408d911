"""Sufficient statistics of one metric in one variant.

Every test in this package needs, per variant, only a unit count ``n``, a mean and the
variance of one unit's contribution; all of them follow from a handful of sums that a
``GROUP BY variant`` query returns, so the service never loads unit-level rows:

* :class:`ProportionStats` (``n``, ``successes``): a binary metric (converted or not).
  Variance ``p (1 - p)``, the Bernoulli variance (divisor ``n``, as is usual for
  proportions).
* :class:`MeanStats` (``n``, ``total``, ``sum_squares``): any per-unit value (revenue per
  user). Variance ``(sum_squares - total^2 / n) / (n - 1)``, the unbiased sample variance.
* :class:`RatioStats`: a ratio of two per-unit sums, ``sum(numerator) / sum(denominator)``
  (clicks per exposure, revenue per session) where the randomization unit is the user,
  not the exposure. The units are independent but the exposures of one user are not, so
  the variance comes from the delta method on the ratio of two means
  ``R = M / D``: a first-order Taylor expansion around ``(mu_M, mu_D)`` gives, per unit,
  ``var(M) / mu_D^2 - 2 mu_M cov(M, D) / mu_D^3 + mu_M^2 var(D) / mu_D^4``
  (Deng, Knoblich and Lu 2018, "Applying the delta method in metric analytics"),
  the variance of the ratio estimate being that divided by ``n``. The covariance needs one
  more sum, ``sum(M * D)`` over units.
* :class:`AdjustedStats`: a CUPED-adjusted metric ``Y - theta X`` (post-period value ``Y``,
  pre-period covariate ``X``), see :mod:`uxlift.experiments.cuped`. Mean
  ``mean(Y) - theta mean(X)``, variance ``var(Y) + theta^2 var(X) - 2 theta cov(Y, X)``,
  again from sums and ``sum(Y * X)``.

Each class exposes ``n``, ``mean``, ``variance`` (per unit) and ``unadjusted_mean`` (the
observed mean before any CUPED adjustment, which is what a relative lift divides by).
Quantities that are undefined are NaN rather than errors: the mean of no units, the
variance of fewer than two units, a ratio whose denominators sum to zero. The tests turn
those into an explicit "insufficient data" result. Arguments that cannot be right (a
negative count, more successes than units, a non-finite sum) raise
:class:`~uxlift.errors.InvalidInput`.

The constructors :func:`mean_stats`, :func:`proportion_stats`, :func:`ratio_stats`,
:func:`covariate_stats` and :func:`adjusted_stats` compute the same sums from unit-level
arrays, for tests and simulations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from uxlift.errors import InvalidInput
from uxlift.experiments._common import check_count, check_finite, to_dict

NAN = float("nan")


@dataclass(frozen=True)
class ProportionStats:
    """A binary metric: ``successes`` of ``n`` units (e.g. converted users)."""

    n: int
    successes: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", check_count("n", self.n))
        object.__setattr__(self, "successes", check_finite("successes", self.successes))
        if not 0.0 <= self.successes <= self.n:
            raise InvalidInput(
                f"successes must lie between 0 and n={self.n}, got {self.successes!r}"
            )

    @property
    def total(self) -> float:
        return self.successes

    @property
    def sum_squares(self) -> float:
        return self.successes  # 0 and 1 are their own squares

    @property
    def mean(self) -> float:
        return self.successes / self.n if self.n > 0 else NAN

    @property
    def unadjusted_mean(self) -> float:
        return self.mean

    @property
    def variance(self) -> float:
        p = self.mean
        return p * (1.0 - p)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("mean", "variance"))


@dataclass(frozen=True)
class MeanStats:
    """A per-unit value: ``n`` units, the ``total`` of their values and of their squares."""

    n: int
    total: float
    sum_squares: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", check_count("n", self.n))
        object.__setattr__(self, "total", check_finite("total", self.total))
        object.__setattr__(self, "sum_squares", check_finite("sum_squares", self.sum_squares))
        if self.sum_squares < 0.0:
            raise InvalidInput(f"sum_squares must not be negative, got {self.sum_squares!r}")
        if self.n == 0 and (self.total != 0.0 or self.sum_squares != 0.0):
            raise InvalidInput("total and sum_squares must be 0 when n is 0")

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n > 0 else NAN

    @property
    def unadjusted_mean(self) -> float:
        return self.mean

    @property
    def variance(self) -> float:
        """Unbiased sample variance (divisor ``n - 1``); NaN below two units. Rounding
        can push the sum formula slightly below zero for a constant metric: clipped."""
        if self.n < 2:
            return NAN
        return max((self.sum_squares - self.total * self.total / self.n) / (self.n - 1), 0.0)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("mean", "variance"))


Component = MeanStats | ProportionStats


def _check_component(name: str, value: object, n: int) -> None:
    if not isinstance(value, MeanStats | ProportionStats):
        raise InvalidInput(f"{name} must be MeanStats or ProportionStats, got {value!r}")
    if value.n != n:
        raise InvalidInput(f"{name}.n must equal n={n}, got {value.n}")


def _covariance(n: int, a: Component, b: Component, sum_products: float) -> float:
    """Sample covariance (divisor ``n - 1``) of two per-unit values from their sums."""
    if n < 2:
        return NAN
    return (sum_products - a.total * b.total / n) / (n - 1)


@dataclass(frozen=True)
class RatioStats:
    """A ratio of sums over ``n`` units: ``numerator.total / denominator.total``, with
    ``sum_products`` the sum over units of numerator times denominator."""

    n: int
    numerator: Component
    denominator: Component
    sum_products: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", check_count("n", self.n))
        _check_component("numerator", self.numerator, self.n)
        _check_component("denominator", self.denominator, self.n)
        object.__setattr__(self, "sum_products", check_finite("sum_products", self.sum_products))

    @property
    def mean(self) -> float:
        """The ratio of sums (NaN when the denominators sum to zero)."""
        if self.denominator.total == 0.0:
            return NAN
        return self.numerator.total / self.denominator.total

    @property
    def unadjusted_mean(self) -> float:
        return self.mean

    @property
    def covariance(self) -> float:
        return _covariance(self.n, self.numerator, self.denominator, self.sum_products)

    @property
    def variance(self) -> float:
        """Delta-method variance of the ratio per unit (divide by ``n`` for the ratio's)."""
        mu_d = self.denominator.mean
        if self.n < 2 or mu_d == 0.0:
            return NAN
        mu_m = self.numerator.mean
        return (
            self.numerator.variance / mu_d**2
            - 2.0 * self.covariance * mu_m / mu_d**3
            + mu_m**2 * self.denominator.variance / mu_d**4
        )

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("mean", "variance", "covariance"))


@dataclass(frozen=True)
class AdjustedStats:
    """A CUPED-adjusted metric ``post - theta * pre`` over ``n`` units, with
    ``sum_products`` the sum over units of post times pre."""

    n: int
    post: Component
    pre: Component
    sum_products: float
    theta: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", check_count("n", self.n))
        _check_component("post", self.post, self.n)
        _check_component("pre", self.pre, self.n)
        object.__setattr__(self, "sum_products", check_finite("sum_products", self.sum_products))
        object.__setattr__(self, "theta", check_finite("theta", self.theta))

    @property
    def mean(self) -> float:
        return self.post.mean - self.theta * self.pre.mean

    @property
    def unadjusted_mean(self) -> float:
        return self.post.mean

    @property
    def covariance(self) -> float:
        return _covariance(self.n, self.post, self.pre, self.sum_products)

    @property
    def variance(self) -> float:
        if self.n < 2:
            return NAN
        return (
            self.post.variance
            + self.theta**2 * self.pre.variance
            - 2.0 * self.theta * self.covariance
        )

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("mean", "unadjusted_mean", "variance", "covariance"))


Statistic = ProportionStats | MeanStats | RatioStats | AdjustedStats


def _values(name: str, values: ArrayLike) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InvalidInput(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise InvalidInput(f"{name} must be finite")
    return array


def mean_stats(values: ArrayLike) -> MeanStats:
    """Sums of per-unit ``values``."""
    array = _values("values", values)
    return MeanStats(n=len(array), total=float(array.sum()), sum_squares=float(array @ array))


def proportion_stats(flags: ArrayLike) -> ProportionStats:
    """Sums of per-unit 0/1 ``flags``."""
    array = _values("flags", flags)
    if not np.all((array == 0.0) | (array == 1.0)):
        raise InvalidInput("flags must be 0 or 1")
    return ProportionStats(n=len(array), successes=float(array.sum()))


def _component(values: np.ndarray, binary: bool) -> Component:
    return proportion_stats(values) if binary else mean_stats(values)


def ratio_stats(numerators: ArrayLike, denominators: ArrayLike) -> RatioStats:
    """Sums of per-unit numerators and denominators (e.g. clicks and exposures per user)."""
    m = _values("numerators", numerators)
    d = _values("denominators", denominators)
    if len(m) != len(d):
        raise InvalidInput(f"numerators and denominators differ in length: {len(m)}, {len(d)}")
    return RatioStats(
        n=len(m), numerator=mean_stats(m), denominator=mean_stats(d), sum_products=float(m @ d)
    )


def covariate_stats(
    post: ArrayLike, pre: ArrayLike, *, binary: bool = False
) -> tuple[Component, float]:
    """The pre-period statistic of units and the sum over them of ``post * pre``: one
    variant's entry of :func:`uxlift.experiments.analysis.analyze`'s ``covariates``.
    ``binary`` makes the pre-period statistic a proportion."""
    y = _values("post", post)
    x = _values("pre", pre)
    if len(y) != len(x):
        raise InvalidInput(f"post and pre differ in length: {len(y)}, {len(x)}")
    return _component(x, binary), float(y @ x)


def adjusted_stats(
    post: ArrayLike, pre: ArrayLike, theta: float, *, binary: bool = False
) -> AdjustedStats:
    """CUPED statistic of per-unit post and pre values for a given ``theta``."""
    y = _values("post", post)
    x_stats, products = covariate_stats(y, pre, binary=binary)
    return AdjustedStats(
        n=len(y), post=_component(y, binary), pre=x_stats, sum_products=products, theta=theta
    )
