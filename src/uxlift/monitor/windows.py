"""Time windows of the monitor's series: hours or days, in naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from uxlift.errors import InvalidInput

GRANULARITIES = ("hour", "day")


def check_granularity(granularity: str) -> None:
    """Refuse a granularity other than ``"hour"`` or ``"day"``, naming the field."""
    if granularity not in GRANULARITIES:
        raise InvalidInput(
            f"granularity must be one of {list(GRANULARITIES)}",
            details=[{"field": "granularity", "reason": "unknown granularity"}],
        )


def step(granularity: str) -> timedelta:
    """The width of one window."""
    return timedelta(hours=1) if granularity == "hour" else timedelta(days=1)


def floor(moment: datetime, granularity: str) -> datetime:
    """The start of the window ``moment`` falls in."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    return hour if granularity == "hour" else hour.replace(hour=0)


def naive(moment: datetime) -> datetime:
    """``moment`` in naive UTC, as the store keeps times (naive input is UTC already)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def iso(moment: datetime) -> str:
    """A naive UTC time as ISO 8601 with a ``Z``."""
    return moment.isoformat(timespec="seconds") + "Z"


def zero_filled(
    points: list[tuple[datetime, int, int, int, float]], granularity: str, began: datetime | None
) -> list[tuple[datetime, int, int, int, float]]:
    """Every window from ``began`` (or the first point) to the last point; empty ones
    as zeros, so a chart's gaps are real quiet hours."""
    if not points:
        return []
    width = step(granularity)
    moment = floor(min(began or points[0][0], points[0][0]), granularity)
    have = {p[0]: p for p in points}
    out = []
    while moment <= points[-1][0]:
        out.append(have.get(moment, (moment, 0, 0, 0, 0.0)))
        moment += width
    return out
