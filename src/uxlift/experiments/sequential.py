"""Always-valid inference: confidence sequences that stay valid however often one peeks.

A fixed-horizon interval covers the true effect with probability ``1 - alpha`` at one
pre-planned sample size. Looking at it every day and stopping at the first significant
look inflates the false-positive rate well beyond ``alpha`` (about 25% with 20 looks at
5%). A confidence sequence instead covers the effect at every sample size at once with
probability ``1 - alpha``, so any stopping rule is safe.

This module implements the asymptotic confidence sequence of Waudby-Smith, Arbour,
Sinha, Kennedy and Ramdas 2023, "Time-uniform central limit theory and asymptotic
confidence sequences" (eq. 9 of arXiv:2103.06476v7), the one GrowthBook uses. Their
result: for a mean estimated from ``t`` independent units with standard deviation
``sigma``, the Gaussian-mixture boundary of Robbins (a normal mixing distribution of
precision ``rho^2`` over the drift of a Gaussian random walk) becomes, by a strong
approximation of the partial sums, an asymptotically time-uniform interval

    ``estimate ± sigma sqrt(2 (t rho^2 + 1) / (t^2 rho^2) log(sqrt(t rho^2 + 1) / alpha))``.

For an A/B comparison ``t = N = n_A + n_B`` is the number of units so far and
``sigma^2 = N V``, with ``V`` the variance of the effect estimate (the same absolute or
delta-method relative variance as the fixed-horizon test in
:mod:`uxlift.experiments.frequentist`). ``rho`` sets where the sequence is tightest: the
value ``rho^2 = (-2 log alpha + log(1 - 2 log alpha)) / N*`` (their eq. 161) makes it
nearly the narrowest at the "tuning" sample size ``N*`` (5000 by default).

The matching always-valid p-value (their eq. 155) inverts the mixture martingale, an
e-value: with ``z = estimate / sqrt(V)``,
``E = exp(rho^2 N z^2 / (2 (N rho^2 + 1))) / sqrt(N rho^2 + 1)`` and ``p = min(1, 1 / E)``.
It is below ``alpha`` exactly when the sequence excludes 0. By Ville's inequality the
running minimum of ``p`` over all looks is still a valid p-value; each call returns the
current look's. The guarantee is asymptotic (it needs enough units for the central limit
theorem to hold, as the fixed-horizon tests do) and the sequence is wider than it need be
when ``N`` is far from the tuning size.
"""

from __future__ import annotations

import math

from uxlift.experiments._common import check_alpha, check_positive
from uxlift.experiments.frequentist import (
    FrequentistResult,
    check_pair,
    effect,
    insufficient_data,
    insufficient_result,
)
from uxlift.experiments.statistics import Statistic

METHOD = "sequential_cs"


def mixture_rho(alpha: float, tuning: float = 5000.0) -> float:
    """The mixing precision ``rho`` that makes the sequence tight near ``tuning`` units."""
    alpha = check_alpha(alpha)
    tuning = check_positive("sequential_tuning", tuning)
    log_term = -2.0 * math.log(alpha)
    return math.sqrt((log_term + math.log(log_term + 1.0)) / tuning)


def sequential_test(
    control: Statistic,
    treatment: Statistic,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    tuning: float = 5000.0,
) -> FrequentistResult:
    """Always-valid interval and p-value of the effect of ``treatment`` over ``control``."""
    check_pair(control, treatment)
    rho = mixture_rho(alpha, tuning)
    alpha = check_alpha(alpha)
    reason = insufficient_data(control, treatment, relative=relative)
    if reason is not None:
        return insufficient_result(reason, method=METHOD, relative=relative, alpha=alpha)
    diff = effect(control, treatment, relative=relative)
    n = control.n + treatment.n
    scale = n * rho**2 + 1.0  # N rho^2 + 1
    sigma2 = diff.variance * n  # per-unit variance of the effect
    half_width = math.sqrt(
        sigma2 * 2.0 * scale * math.log(math.sqrt(scale) / alpha) / (n * rho) ** 2
    )
    z2 = diff.estimate**2 / diff.variance  # (estimate / se)^2
    log_evalue = rho**2 * n * z2 / (2.0 * scale) - 0.5 * math.log(scale)
    return FrequentistResult(
        estimate=diff.estimate,
        ci_low=diff.estimate - half_width,
        ci_high=diff.estimate + half_width,
        p_value=min(1.0, math.exp(-log_evalue)),
        std_error=diff.std_error,
        statistic=diff.estimate / diff.std_error,
        dof=None,
        method=METHOD,
        relative=relative,
        alpha=alpha,
    )
