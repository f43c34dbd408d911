"""The UX metrics, defined once for the dashboard and for experiments.

Every metric is built from per-unit columns that the store computes from the
event log by SQL (a unit is a user, or a user on one day):

=====================  ==========  ==========================================
metric                 kind        per unit
=====================  ==========  ==========================================
ctr                    ratio       clicks / recommendation exposures
conversion             proportion  purchased at least once
revenue_per_user       mean        sum of purchase values
add_to_cart_rate       proportion  added to cart at least once
containment            ratio       conversations without hand-off / conversations
handoff_rate           ratio       conversations handed to a person / conversations
csat                   ratio       sum of 1-5 answers / answers
negative_review_share  ratio       negative reviews / reviews
=====================  ==========  ==========================================

A ratio metric is a ratio of sums over units (e.g. all clicks over all
exposures of a variant), analysed with the delta method; ``inverse`` marks
metrics where lower is better.
"""

from __future__ import annotations

from dataclasses import dataclass

from uxlift.errors import InvalidInput

UNIT_COLUMNS = (
    "exposures",
    "clicks",
    "purchased",
    "revenue",
    "carted",
    "conversations",
    "contained",
    "handoffs",
    "csat_sum",
    "csat_n",
    "reviews",
    "negative_reviews",
)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    kind: str  # "proportion" | "mean" | "ratio"
    numerator: str
    denominator: str | None = None
    inverse: bool = False
    description: str = ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "inverse": self.inverse,
            "description": self.description,
        }


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("ctr", "CTR", "ratio", "clicks", "exposures",
               description="clicks per recommended item shown"),
        Metric("conversion", "Conversion", "proportion", "purchased",
               description="share of users who purchased"),
        Metric("revenue_per_user", "Revenue per user", "mean", "revenue",
               description="sum of purchase values per user"),
        Metric("add_to_cart_rate", "Add-to-cart rate", "proportion", "carted",
               description="share of users who added to cart"),
        Metric("containment", "Assistant containment", "ratio", "contained", "conversations",
               description="conversations the assistant finished without a person"),
        Metric("handoff_rate", "Hand-off rate", "ratio", "handoffs", "conversations",
               inverse=True, description="conversations handed to a person"),
        Metric("csat", "CSAT", "ratio", "csat_sum", "csat_n",
               description="mean satisfaction answer, 1 to 5"),
        Metric("negative_review_share", "Negative review share", "ratio", "negative_reviews",
               "reviews", inverse=True, description="reviews classified as negative"),
    )
}  # fmt: skip


def metric(name: str, field: str = "metric") -> Metric:
    """The metric called ``name``; InvalidInput naming ``field`` if there is none."""
    found = METRICS.get(name)
    if found is None:
        raise InvalidInput(
            f"unknown metric {name!r}",
            details=[{"field": field, "reason": f"one of {sorted(METRICS)}"}],
        )
    return found


def metric_value(m: Metric, sums: dict[str, float], units: int) -> float | None:
    """The metric over a group of units from the sums of its columns (``s_<column>``
    as the store returns them); None when the denominator is empty."""
    numerator = sums.get(f"s_{m.numerator}", 0.0)
    if m.kind == "ratio":
        assert m.denominator is not None
        denominator = sums.get(f"s_{m.denominator}", 0.0)
        return numerator / denominator if denominator else None
    return numerator / units if units else None
