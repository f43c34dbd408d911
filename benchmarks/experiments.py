"""Experiment statistics on simulated A/A and A/B tests: coverage, false positives, peeking.

Each run simulates one two-variant experiment over ``--days`` days with ``--users-per-day``
new users a day, each assigned to control or treatment by a fair coin (so the arms'
sizes vary, as they do in production). Per user, three realistic metrics:

* conversion (proportion): the user converts with probability ``5% q``, where the user's
  propensity ``q = 10 Beta(0.05, 0.45)`` (mean 1, at most 10) varies a lot: most users
  hardly ever buy, a few buy often;
* revenue per user (mean, zero-inflated): an order value ``exp(3 + 0.9 z + 0.44 e)`` if
  the user converted, 0 otherwise, where ``z`` is the user's spending level and ``e``
  the order's own noise (both standard normal: lognormal with log-sd 1).
  CUPED-adjusted with the same user's revenue in the pre-experiment period (drawn
  independently with the same ``q`` and ``z``, hence correlated, as loosely as revenue
  usually is);
* CTR (ratio of sums, clicks / exposures): ``1 + Poisson(5)`` exposures per user, each
  clicked with the user's own probability ``0.3 Beta(1.5, 3)`` (mean 10%).

A/B runs multiply the conversion probability and the click probability of the treatment
by ``1 + lift``, which makes the true relative lift of all three metrics exactly ``lift``.
A/A runs leave them alone. Everything is computed from the per-variant sums a SQL query
would return, through :func:`uxlift.experiments.analysis.analyze` / ``compare``.

Reported:

* ``coverage``: share of the 95% intervals of the relative lift (final day, fixed
  horizon) that contain the true lift, over A/B runs and metrics (target 0.93-0.97);
* ``aa_false_positive_rate``: share of A/A (run, metric) pairs with p < 0.05 at the final
  day, one look (target 0.03-0.07);
* ``naive_peeking_aa_fpr``: the same fixed-horizon test looked at every day, a false
  positive if any look is significant (what peeking does);
* ``sequential_aa_fpr``: the always-valid test looked at every day (target <= 0.05), and
  ``sequential_coverage``: share of A/B (run, metric) pairs whose confidence sequence
  contains the true lift on every day;
* ``srm_false_alarm_rate``: A/A and A/B runs flagged for sample-ratio mismatch (p < 0.001;
  the split is fair, so about 0.001);
* ``cuped_variance_reduction``: mean share of the revenue difference's variance removed;
* ``gbstats_max_abs_diff``: the largest absolute difference from GrowthBook's gbstats
  0.8 on the same sums, over all runs and metrics, where the methods coincide: Welch t
  (relative and absolute: estimate, interval, p-value), Bayesian with a flat prior
  (estimate, interval, chance to win, both risks), the sequential test (interval,
  p-value), CUPED (revenue) and ratio metrics (CTR) through those, and the SRM p-value
  (target <= 1e-6). The two-proportion z test has no gbstats counterpart (gbstats uses
  Welch's t on proportions too), so conversion is compared through Welch's t.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig
from gbstats.frequentist.tests import (
    FrequentistConfig,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
)
from gbstats.models.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
)
from gbstats.utils import check_srm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import machine
from uxlift.experiments.analysis import AnalysisSettings, analyze, compare
from uxlift.experiments.bayesian import bayesian_test
from uxlift.experiments.cuped import cuped_adjust
from uxlift.experiments.frequentist import welch_test
from uxlift.experiments.sequential import sequential_test
from uxlift.experiments.statistics import MeanStats, ProportionStats, RatioStats

METRICS = ("conversion", "revenue", "ctr")
ARMS = ("control", "treatment")
# per (run, day, arm) sums; "n" is the number of users
COLUMNS = (
    "n",
    "conv",
    "rev",
    "rev2",
    "pre",
    "pre2",
    "rev_pre",
    "clk",
    "clk2",
    "exp",
    "exp2",
    "clk_exp",
)
ALPHA = 0.05


def simulate(rng: np.random.Generator, runs: int, days: int, users: int, lift: float) -> dict:
    """Cumulative per-day sums, each an array ``(runs, days, 2)`` (control, treatment)."""
    shape = (runs, days, users)
    treated = rng.random(shape) < 0.5
    boost = 1.0 + lift * treated
    propensity = 10.0 * rng.beta(0.05, 0.45, shape)
    spending = 3.0 + 0.9 * rng.standard_normal(shape)
    noise = float(np.sqrt(1.0 - 0.9**2))
    converted = rng.random(shape) < 0.05 * propensity * boost
    revenue = np.where(converted, np.exp(spending + noise * rng.standard_normal(shape)), 0.0)
    bought_before = rng.random(shape) < 0.05 * propensity
    pre = np.where(bought_before, np.exp(spending + noise * rng.standard_normal(shape)), 0.0)
    exposures = 1.0 + rng.poisson(5.0, shape)
    clicks = rng.binomial(exposures.astype(np.int64), 0.3 * rng.beta(1.5, 3.0, shape) * boost)
    clicks = clicks.astype(np.float64)
    values = {
        "n": np.ones(shape),
        "conv": converted.astype(np.float64),
        "rev": revenue,
        "rev2": revenue**2,
        "pre": pre,
        "pre2": pre**2,
        "rev_pre": revenue * pre,
        "clk": clicks,
        "clk2": clicks**2,
        "exp": exposures,
        "exp2": exposures**2,
        "clk_exp": clicks * exposures,
    }
    out = {}
    for name, value in values.items():
        in_treatment = np.where(treated, value, 0.0).sum(axis=2)
        per_day = np.stack([value.sum(axis=2) - in_treatment, in_treatment], axis=2)
        out[name] = np.cumsum(per_day, axis=1)
    return out


def variant_stats(sums: dict, run: int, day: int, arm: int) -> dict:
    """uxlift statistics of one arm at the end of ``day``, and the revenue covariate."""
    s = {name: float(sums[name][run, day, arm]) for name in COLUMNS}
    n = int(s["n"])
    return {
        "conversion": ProportionStats(n=n, successes=s["conv"]),
        "revenue": MeanStats(n=n, total=s["rev"], sum_squares=s["rev2"]),
        "ctr": RatioStats(
            n=n,
            numerator=MeanStats(n=n, total=s["clk"], sum_squares=s["clk2"]),
            denominator=MeanStats(n=n, total=s["exp"], sum_squares=s["exp2"]),
            sum_products=s["clk_exp"],
        ),
        "pre": (MeanStats(n=n, total=s["pre"], sum_squares=s["pre2"]), s["rev_pre"]),
    }


def compare_all(arms: list[dict], settings: AnalysisSettings) -> dict:
    """``compare`` of every metric (revenue CUPED-adjusted), the treatment vs control."""
    out = {}
    for metric in METRICS:
        pre = products = None
        if metric == "revenue":
            pre = (arms[0]["pre"][0], arms[1]["pre"][0])
            products = (arms[0]["pre"][1], arms[1]["pre"][1])
        out[metric] = compare(
            arms[0][metric],
            arms[1][metric],
            settings,
            metric=metric,
            pre=pre,
            pre_products=products,
        )
    return out


def _gb(stats):
    if isinstance(stats, ProportionStats):
        return ProportionStatistic(n=stats.n, sum=stats.successes)
    if isinstance(stats, MeanStats):
        return SampleMeanStatistic(n=stats.n, sum=stats.total, sum_squares=stats.sum_squares)
    return RatioStatistic(
        n=stats.n,
        m_statistic=_gb(stats.numerator),
        d_statistic=_gb(stats.denominator),
        m_d_sum_of_products=stats.sum_products,
    )


def gbstats_diffs(arms: list[dict], counts: list[int], diffs: dict[str, float]) -> int:
    """Record in ``diffs`` the largest |uxlift - gbstats| per quantity; returns how many
    numbers were compared."""
    compared = 0

    def record(name: str, ours: float, theirs: float) -> None:
        nonlocal compared
        diffs[name] = max(diffs[name], abs(float(ours) - float(theirs)))
        compared += 1

    for metric in METRICS:
        a, b = arms[0][metric], arms[1][metric]
        if metric == "revenue":
            pre = (arms[0]["pre"][0], arms[1]["pre"][0])
            products = (arms[0]["pre"][1], arms[1]["pre"][1])
            pair = cuped_adjust(a, b, pre, products)
            ours_a, ours_b = pair.control, pair.treatment

            def peer(a=a, b=b, pre=pre, products=products):
                return tuple(
                    RegressionAdjustedStatistic(
                        n=post.n,
                        post_statistic=_gb(post),
                        pre_statistic=_gb(x),
                        post_pre_sum_of_products=p,
                        theta=0.0,
                    )
                    for post, x, p in zip((a, b), pre, products, strict=True)
                )
        else:
            ours_a, ours_b = a, b

            def peer(a=a, b=b):
                return _gb(a), _gb(b)

        for relative in (True, False):
            kind = "relative" if relative else "absolute"
            ours = welch_test(ours_a, ours_b, relative=relative)
            ga, gb_ = peer()
            theirs = TwoSidedTTest(ga, gb_, FrequentistConfig(difference_type=kind))
            theirs = theirs.compute_result()
            record("welch_estimate", ours.estimate, theirs.expected)
            record("welch_ci", ours.ci_low, theirs.ci[0])
            record("welch_ci", ours.ci_high, theirs.ci[1])
            record("welch_p_value", ours.p_value, theirs.p_value)
        ours = sequential_test(ours_a, ours_b)
        ga, gb_ = peer()
        theirs = SequentialTwoSidedTTest(ga, gb_, SequentialConfig()).compute_result()
        record("sequential_ci", ours.ci_low, theirs.ci[0])
        record("sequential_ci", ours.ci_high, theirs.ci[1])
        record("sequential_p_value", ours.p_value, theirs.p_value)
        bayes = bayesian_test(ours_a, ours_b)
        ga, gb_ = peer()
        theirs = EffectBayesianABTest(ga, gb_, EffectBayesianConfig()).compute_result()
        record("bayesian_estimate", bayes.expected, theirs.expected)
        record("bayesian_ci", bayes.ci_low, theirs.ci[0])
        record("bayesian_ci", bayes.ci_high, theirs.ci[1])
        record("chance_to_win", bayes.chance_to_win, theirs.chance_to_win)
        record("risk", bayes.risk_control, theirs.risk[0])
        record("risk", bayes.risk_treatment, theirs.risk[1])
    return compared


def run_batch(sums: dict, lift: float, days: int, tally: dict, diffs: dict) -> None:
    """Analyse every run of a simulated batch; ``lift`` 0 means A/A."""
    fixed = AnalysisSettings()
    sequential = AnalysisSettings(sequential=True)
    runs = sums["n"].shape[0]
    kind = "ab" if lift else "aa"
    for run in range(runs):
        last = days - 1
        arms = [variant_stats(sums, run, last, arm) for arm in (0, 1)]
        counts = [arm["conversion"].n for arm in arms]
        analysis = analyze(
            {metric: {ARMS[i]: arms[i][metric] for i in (0, 1)} for metric in METRICS},
            control="control",
            counts=dict(zip(ARMS, counts, strict=True)),
            weights={"control": 1.0, "treatment": 1.0},
            settings=fixed,
            covariates={"revenue": {ARMS[i]: arms[i]["pre"] for i in (0, 1)}},
        )
        tally["srm_runs"] += 1
        tally["srm_flagged"] += analysis.srm.mismatch
        diffs["srm_p_value"] = max(
            diffs["srm_p_value"], abs(analysis.srm.p_value - check_srm(counts, [1.0, 1.0]))
        )
        tally["gbstats_numbers"] += 1 + gbstats_diffs(arms, counts, diffs)
        revenue = analysis.comparison("revenue", "treatment")
        plain = compare(arms[0]["revenue"], arms[1]["revenue"], fixed)
        tally["cuped_reduction"] += (
            1.0 - (revenue.frequentist.std_error / plain.frequentist.std_error) ** 2
        )
        tally["cuped_runs"] += 1
        daily = [[variant_stats(sums, run, day, arm) for arm in (0, 1)] for day in range(days)]
        for metric in METRICS:
            item = analysis.comparison(metric, "treatment")
            if kind == "ab":
                tally["covered"] += item.ci_low <= lift <= item.ci_high
                tally[f"covered_{metric}"] += item.ci_low <= lift <= item.ci_high
                tally["ab_pairs"] += 1
            else:
                tally["aa_significant"] += item.frequentist.p_value < ALPHA
                tally[f"aa_significant_{metric}"] += item.frequentist.p_value < ALPHA
                tally["aa_pairs"] += 1
        naive_hit = dict.fromkeys(METRICS, False)
        sequential_hit = dict.fromkeys(METRICS, False)
        for day_arms in daily:
            always = compare_all(day_arms, sequential)
            once = compare_all(day_arms, fixed) if kind == "aa" else {}
            for metric in METRICS:
                low, high = always[metric].ci_low, always[metric].ci_high
                sequential_hit[metric] |= not low <= lift <= high
                if kind == "aa":
                    naive_hit[metric] |= once[metric].frequentist.p_value < ALPHA
        if kind == "aa":
            tally["aa_naive_peeking"] += sum(naive_hit.values())
            tally["aa_sequential"] += sum(sequential_hit.values())
        else:
            tally["ab_sequential_covered"] += sum(not hit for hit in sequential_hit.values())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=2000, help="A/A runs, and as many A/B")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--users-per-day", type=int, default=1000, help="both arms together")
    parser.add_argument("--lift", type=float, default=0.05, help="true relative lift of A/B")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    rng = np.random.default_rng(args.seed)
    tally: dict[str, float] = defaultdict(float)
    diffs: dict[str, float] = defaultdict(float)
    batch = max(1, 2_000_000 // (args.days * args.users_per_day))
    for lift in (0.0, args.lift):
        done = 0
        while done < args.runs:
            size = min(batch, args.runs - done)
            sums = simulate(rng, size, args.days, args.users_per_day, lift)
            run_batch(sums, lift, args.days, tally, diffs)
            done += size
    ab, aa = tally["ab_pairs"], tally["aa_pairs"]
    result = {
        "machine": machine(),
        "runs": args.runs,
        "days": args.days,
        "users_per_day": args.users_per_day,
        "true_lift": args.lift,
        "coverage": round(tally["covered"] / ab, 4),
        "coverage_by_metric": {m: round(tally[f"covered_{m}"] / args.runs, 4) for m in METRICS},
        "aa_false_positive_rate": round(tally["aa_significant"] / aa, 4),
        "aa_false_positive_rate_by_metric": {
            m: round(tally[f"aa_significant_{m}"] / args.runs, 4) for m in METRICS
        },
        "naive_peeking_aa_fpr": round(tally["aa_naive_peeking"] / aa, 4),
        "sequential_aa_fpr": round(tally["aa_sequential"] / aa, 4),
        "sequential_coverage": round(tally["ab_sequential_covered"] / ab, 4),
        "srm_false_alarm_rate": round(tally["srm_flagged"] / tally["srm_runs"], 4),
        "cuped_variance_reduction": round(tally["cuped_reduction"] / tally["cuped_runs"], 4),
        "gbstats_max_abs_diff": max(diffs.values()),
        "gbstats_max_abs_diff_by_quantity": {k: diffs[k] for k in sorted(diffs)},
        "gbstats_numbers_compared": int(tally["gbstats_numbers"]),
        "seconds": round(time.monotonic() - started, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
