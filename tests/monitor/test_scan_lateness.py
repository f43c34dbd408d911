"""Scans judge each window once; ``lateness`` keeps closed windows open for late texts."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from uxlift.config import Settings
from uxlift.services import Services, open_services

START = datetime(2026, 11, 2, tzinfo=UTC)
GOOD = ["Great app, works well", "Love the new design", "Support was quick and kind"]
BAD = ["My parcel was late again", "The courier lost my parcel", "Delivery took two weeks"]
SPIKE_HOUR = 93
HOURS = 96  # 72 hours of history before the 24 the first scan judges


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings = Settings(
        data_dir=tmp_path / "data", secret_key=TEST_SECRET, monitor_min_history=48,
        monitor_scan_windows=24, monitor_scan_every_s=0,
    )  # fmt: skip
    opened = open_services(settings)
    try:
        yield opened
    finally:
        opened.close()


def _texts(hours: range, per_hour: int, bad_share: float, tag: str) -> list[dict]:
    rng = random.Random(f"{tag}-{hours.start}")
    return [
        {
            "text_id": f"{tag}{hour}-{k}",
            "source": "app_store",
            "text": f"{rng.choice(BAD if rng.random() < bad_share else GOOD)} ({tag}{hour}.{k})",
            "timestamp": (START + timedelta(hours=hour, minutes=rng.randint(0, 59))).isoformat(),
        }
        for hour in hours
        for k in range(per_hour)
    ]


@pytest.mark.parametrize(("lateness", "alerted"), [(0, False), (1, True)])
def test_a_spike_whose_texts_arrive_an_hour_late_is_judged_only_when_windows_wait(
    services: Services, lateness: int, alerted: bool
) -> None:
    opinions = services.opinions
    opinions.settings = dataclasses.replace(opinions.settings, lateness=lateness)
    assert opinions.ingest(_texts(range(HOURS), 11, 0.12, "q")).stored == 11 * HOURS
    assert opinions.scan(now=START + timedelta(hours=SPIKE_HOUR + 1, minutes=5)) == []
    late = _texts(range(SPIKE_HOUR, SPIKE_HOUR + 1), 30, 1.0, "late")
    assert opinions.ingest(late).stored == 30
    found = opinions.scan(now=START + timedelta(hours=SPIKE_HOUR + 2, minutes=5))
    spike = [a for a in found if a.window_start == (START + timedelta(hours=SPIKE_HOUR)).replace(
        tzinfo=None
    )]  # fmt: skip
    assert bool(spike) is alerted, [(a.window_start, a.statistic, a.z) for a in found]
    if alerted:
        assert {a.statistic for a in spike} >= {"negative_share"}
