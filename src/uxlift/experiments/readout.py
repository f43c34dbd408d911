"""Reading an experiment's outcome, and the UX metrics, from the log.

The store returns sums per variant (or per day and segment); here they become
each metric's sufficient statistics, with the pre-period ones for CUPED, and
go through :func:`uxlift.experiments.analysis.analyze`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import duckdb

from uxlift.errors import InvalidInput
from uxlift.experiments.analysis import AnalysisSettings, ExperimentAnalysis, analyze
from uxlift.experiments.definition import Experiment
from uxlift.experiments.metrics import METRICS, Metric, metric_value
from uxlift.experiments.statistics import MeanStats, ProportionStats, RatioStats
from uxlift.store import experiments as rows

PRE_PERIOD = timedelta(days=14)


def results(
    cur: duckdb.DuckDBPyConnection,
    experiment: Experiment,
    settings: AnalysisSettings,
    *,
    end: datetime,
    cuped: bool,
) -> dict[str, Any]:
    """Every metric of every variant against control as of ``end``, with CUPED over
    the two weeks before the start when ``cuped``."""
    pre = (
        (experiment.started_at - PRE_PERIOD, experiment.started_at)
        if cuped and experiment.started_at is not None
        else (None, None)
    )
    sums = rows.experiment_sums(
        cur, experiment.experiment_id, until=end, pre_start=pre[0], pre_end=pre[1]
    )
    counts = rows.exposure_counts(cur, experiment.experiment_id, end)
    analysis = analysis_of(experiment, sums, counts, settings, cuped=pre[0] is not None)
    variants = []
    for v in experiment.variants:
        group = sums.get(v.name, {})
        n = int(group.get("n", 0))
        variants.append(
            {
                "name": v.name,
                "weight": v.weight,
                "config": v.config,
                "users": n,
                "metrics": {
                    name: metric_value(METRICS[name], group, n) for name in experiment.metrics
                },
            }
        )
    return {
        "experiment": experiment.to_dict(),
        "as_of": end.isoformat() + "Z",
        "settings": {
            "alpha": settings.alpha,
            "sequential": settings.sequential,
            "correction": settings.correction,
            "cuped": pre[0] is not None,
        },
        "variants": variants,
        "mixed_users": counts.get("", 0),
        "analysis": analysis_dict(experiment, analysis),
        "metrics": {name: METRICS[name].to_dict() for name in experiment.metrics},
        "allocations": [
            {"at": at.isoformat() + "Z", "weights": w}
            for at, w in rows.allocations(cur, experiment.experiment_id)
        ],
    }


def timeline(
    cur: duckdb.DuckDBPyConnection,
    experiment: Experiment,
    m: Metric,
    settings: AnalysisSettings,
    *,
    end: datetime,
) -> dict[str, Any]:
    """Metric ``m``'s comparisons with everything seen up to the end of each day,
    and the users per variant by then."""
    if experiment.started_at is None:
        return {"experiment": experiment.experiment_id, "metric": m.name, "days": []}
    single = replace(experiment, primary_metric=m.name, guardrail_metrics=())
    day = experiment.started_at.replace(hour=0, minute=0, second=0, microsecond=0)
    days = []
    while day < end:
        cutoff = min(day + timedelta(days=1), end)
        sums = rows.experiment_sums(cur, experiment.experiment_id, until=cutoff)
        counts = rows.exposure_counts(cur, experiment.experiment_id, cutoff)
        analysis = analysis_of(single, sums, counts, settings, cuped=False)
        days.append(
            {
                "day": day.date().isoformat(),
                "users": {
                    v.name: int(sums.get(v.name, {}).get("n", 0)) for v in experiment.variants
                },
                "comparisons": [c.to_dict() for c in analysis.comparisons],
            }
        )
        day += timedelta(days=1)
    return {"experiment": experiment.experiment_id, "metric": m.name, "days": days}


def daily_metrics(
    cur: duckdb.DuckDBPyConnection,
    *,
    days: int,
    segment: str | None,
    end: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """Every UX metric per day over ``days`` days up to ``end`` (default: the latest
    event), optionally per ``segment`` (an event property)."""
    if not 1 <= days <= 366:
        raise InvalidInput("days must be 1 to 366", details=[{"field": "days", "reason": "1-366"}])
    if segment is not None and not segment.replace("_", "").isalnum():
        raise InvalidInput(
            "segment must be a property name",
            details=[{"field": "segment", "reason": "letters, digits and _"}],
        )
    if end is None:
        latest = cur.execute("SELECT max(ts) FROM events").fetchone()
        end = latest[0] if latest and latest[0] is not None else now
    stop = end.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    start = stop - timedelta(days=days)
    sums = rows.daily_sums(cur, start=start, end=stop, segment=segment)
    series = []
    for (day, seg), group in sorted(sums.items()):
        n = int(group.get("n", 0))
        series.append(
            {
                "day": day.date().isoformat(),
                "segment": seg,
                "users": n,
                **{name: metric_value(m, group, n) for name, m in METRICS.items()},
            }
        )
    return {
        "start": start.date().isoformat(),
        "end": (stop - timedelta(days=1)).date().isoformat(),
        "segment": segment,
        "metrics": [m.to_dict() for m in METRICS.values()],
        "days": series,
    }


def analysis_dict(experiment: Experiment, analysis: ExperimentAnalysis) -> dict[str, Any]:
    """The analysis as JSON; a bandit's split moves on purpose, so it has no sample
    ratio to check (``srm`` is None)."""
    out = analysis.to_dict()
    if experiment.kind == "bandit":
        out["srm"] = None
    return out


def stats_for(m: Metric, group: dict[str, float], prefix: str = "") -> Any:
    """The sufficient statistic of metric ``m`` for one variant from its column sums
    (``prefix`` ``pre_`` reads the pre-period sums)."""
    n = int(group.get("n", 0))

    def mean_of(column: str) -> MeanStats:
        return MeanStats(
            n=n,
            total=group.get(f"{prefix}s_{column}", 0.0),
            sum_squares=group.get(f"{prefix}q_{column}", 0.0),
        )

    if m.kind == "proportion":
        return ProportionStats(n=n, successes=group.get(f"{prefix}s_{m.numerator}", 0.0))
    if m.kind == "mean":
        return mean_of(m.numerator)
    assert m.denominator is not None
    return RatioStats(
        n=n,
        numerator=mean_of(m.numerator),
        denominator=mean_of(m.denominator),
        sum_products=group.get(f"p_{m.numerator}__{m.denominator}", 0.0),
    )


def analysis_of(
    experiment: Experiment,
    sums: dict[str, dict[str, float]],
    counts: dict[str, int],
    settings: AnalysisSettings,
    *,
    cuped: bool,
) -> ExperimentAnalysis:
    names = [v.name for v in experiment.variants]
    if experiment.kind == "bandit":  # a moving split says nothing about sample ratios
        weights = {name: float(counts.get(name, 0)) or 1.0 for name in names}
    else:
        weights = {v.name: v.weight for v in experiment.variants}
    empty: dict[str, float] = {}
    metrics = {
        name: {v: stats_for(METRICS[name], sums.get(v, empty)) for v in names}
        for name in experiment.metrics
    }
    covariates = None
    if cuped:
        covariates = {
            name: {
                v: (
                    stats_for(METRICS[name], sums.get(v, empty), "pre_"),
                    sums.get(v, empty).get(f"x_{METRICS[name].numerator}", 0.0),
                )
                for v in names
            }
            for name in experiment.metrics
            if METRICS[name].kind != "ratio"
        }
    return analyze(
        metrics,
        control=experiment.control,
        counts={name: int(counts.get(name, 0)) for name in names},
        weights=weights,
        settings=settings,
        inverse=frozenset(name for name in experiment.metrics if METRICS[name].inverse),
        covariates=covariates,
    )
