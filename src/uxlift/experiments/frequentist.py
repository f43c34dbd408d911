"""Fixed-horizon tests of a treatment against control: Welch's t and the two-proportion z.

The effect is the absolute difference of means ``mu_B - mu_A`` or the lift relative to
control ``(mu_B - mu_A) / mu_A``. Its variance, from the per-unit variances ``s^2`` and unit
counts ``n`` of both variants:

* absolute: ``s_B^2 / n_B + s_A^2 / n_A``, the variances of two independent means;
* relative: the delta method on ``f(a, b) = b / a - 1`` (gradient ``(-b / a^2, 1 / a)``),
  ``s_B^2 / (mu_A^2 n_B) + s_A^2 mu_B^2 / (mu_A^4 n_A)``. This ignores the second-order
  bias of a ratio of means, which vanishes as ``1 / n``. For a CUPED-adjusted metric the
  numerator is the difference of adjusted means and ``mu`` the observed (unadjusted) means,
  as in GrowthBook.

:func:`welch_test` is Welch's unequal-variance t test (Welch 1947, "The generalization of
Student's problem when several different population variances are involved"): the
statistic ``effect / se`` compared with a t distribution whose degrees of freedom are the
Welch–Satterthwaite approximation
``(s_A^2/n_A + s_B^2/n_B)^2 / ((s_A^2/n_A)^2 / (n_A - 1) + (s_B^2/n_B)^2 / (n_B - 1))``,
computed on the absolute scale for both kinds of effect. Two-sided p-value, and a
``1 - alpha`` interval ``effect ± t_{1-alpha/2, dof} se``. It applies to every statistic
(means, proportions, ratios of sums, CUPED).

:func:`two_proportion_test` is the textbook z test for two binomial proportions: the
p-value uses the standard error under the null, with the proportions pooled,
``sqrt(p (1 - p) (1/n_A + 1/n_B))``; the interval is Wald's, with each variant's own
variance (absolute) or the delta method above (relative). The p-value tests "no
difference", so it is the same for both kinds of effect.

A comparison that cannot be computed yields a result whose ``insufficient_data`` says why
(fewer than two units in a variant, a variant without variance, an undefined mean, a
relative lift over a zero control mean); its numbers are NaN. Invalid arguments (alpha
outside (0, 1), different kinds of statistics) raise
:class:`~uxlift.errors.InvalidInput`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import special

from uxlift.errors import InvalidInput
from uxlift.experiments._common import check_alpha, to_dict
from uxlift.experiments.statistics import (
    AdjustedStats,
    MeanStats,
    ProportionStats,
    RatioStats,
    Statistic,
)

NAN = float("nan")


@dataclass(frozen=True)
class Effect:
    """Point estimate of the effect and the variance of that estimate."""

    estimate: float
    variance: float

    @property
    def std_error(self) -> float:
        return math.sqrt(self.variance) if self.variance >= 0.0 else NAN


def check_pair(control: object, treatment: object) -> None:
    """Both arguments are statistics of the same kind, or :class:`InvalidInput`."""
    kinds = ProportionStats | MeanStats | RatioStats | AdjustedStats
    for name, value in (("control", control), ("treatment", treatment)):
        if not isinstance(value, kinds):
            raise InvalidInput(f"{name} must be a statistic, got {type(value).__name__}")
    if type(control) is not type(treatment):
        raise InvalidInput(
            "control and treatment must be the same kind of statistic, got "
            f"{type(control).__name__} and {type(treatment).__name__}"
        )


def effect(control: Statistic, treatment: Statistic, *, relative: bool) -> Effect:
    """The effect of ``treatment`` over ``control`` and its (delta-method) variance."""
    if relative:
        mu_a, mu_b = control.unadjusted_mean, treatment.unadjusted_mean
        return Effect(
            estimate=(treatment.mean - control.mean) / mu_a,
            variance=treatment.variance / (mu_a**2 * treatment.n)
            + control.variance * mu_b**2 / (mu_a**4 * control.n),
        )
    return Effect(
        estimate=treatment.mean - control.mean,
        variance=treatment.variance / treatment.n + control.variance / control.n,
    )


def insufficient_data(control: Statistic, treatment: Statistic, *, relative: bool) -> str | None:
    """Why the effect cannot be estimated, or ``None`` when it can."""
    for name, stats in (("control", control), ("treatment", treatment)):
        if stats.n < 2:
            return f"{name} has {stats.n} unit(s); at least 2 per variant are needed"
    for name, stats in (("control", control), ("treatment", treatment)):
        if not math.isfinite(stats.mean) or not math.isfinite(stats.unadjusted_mean):
            return f"{name} mean is undefined (the denominators sum to zero)"
    if relative and control.unadjusted_mean == 0.0:
        return "control mean is zero, so the relative lift is undefined"
    for name, stats in (("control", control), ("treatment", treatment)):
        if not stats.variance > 0.0:
            return f"{name} has zero variance"
    return None


def welch_dof(control: Statistic, treatment: Statistic) -> float:
    """Welch–Satterthwaite degrees of freedom of the difference of two means."""
    va, vb = control.variance / control.n, treatment.variance / treatment.n
    return (va + vb) ** 2 / (va**2 / (control.n - 1) + vb**2 / (treatment.n - 1))


@dataclass(frozen=True)
class FrequentistResult:
    """A test of the effect (absolute or ``relative`` lift) at level ``alpha``."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    std_error: float
    statistic: float  # t or z; for the sequential test, estimate / std_error
    dof: float | None
    method: str
    relative: bool
    alpha: float
    insufficient_data: str | None = None

    @property
    def significant(self) -> bool:
        return self.insufficient_data is None and self.p_value < self.alpha

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("significant",))


