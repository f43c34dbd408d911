"""Bayesian view of the same comparison: a Gaussian posterior on the effect.

The data enter through the estimate of the effect ``d`` (absolute difference or relative
lift) and its variance ``V``, exactly those of the fixed-horizon test
(:func:`uxlift.experiments.frequentist.effect`): by the central limit theorem the
likelihood of the true effect ``delta`` is ``N(d, V)``. With a Gaussian prior
``N(m0, v0)`` on ``delta`` the posterior is Gaussian (conjugacy), with precision
``1 / V + 1 / v0`` and mean ``(d / V + m0 / v0) / (1 / V + 1 / v0)``; with the default
improper flat prior it is ``N(d, V)``, so the credible interval then coincides with a
normal-approximation confidence interval. This is the model of GrowthBook's
``EffectBayesianABTest``: a posterior on the effect itself, not one per variant.

A prior is stated on a scale: relative lift by default (a prior variance of 0.01 says
"lifts beyond ±20% are rare"). For an absolute comparison a relative prior is rescaled by
the control mean (mean times ``|mu_A|``, variance times ``mu_A^2``), and the other way
round.

From the posterior ``N(mu, s^2)``:

* chance to win: ``P(delta > 0) = Phi(mu / s)``, or ``P(delta < 0)`` for an ``inverse``
  metric where lower is better (latency, churn);
* expected loss ("risk") of each decision: choosing control forgoes
  ``E[max(delta, 0)] = mu Phi(mu / s) + s phi(mu / s)`` (the mean of the positive part of
  the normal: the probability of a positive effect times the mean of the truncated
  normal above 0), choosing the treatment risks ``E[max(-delta, 0)] =
  s phi(mu / s) - mu Phi(-mu / s)``; swapped for an inverse metric. A common decision
  rule ships the treatment when its risk falls below a threshold the team can live with;
* the equal-tailed ``1 - alpha`` credible interval ``mu ± z_{1-alpha/2} s``.

An effect that cannot be estimated gives a result with ``insufficient_data`` set and NaN
numbers (see :func:`uxlift.experiments.frequentist.insufficient_data`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import special

from uxlift.errors import InvalidInput
from uxlift.experiments._common import check_alpha, check_finite, check_positive, to_dict
from uxlift.experiments.frequentist import check_pair, effect, insufficient_data
from uxlift.experiments.statistics import Statistic

NAN = float("nan")
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@dataclass(frozen=True)
class GaussianPrior:
    """A proper Gaussian prior on the effect, stated on the ``relative`` (lift) scale or
    the absolute one."""

    mean: float = 0.0
    variance: float = 1.0
    relative: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "mean", check_finite("prior_mean", self.mean))
        object.__setattr__(self, "variance", check_positive("prior_variance", self.variance))

    def on_scale(self, relative: bool, control_mean: float) -> GaussianPrior:
        """This prior restated on the relative or absolute scale around ``control_mean``."""
        if relative == self.relative:
            return self
        factor = 1.0 / abs(control_mean) if relative else abs(control_mean)
        return GaussianPrior(self.mean * factor, self.variance * factor**2, relative)


@dataclass(frozen=True)
class BayesianResult:
    """Posterior ``N(expected, std^2)`` of the effect, and the decisions it supports."""

    expected: float
    std: float
    ci_low: float
    ci_high: float
    chance_to_win: float
    risk_control: float  # expected loss of keeping control
    risk_treatment: float  # expected loss of shipping the treatment
    relative: bool
    inverse: bool
    alpha: float
    proper_prior: bool
    insufficient_data: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


def _phi(z: float) -> float:
    return _INV_SQRT_2PI * math.exp(-0.5 * z * z)


def expected_losses(mean: float, std: float) -> tuple[float, float]:
    """``(E[max(X, 0)], E[max(-X, 0)])`` for ``X ~ N(mean, std^2)``."""
    z = mean / std
    density = std * _phi(z)
    return (
        mean * float(special.ndtr(z)) + density,
        density - mean * float(special.ndtr(-z)),
    )


def bayesian_test(
    control: Statistic,
    treatment: Statistic,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    inverse: bool = False,
    prior: GaussianPrior | None = None,
) -> BayesianResult:
    """Posterior of the effect of ``treatment`` over ``control``; flat prior when
    ``prior`` is None."""
    check_pair(control, treatment)
    alpha = check_alpha(alpha)
    if prior is not None and not isinstance(prior, GaussianPrior):
        raise InvalidInput(f"prior must be a GaussianPrior or None, got {prior!r}")

    def unusable(reason: str) -> BayesianResult:
        return BayesianResult(
            expected=NAN,
            std=NAN,
            ci_low=NAN,
            ci_high=NAN,
            chance_to_win=NAN,
            risk_control=NAN,
            risk_treatment=NAN,
            relative=relative,
            inverse=inverse,
            alpha=alpha,
            proper_prior=prior is not None,
            insufficient_data=reason,
        )

    reason = insufficient_data(control, treatment, relative=relative)
    if reason is not None:
        return unusable(reason)
    data = effect(control, treatment, relative=relative)
    if prior is None:
        mean, variance = data.estimate, data.variance
    else:
        if prior.relative != relative and control.unadjusted_mean == 0.0:
            return unusable("control mean is zero, so the relative prior cannot be rescaled")
        scaled = prior.on_scale(relative, control.unadjusted_mean)
        precision = 1.0 / data.variance + 1.0 / scaled.variance
        mean = (data.estimate / data.variance + scaled.mean / scaled.variance) / precision
        variance = 1.0 / precision
    std = math.sqrt(variance)
    half_width = float(special.ndtri(1.0 - alpha / 2.0)) * std
    gain, loss = expected_losses(mean, std)
    win = float(special.ndtr(-mean / std if inverse else mean / std))
    return BayesianResult(
        expected=mean,
        std=std,
        ci_low=mean - half_width,
        ci_high=mean + half_width,
        chance_to_win=win,
        risk_control=loss if inverse else gain,
        risk_treatment=gain if inverse else loss,
        relative=relative,
        inverse=inverse,
        alpha=alpha,
        proper_prior=prior is not None,
    )
