"""The same statistics as GrowthBook's gbstats objects, the peer the tests check against."""

from __future__ import annotations

from gbstats.models.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
)

from uxlift.experiments.statistics import (
    Component,
    MeanStats,
    ProportionStats,
    RatioStats,
    Statistic,
)


def gb(stats: Statistic | Component):
    """gbstats' statistic for one of ours (keyword arguments: pydantic dataclasses)."""
    if isinstance(stats, ProportionStats):
        return ProportionStatistic(n=stats.n, sum=stats.successes)
    if isinstance(stats, MeanStats):
        return SampleMeanStatistic(n=stats.n, sum=stats.total, sum_squares=stats.sum_squares)
    if isinstance(stats, RatioStats):
        return RatioStatistic(
            n=stats.n,
            m_statistic=gb(stats.numerator),
            d_statistic=gb(stats.denominator),
            m_d_sum_of_products=stats.sum_products,
        )
    raise TypeError(type(stats))


def gb_adjusted(post: Component, pre: Component, sum_products: float):
    """gbstats' regression-adjusted statistic (theta is set by the test that uses it)."""
    return RegressionAdjustedStatistic(
        n=post.n,
        post_statistic=gb(post),
        pre_statistic=gb(pre),
        post_pre_sum_of_products=sum_products,
        theta=0.0,
    )