def insufficient_result(
    reason: str, *, method: str, relative: bool, alpha: float
) -> FrequentistResult:
    return FrequentistResult(
        estimate=NAN,
        ci_low=NAN,
        ci_high=NAN,
        p_value=NAN,
        std_error=NAN,
        statistic=NAN,
        dof=None,
        method=method,
        relative=relative,
        alpha=alpha,
        insufficient_data=reason,
    )


def welch_test(
    control: Statistic, treatment: Statistic, *, relative: bool = True, alpha: float = 0.05
) -> FrequentistResult:
    """Welch's t test of ``treatment`` against ``control``, two-sided."""
    check_pair(control, treatment)
    alpha = check_alpha(alpha)
    reason = insufficient_data(control, treatment, relative=relative)
    if reason is not None:
        return insufficient_result(reason, method="welch_t", relative=relative, alpha=alpha)
    diff = effect(control, treatment, relative=relative)
    dof = welch_dof(control, treatment)
    se = diff.std_error
    t = diff.estimate / se
    half_width = float(special.stdtrit(dof, 1.0 - alpha / 2.0)) * se
    return FrequentistResult(
        estimate=diff.estimate,
        ci_low=diff.estimate - half_width,
        ci_high=diff.estimate + half_width,
        p_value=min(1.0, 2.0 * float(special.stdtr(dof, -abs(t)))),
        std_error=se,
        statistic=t,
        dof=dof,
        method="welch_t",
        relative=relative,
        alpha=alpha,
    )


def two_proportion_test(
    control: ProportionStats,
    treatment: ProportionStats,
    *,
    relative: bool = True,
    alpha: float = 0.05,
) -> FrequentistResult:
    """Two-proportion z test: pooled-variance p-value, Wald (or delta-method) interval."""
    check_pair(control, treatment)
    if not isinstance(control, ProportionStats):
        raise InvalidInput(f"the two-proportion test needs ProportionStats, got {control!r}")
    alpha = check_alpha(alpha)
    reason = insufficient_data(control, treatment, relative=relative)
    if reason is not None:
        return insufficient_result(
            reason, method="two_proportion_z", relative=relative, alpha=alpha
        )
    n = control.n + treatment.n
    pooled = (control.successes + treatment.successes) / n
    null_se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / control.n + 1.0 / treatment.n))
    z = (treatment.mean - control.mean) / null_se
    diff = effect(control, treatment, relative=relative)
    half_width = float(special.ndtri(1.0 - alpha / 2.0)) * diff.std_error
    return FrequentistResult(
        estimate=diff.estimate,
        ci_low=diff.estimate - half_width,
        ci_high=diff.estimate + half_width,
        p_value=min(1.0, 2.0 * float(special.ndtr(-abs(z)))),
        std_error=diff.std_error,
        statistic=z,
        dof=None,
        method="two_proportion_z",
        relative=relative,
        alpha=alpha,
    )
