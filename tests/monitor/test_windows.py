"""Windows of the monitor's series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from uxlift.errors import InvalidInput
from uxlift.monitor.windows import check_granularity, floor, iso, naive, zero_filled


def test_quiet_windows_between_points_are_zeros() -> None:
    first, last = datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 12)
    points = [(first, 4, 1, 0, 0.2), (last, 2, 2, 0, -0.5)]
    filled = zero_filled(points, "hour", None)
    assert [p[0].hour for p in filled] == [9, 10, 11, 12]
    assert filled[1] == (datetime(2026, 11, 2, 10), 0, 0, 0, 0.0) and filled[-1] == points[-1]


def test_zero_filling_starts_where_monitoring_began() -> None:
    points = [(datetime(2026, 11, 4), 3, 0, 0, 0.1)]
    filled = zero_filled(points, "day", datetime(2026, 11, 2, 17, 30))
    assert [p[0].day for p in filled] == [2, 3, 4]


def test_times_become_naive_utc_windows() -> None:
    moment = datetime(2026, 11, 2, 23, 45, tzinfo=timezone(timedelta(hours=-5)))
    assert naive(moment) == datetime(2026, 11, 3, 4, 45)
    assert floor(naive(moment), "hour") == datetime(2026, 11, 3, 4)
    assert floor(naive(moment), "day") == datetime(2026, 11, 3)
    assert iso(datetime(2026, 11, 3, 4)) == "2026-11-03T04:00:00Z"
    assert naive(datetime(2026, 11, 3, 4, tzinfo=UTC)) == datetime(2026, 11, 3, 4)


def test_an_unknown_granularity_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_granularity("minute")
    assert caught.value.details[0]["field"] == "granularity"
