"""A recommendation request, validated the same way whatever the transport."""

from __future__ import annotations

from dataclasses import dataclass

from uxlift.errors import InvalidInput
from uxlift.experiments.definition import audience_attributes
from uxlift.predict.event_log import KIND

MAX_N = 100
MAX_PAGE = 100_000
STRATEGIES = ("model", "popularity")


@dataclass(frozen=True)
class Request:
    """What a caller asks for (validated here, whatever the transport)."""

    n: int = 10
    page: int = 1
    list_id: str | None = None
    category: str | None = None
    price_min: float | None = None
    price_max: float | None = None
    exclude: tuple[str, ...] = ("purchase",)
    diversity: float = 0.0
    explain: bool = False
    boosts: tuple[tuple[str, str, float], ...] = ()  # (field, value, factor)
    log_exposure: bool = True
    strategy: str = "model"  # or "popularity": most active items this week, not personal
    model_version: str | None = None  # a registry version instead of the serving one
    # the caller's audience attributes (e.g. platform), matched against experiments'
    # audience filters; sorted (key, value) pairs
    attributes: tuple[tuple[str, str], ...] = ()

    def check(self) -> None:
        problems = []
        if not 1 <= self.n <= MAX_N:
            problems.append({"field": "n", "reason": f"1 to {MAX_N}"})
        if not 1 <= self.page <= MAX_PAGE:
            problems.append({"field": "page", "reason": f"1 to {MAX_PAGE}"})
        if not 0.0 <= self.diversity <= 1.0:
            problems.append({"field": "diversity", "reason": "between 0 and 1"})
        unknown = [k for k in self.exclude if k not in KIND]
        if unknown:
            problems.append({"field": "exclude", "reason": f"unknown event types {unknown}"})
        if (
            self.price_min is not None
            and self.price_max is not None
            and self.price_min > self.price_max
        ):
            problems.append({"field": "price_min", "reason": "above price_max"})
        for field_name, _, factor in self.boosts:
            if field_name not in ("item_id", "category", "brand") or not 0 < factor <= 100:
                problems.append(
                    {
                        "field": "boosts",
                        "reason": "field item_id|category|brand, factor in (0, 100]",
                    }
                )
        try:
            audience_attributes(dict(self.attributes))
        except InvalidInput as error:
            problems.extend(error.details)
        if self.strategy not in STRATEGIES:
            problems.append({"field": "strategy", "reason": f"one of {list(STRATEGIES)}"})
        if problems:
            raise InvalidInput("invalid recommendation request", details=problems)


def parse_attributes(text: str) -> tuple[tuple[str, str], ...]:
    """``"platform:ios,country:DE"`` as sorted (key, value) pairs; a piece without a
    ``key:value`` shape is an :class:`InvalidInput` naming ``attributes``."""
    pairs: dict[str, str] = {}
    for piece in (p.strip() for p in text.split(",")):
        if not piece:
            continue
        key, colon, value = piece.partition(":")
        if not colon or not key.strip():
            raise InvalidInput(
                "invalid recommendation request",
                details=[{"field": "attributes", "reason": f"{piece!r} is not key:value"}],
            )
        pairs[key.strip()] = value.strip()
    return audience_attributes(pairs)
