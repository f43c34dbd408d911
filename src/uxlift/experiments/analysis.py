"""One call from per-variant sums to the verdict on every metric of an experiment.

:func:`analyze` takes, for each metric and each variant, the sufficient statistics of
:mod:`uxlift.experiments.statistics` (what a ``GROUP BY variant`` query returns), the
number of units assigned to each variant and the configured traffic weights, and returns
an :class:`ExperimentAnalysis`:

* a sample-ratio-mismatch check of the traffic split (:mod:`~uxlift.experiments.srm`);
  when it reports a mismatch the comparisons should not be trusted;
* for every metric and every treatment variant, a :class:`MetricComparison` against
  control carrying both a frequentist and a Bayesian reading of the same data:

  - frequentist: the two-proportion z test for a proportion metric, Welch's t test for
    the others (:mod:`~uxlift.experiments.frequentist`), or, when ``sequential`` is set,
    the always-valid confidence sequence for every kind of metric
    (:mod:`~uxlift.experiments.sequential`), which stays valid however often the results
    are looked at;
  - Bayesian: posterior of the effect, chance to beat control and expected loss of each
    decision (:mod:`~uxlift.experiments.bayesian`);
  - the p-value adjusted across the metrics of the variant (Holm by default,
    :mod:`~uxlift.experiments.corrections`), which decides ``significant``.

The effect is the lift relative to control by default, or the absolute difference.

CUPED (:mod:`~uxlift.experiments.cuped`): ``covariates[metric][variant]`` is a pair
``(pre, sum_products)`` with ``pre`` the statistic of the same units' pre-experiment
value (a :class:`~uxlift.experiments.statistics.MeanStats` or
:class:`~uxlift.experiments.statistics.ProportionStats`, same ``n`` as the metric's)
and ``sum_products`` the sum over those units of metric times pre-experiment value. A
metric with covariates is compared on its adjusted values, with ``theta`` pooled over
control and the variant compared. Ratio metrics are not adjusted.

A variant that a metric has no statistics for counts as having no units for it, so its
comparisons report insufficient data instead of failing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from uxlift.errors import InvalidInput, NotFound
from uxlift.experiments._common import check_alpha, check_finite, check_positive, to_dict
from uxlift.experiments.bayesian import BayesianResult, GaussianPrior, bayesian_test
from uxlift.experiments.corrections import METHODS, adjust_p_values
from uxlift.experiments.cuped import cuped_adjust
from uxlift.experiments.frequentist import (
    FrequentistResult,
    check_pair,
    two_proportion_test,
    welch_test,
)
from uxlift.experiments.sequential import sequential_test
from uxlift.experiments.srm import SrmResult, srm_test
from uxlift.experiments.statistics import (
    Component,
    MeanStats,
    ProportionStats,
    RatioStats,
    Statistic,
)

Stats = ProportionStats | MeanStats | RatioStats
Covariate = tuple[Component, float]


@dataclass(frozen=True)
class AnalysisSettings:
    """How an experiment is analysed.

    ``alpha``: significance level (and ``1 - alpha`` interval level). ``relative``: the
    effect is the lift relative to control, else the absolute difference. ``sequential``:
    always-valid intervals and p-values, tuned for ``sequential_tuning`` units.
    ``correction``: "holm", "bh" or "none", across the metrics of one variant.
    ``srm_threshold``: p-value below which the split is reported as mismatched. The prior
    (``prior_mean``, ``prior_variance``, on the relative lift, rescaled by the control
    mean for absolute effects) is used only when ``proper_prior``; otherwise flat.
    """

    alpha: float = 0.05
    relative: bool = True
    sequential: bool = False
    sequential_tuning: float = 5000.0
    correction: str = "holm"
    srm_threshold: float = 0.001
    prior_mean: float = 0.0
    prior_variance: float = 1.0
    proper_prior: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", check_alpha(self.alpha))
        object.__setattr__(
            self, "sequential_tuning", check_positive("sequential_tuning", self.sequential_tuning)
        )
        if self.correction not in METHODS:
            raise InvalidInput(
                f"correction must be one of {', '.join(METHODS)}, got {self.correction!r}"
            )
        object.__setattr__(self, "srm_threshold", check_alpha(self.srm_threshold, "srm_threshold"))
        object.__setattr__(self, "prior_mean", check_finite("prior_mean", self.prior_mean))
        object.__setattr__(
            self, "prior_variance", check_positive("prior_variance", self.prior_variance)
        )

    @property
    def prior(self) -> GaussianPrior | None:
        if not self.proper_prior:
            return None
        return GaussianPrior(self.prior_mean, self.prior_variance, relative=True)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@dataclass(frozen=True)
class MetricComparison:
    """One metric, one treatment ``variant`` against control.

    ``control_mean`` and ``variant_mean`` are the observed means (before any CUPED
    adjustment); the effect (``lift``) is that of :attr:`frequentist`, which is adjusted
    when ``cuped``. ``adjusted_p_value`` is corrected across the metrics of the variant.
    """

    metric: str
    variant: str
    control_mean: float
    variant_mean: float
    control_n: int
    variant_n: int
    frequentist: FrequentistResult
    bayesian: BayesianResult
    adjusted_p_value: float
    cuped: bool
    insufficient_data: str | None
    inverse: bool = False
    theta: float = 0.0

    @property
    def lift(self) -> float:
        return self.frequentist.estimate

    @property
    def ci_low(self) -> float:
        return self.frequentist.ci_low

    @property
    def ci_high(self) -> float:
        return self.frequentist.ci_high

    @property
    def p_value(self) -> float:
        return self.frequentist.p_value

    @property
    def significant(self) -> bool:
        return self.insufficient_data is None and self.adjusted_p_value < self.frequentist.alpha

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("lift", "ci_low", "ci_high", "p_value", "significant"))


@dataclass(frozen=True)
class ExperimentAnalysis:
    """Every comparison of an experiment, and its traffic-split check."""

    control: str
    comparisons: tuple[MetricComparison, ...]
    srm: SrmResult
    settings: AnalysisSettings = AnalysisSettings()

    def comparison(self, metric: str, variant: str) -> MetricComparison:
        for item in self.comparisons:
            if item.metric == metric and item.variant == variant:
                return item
        raise NotFound(f"no comparison of metric {metric!r} for variant {variant!r}")

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.metric for item in self.comparisons))

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.variant for item in self.comparisons))

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


def _check_stats(name: str, value: object) -> None:
    if not isinstance(value, ProportionStats | MeanStats | RatioStats):
        raise InvalidInput(
            f"{name} must be ProportionStats, MeanStats or RatioStats, got {type(value).__name__}"
        )


def compare(
    control: Stats,
    treatment: Stats,
    settings: AnalysisSettings = AnalysisSettings(),
    *,
    metric: str = "",
    variant: str = "",
    inverse: bool = False,
    pre: tuple[Stats, Stats] | None = None,
    pre_products: tuple[float, float] | None = None,
) -> MetricComparison:
    """Compare one metric of ``treatment`` with ``control``.

    ``pre`` (control's, treatment's pre-experiment statistics) and ``pre_products``
    (their sums of metric times pre-experiment value) turn CUPED on; ``inverse`` marks a
    metric where lower is better (it affects the Bayesian chance to win and risks)."""
    if not isinstance(settings, AnalysisSettings):
        raise InvalidInput(f"settings must be AnalysisSettings, got {type(settings).__name__}")
    _check_stats("control", control)
    _check_stats("treatment", treatment)
    check_pair(control, treatment)
    if (pre is None) != (pre_products is None):
        raise InvalidInput("pre and pre_products must be given together")
    a: Statistic = control
    b: Statistic = treatment
    theta = 0.0
    if pre is not None and pre_products is not None:
        if isinstance(control, RatioStats):
            raise InvalidInput(f"metric {metric!r}: CUPED applies to mean and proportion metrics")
        for name, value in zip(("pre[0]", "pre[1]"), pre, strict=True):
            if not isinstance(value, MeanStats | ProportionStats):
                raise InvalidInput(f"{name} must be MeanStats or ProportionStats")
        pair = cuped_adjust(control, treatment, (pre[0], pre[1]), pre_products)
        if pair.applied:
            a, b, theta = pair.control, pair.treatment, pair.theta
    if settings.sequential:
        frequentist = sequential_test(
            a,
            b,
            relative=settings.relative,
            alpha=settings.alpha,
            tuning=settings.sequential_tuning,
        )
    elif isinstance(a, ProportionStats) and isinstance(b, ProportionStats):
        frequentist = two_proportion_test(a, b, relative=settings.relative, alpha=settings.alpha)
    else:
        frequentist = welch_test(a, b, relative=settings.relative, alpha=settings.alpha)
    bayesian = bayesian_test(
        a,
        b,
        relative=settings.relative,
        alpha=settings.alpha,
        inverse=inverse,
        prior=settings.prior,
    )
    return MetricComparison(
        metric=metric,
        variant=variant,
        control_mean=control.mean,
        variant_mean=treatment.mean,
        control_n=control.n,
        variant_n=treatment.n,
        frequentist=frequentist,
        bayesian=bayesian,
        adjusted_p_value=frequentist.p_value,
        cuped=theta != 0.0,
        insufficient_data=frequentist.insufficient_data or bayesian.insufficient_data,
        inverse=inverse,
        theta=theta,
    )


def empty_like(stats: Statistic) -> Statistic:
    """A statistic of the same kind over no units."""
    if isinstance(stats, ProportionStats):
        return ProportionStats(n=0, successes=0.0)
    if isinstance(stats, MeanStats):
        return MeanStats(n=0, total=0.0, sum_squares=0.0)
    if isinstance(stats, RatioStats):
        return RatioStats(
            n=0,
            numerator=empty_like(stats.numerator),
            denominator=empty_like(stats.denominator),
            sum_products=0.0,
        )
    raise InvalidInput(f"not a metric statistic: {type(stats).__name__}")


def _covariate(
    metric: str, variant: str, stats: Stats, entries: Mapping[str, Covariate], like: Component
) -> Covariate:
    if variant not in entries:
        if stats.n == 0:
            return empty_like(like), 0.0
        raise InvalidInput(f"covariates[{metric!r}] has no entry for variant {variant!r}")
    entry = entries[variant]
    if not isinstance(entry, tuple) or len(entry) != 2:
        raise InvalidInput(
            f"covariates[{metric!r}][{variant!r}] must be a (pre statistic, sum of products) pair"
        )
    return entry


def analyze(
    metrics: Mapping[str, Mapping[str, Stats]],
    *,
    control: str,
    counts: Mapping[str, int],
    weights: Mapping[str, float],
    settings: AnalysisSettings = AnalysisSettings(),
    inverse: frozenset[str] = frozenset(),
    covariates: Mapping[str, Mapping[str, Covariate]] | None = None,
) -> ExperimentAnalysis:
    """Analyse every metric of an experiment.

    ``metrics``: metric name -> variant name -> statistic. ``control``: the control
    variant's name. ``counts``: units assigned per variant (all variants, control
    included) and ``weights``: their configured traffic weights (same names). ``inverse``:
    metrics where lower is better. ``covariates``: metric -> variant -> (pre-experiment
    statistic, sum of products) for the metrics to CUPED-adjust (see the module doc)."""
    if not isinstance(settings, AnalysisSettings):
        raise InvalidInput(f"settings must be AnalysisSettings, got {type(settings).__name__}")
    srm = srm_test(counts, weights, threshold=settings.srm_threshold)
    if control not in counts:
        raise InvalidInput(f"control {control!r} is not one of the variants {sorted(counts)}")
    covariates = covariates or {}
    for name, label in ((set(inverse), "inverse"), (set(covariates), "covariates")):
        unknown = name - set(metrics)
        if unknown:
            raise InvalidInput(f"{label} names unknown metrics: {sorted(unknown)}")
    treatments = [variant for variant in counts if variant != control]
    comparisons: list[MetricComparison] = []
    for metric, per_variant in metrics.items():
        if not per_variant:
            raise InvalidInput(f"metrics[{metric!r}] has no variant")
        unknown = set(per_variant) - set(counts)
        if unknown:
            raise InvalidInput(f"metrics[{metric!r}] names unknown variants: {sorted(unknown)}")
        for variant, stats in per_variant.items():
            _check_stats(f"metrics[{metric!r}][{variant!r}]", stats)
        like = next(iter(per_variant.values()))
        base = per_variant[control] if control in per_variant else empty_like(like)
        for variant in treatments:
            stats = per_variant[variant] if variant in per_variant else empty_like(like)
            pre = products = None
            if metric in covariates:
                entries = covariates[metric]
                known = next(iter(entries.values()), None)
                if known is None:
                    raise InvalidInput(f"covariates[{metric!r}] has no variant")
                like_pre = known[0]
                pre_a, sum_a = _covariate(metric, control, base, entries, like_pre)
                pre_b, sum_b = _covariate(metric, variant, stats, entries, like_pre)
                pre, products = (pre_a, pre_b), (sum_a, sum_b)
            comparisons.append(
                compare(
                    base,
                    stats,
                    settings,
                    metric=metric,
                    variant=variant,
                    inverse=metric in inverse,
                    pre=pre,
                    pre_products=products,
                )
            )
    for variant in treatments:
        indices = [i for i, item in enumerate(comparisons) if item.variant == variant]
        p_values = [comparisons[i].frequentist.p_value for i in indices]
        adjusted = adjust_p_values(p_values, settings.correction)
        for i, value in zip(indices, adjusted, strict=True):
            comparisons[i] = dataclasses.replace(comparisons[i], adjusted_p_value=value)
    return ExperimentAnalysis(
        control=control, comparisons=tuple(comparisons), srm=srm, settings=settings
    )
