"""The entry point: every metric of every variant, corrections, CUPED, SRM, serialization."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from uxlift.errors import InvalidInput, NotFound
from uxlift.experiments.analysis import (
    AnalysisSettings,
    ExperimentAnalysis,
    analyze,
    compare,
)
from uxlift.experiments.corrections import benjamini_hochberg, holm
from uxlift.experiments.cuped import cuped_adjust
from uxlift.experiments.frequentist import two_proportion_test, welch_test
from uxlift.experiments.statistics import (
    MeanStats,
    ProportionStats,
    covariate_stats,
    mean_stats,
    proportion_stats,
    ratio_stats,
)

VARIANTS = ("control", "b", "c")
N = 20_000
LIFT = {"control": 1.0, "b": 1.2, "c": 1.0}


def _units(seed: int = 0, n: int = N):
    """Unit-level data per variant: conversion, revenue (and its pre-period), clicks and
    exposures; variant b lifts conversion and revenue by 20%."""
    rng = np.random.default_rng(seed)
    out = {}
    for variant in VARIANTS:
        propensity = rng.gamma(1.0, 1.0, n)
        converted = (rng.random(n) < 0.05 * LIFT[variant] * propensity).astype(float)
        revenue = converted * rng.lognormal(3.0, 0.8, n)
        pre_revenue = (rng.random(n) < 0.05 * propensity) * rng.lognormal(3.0, 0.8, n)
        exposures = rng.poisson(5.0, n) + 1.0
        clicks = rng.binomial(exposures.astype(int), 0.1).astype(float)
        out[variant] = (converted, revenue, pre_revenue, clicks, exposures)
    return out


UNITS = _units()
METRICS = {
    "conversion": {v: proportion_stats(UNITS[v][0]) for v in VARIANTS},
    "revenue": {v: mean_stats(UNITS[v][1]) for v in VARIANTS},
    "ctr": {v: ratio_stats(UNITS[v][3], UNITS[v][4]) for v in VARIANTS},
}
COVARIATES = {"revenue": {v: covariate_stats(UNITS[v][1], UNITS[v][2]) for v in VARIANTS}}
COUNTS = {v: N for v in VARIANTS}
WEIGHTS = {v: 1.0 for v in VARIANTS}


def _analysis(settings: AnalysisSettings | None = None, **kwargs) -> ExperimentAnalysis:
    settings = settings or AnalysisSettings()
    return analyze(
        METRICS, control="control", counts=COUNTS, weights=WEIGHTS, settings=settings, **kwargs
    )


def test_every_metric_of_every_treatment_is_compared_with_control() -> None:
    analysis = _analysis()
    assert analysis.control == "control"
    assert [(c.metric, c.variant) for c in analysis.comparisons] == [
        (m, v) for m in METRICS for v in ("b", "c")
    ]
    assert analysis.metrics == ("conversion", "revenue", "ctr")
    assert analysis.variants == ("b", "c")
    conversion = analysis.comparison("conversion", "b")
    assert conversion.frequentist.method == "two_proportion_z"
    direct = two_proportion_test(METRICS["conversion"]["control"], METRICS["conversion"]["b"])
    assert conversion.frequentist == direct
    assert conversion.lift == direct.estimate
    assert (conversion.ci_low, conversion.ci_high) == (direct.ci_low, direct.ci_high)
    assert conversion.control_mean == UNITS["control"][0].mean()
    assert conversion.variant_n == N
    assert analysis.comparison("ctr", "c").frequentist.method == "welch_t"
    assert not analysis.srm.mismatch and analysis.srm.p_value == pytest.approx(1.0)
    with pytest.raises(NotFound):
        analysis.comparison("latency", "b")


@pytest.mark.parametrize(("correction", "adjust"), [("holm", holm), ("bh", benjamini_hochberg)])
def test_p_values_are_corrected_across_the_metrics_of_each_variant(correction, adjust) -> None:
    analysis = _analysis(AnalysisSettings(correction=correction))
    for variant in ("b", "c"):
        items = [c for c in analysis.comparisons if c.variant == variant]
        expected = adjust([c.frequentist.p_value for c in items])
        assert [c.adjusted_p_value for c in items] == pytest.approx(expected)
        for item in items:
            assert item.significant == (item.adjusted_p_value < 0.05)
    plain = _analysis(AnalysisSettings(correction="none"))
    assert all(c.adjusted_p_value == c.p_value for c in plain.comparisons)


def test_the_lift_of_variant_b_is_found() -> None:
    analysis = _analysis()
    conversion = analysis.comparison("conversion", "b")
    assert conversion.ci_low < 0.2 < conversion.ci_high
    assert conversion.significant
    assert conversion.bayesian.chance_to_win > 0.95
    assert conversion.bayesian.risk_treatment < conversion.bayesian.risk_control


def test_covariates_turn_on_cuped_with_the_pooled_theta() -> None:
    analysis = _analysis(covariates=COVARIATES)
    revenue = analysis.comparison("revenue", "b")
    pair = cuped_adjust(
        METRICS["revenue"]["control"],
        METRICS["revenue"]["b"],
        (COVARIATES["revenue"]["control"][0], COVARIATES["revenue"]["b"][0]),
        (COVARIATES["revenue"]["control"][1], COVARIATES["revenue"]["b"][1]),
    )
    assert revenue.cuped and revenue.theta == pair.theta
    assert revenue.frequentist == welch_test(pair.control, pair.treatment)
    assert revenue.control_mean == METRICS["revenue"]["control"].mean  # observed, unadjusted
    unadjusted = _analysis().comparison("revenue", "b")
    assert not unadjusted.cuped
    assert revenue.frequentist.std_error < unadjusted.frequentist.std_error
    assert not analysis.comparison("conversion", "b").cuped


def test_sequential_settings_use_the_confidence_sequence_for_every_metric() -> None:
    analysis = _analysis(AnalysisSettings(sequential=True, sequential_tuning=10_000))
    assert {c.frequentist.method for c in analysis.comparisons} == {"sequential_cs"}
    fixed = _analysis()
    for always, once in zip(analysis.comparisons, fixed.comparisons, strict=True):
        assert always.ci_high - always.ci_low > once.ci_high - once.ci_low


def test_absolute_effects_and_a_proper_prior() -> None:
    settings = AnalysisSettings(relative=False, proper_prior=True, prior_variance=0.01)
    revenue = _analysis(settings).comparison("revenue", "b")
    observed = METRICS["revenue"]["b"].mean - METRICS["revenue"]["control"].mean
    assert revenue.lift == pytest.approx(observed)
    assert revenue.bayesian.proper_prior
    assert abs(revenue.bayesian.expected) < abs(observed)


def test_inverse_metrics_flip_the_chance_to_win() -> None:
    normal = _analysis().comparison("revenue", "b").bayesian
    inverse = _analysis(inverse=frozenset({"revenue"})).comparison("revenue", "b")
    assert inverse.inverse
    assert inverse.bayesian.chance_to_win == pytest.approx(1.0 - normal.chance_to_win)
    assert inverse.bayesian.risk_control == normal.risk_treatment


def test_missing_or_thin_data_is_reported_not_raised() -> None:
    metrics = {
        "conversion": {"control": ProportionStats(n=N, successes=1000)},  # b, c missing
        "revenue": {
            "control": MeanStats(n=1, total=5.0, sum_squares=25.0),
            "b": mean_stats(UNITS["b"][1]),
            "c": mean_stats(np.zeros(10)),
        },
    }
    analysis = analyze(metrics, control="control", counts=COUNTS, weights=WEIGHTS)
    assert len(analysis.comparisons) == 4
    for item in analysis.comparisons:
        assert item.insufficient_data is not None
        assert not item.significant
        assert math.isnan(item.adjusted_p_value)
    assert analysis.comparison("conversion", "b").variant_n == 0


def test_srm_is_checked_against_the_configured_weights() -> None:
    counts = {"control": 20_000, "b": 20_800, "c": 20_000}
    analysis = analyze(METRICS, control="control", counts=counts, weights=WEIGHTS)
    assert analysis.srm.mismatch
    assert analysis.srm.variants == VARIANTS


def test_to_dict_is_strict_json() -> None:
    metrics = dict(METRICS, empty={"control": MeanStats(n=0, total=0.0, sum_squares=0.0)})
    analysis = analyze(
        metrics, control="control", counts=COUNTS, weights=WEIGHTS, covariates=COVARIATES
    )
    data = json.loads(json.dumps(analysis.to_dict(), allow_nan=False))
    assert data["control"] == "control"
    assert data["srm"]["mismatch"] is False
    first = data["comparisons"][0]
    for key in ("lift", "ci_low", "ci_high", "significant", "adjusted_p_value", "frequentist"):
        assert key in first
    assert first["bayesian"]["chance_to_win"] > 0.5
    empty = [c for c in data["comparisons"] if c["metric"] == "empty"]
    assert empty and all(c["lift"] is None and c["insufficient_data"] for c in empty)
    assert data["settings"]["correction"] == "holm"


def test_compare_alone_leaves_the_p_value_unadjusted() -> None:
    item = compare(METRICS["revenue"]["control"], METRICS["revenue"]["b"], metric="revenue")
    assert item.adjusted_p_value == item.p_value
    assert item.metric == "revenue" and item.variant == ""


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: analyze(METRICS, control="x", counts=COUNTS, weights=WEIGHTS), "control"),
        (
            lambda: analyze(
                {"m": {"z": METRICS["revenue"]["b"]}},
                control="control",
                counts=COUNTS,
                weights=WEIGHTS,
            ),
            "unknown variants",
        ),
        (
            lambda: analyze({"m": {}}, control="control", counts=COUNTS, weights=WEIGHTS),
            "no variant",
        ),
        (lambda: _analysis(inverse=frozenset({"latency"})), "inverse"),
        (
            lambda: _analysis(covariates={"ctr": {v: COVARIATES["revenue"][v] for v in VARIANTS}}),
            "CUPED",
        ),
        (
            lambda: _analysis(
                covariates={"revenue": {"control": COVARIATES["revenue"]["control"]}}
            ),
            "no entry for variant",
        ),
        (
            lambda: analyze(
                {"m": {"control": 3.0}}, control="control", counts=COUNTS, weights=WEIGHTS
            ),
            "metrics",
        ),
        (lambda: compare(METRICS["revenue"]["control"], METRICS["ctr"]["b"]), "same kind"),
        (
            lambda: compare(
                METRICS["revenue"]["control"],
                METRICS["revenue"]["b"],
                pre=(METRICS["revenue"]["control"],) * 2,
            ),
            "together",
        ),
        (lambda: AnalysisSettings(alpha=1.0), "alpha"),
        (lambda: AnalysisSettings(correction="bonferroni"), "correction"),
        (lambda: AnalysisSettings(prior_variance=0.0), "prior_variance"),
        (lambda: AnalysisSettings(sequential_tuning=0.0), "sequential_tuning"),
        (lambda: AnalysisSettings(srm_threshold=2.0), "srm_threshold"),
        (
            lambda: analyze(
                METRICS, control="control", counts=COUNTS, weights=dict(WEIGHTS, c=-1.0)
            ),
            "weights",
        ),
    ],
)
def test_invalid_arguments_raise_invalid_input(call, field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        call()
