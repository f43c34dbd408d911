"""Scanning a windowed series: quiet when nothing changes, an explained alarm when it surges."""

from __future__ import annotations

import numpy as np

from uxlift.monitor.detection import scan_series, severity
from uxlift.monitor.surge import DetectorSettings


def _stream(seed: int, hours: int, share: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rate = 60 + 40 * np.sin(2 * np.pi * np.arange(hours) / 24)
    volume = rng.poisson(rate).astype(float)
    return volume, rng.binomial(volume.astype(int), share).astype(float)


def test_a_negative_surge_is_caught_within_a_few_windows_with_its_numbers() -> None:
    volume, negative = _stream(0, 24 * 10)
    surge_from = 24 * 9 + 5
    negative[surge_from:] = np.random.default_rng(1).binomial(volume[surge_from:].astype(int), 0.4)
    alarms, states = scan_series(
        volume, negative, recent=24, granularity="hour", first_slot=0,
        settings=DetectorSettings(), min_history=168,
    )  # fmt: skip
    assert set(states) == {"volume", "negative_share"}
    share = [a for a in alarms if a.statistic == "negative_share"]
    assert share and surge_from <= share[0].window <= surge_from + 2
    first = share[0]
    assert 0.12 < first.expected < 0.18 and first.observed > 0.3
    assert first.level > first.threshold > 0 and first.severity == "high"
    assert first.volume == int(volume[first.window])


def test_an_unchanged_stream_raises_nothing_and_short_history_is_not_judged() -> None:
    volume, negative = _stream(2, 24 * 10)
    settings = DetectorSettings()
    assert scan_series(volume, negative, recent=24, granularity="hour", first_slot=0,
                       settings=settings, min_history=168)[0] == []  # fmt: skip
    assert scan_series(volume[:100], negative[:100] * 3, recent=24, granularity="hour",
                       first_slot=0, settings=settings, min_history=168)[0] == []  # fmt: skip


def test_a_scan_continues_the_previous_one_so_split_scans_equal_one_scan() -> None:
    volume, negative = _stream(4, 24 * 10)
    negative[24 * 9 + 3 :] = volume[24 * 9 + 3 :] * 0.35
    settings = DetectorSettings(cooldown=3)
    whole, _ = scan_series(volume, negative, recent=24, granularity="hour", first_slot=0,
                           settings=settings, min_history=168)  # fmt: skip
    first, states = scan_series(volume[:-12], negative[:-12], recent=12, granularity="hour",
                                first_slot=0, settings=settings, min_history=168)  # fmt: skip
    second, _ = scan_series(volume, negative, recent=12, granularity="hour", first_slot=0,
                            settings=settings, min_history=168, states=states)  # fmt: skip
    # the baselines differ a little (12 more hours of history), the alarms do not
    assert [a.window for a in first + second] == [a.window for a in whole]


def test_severity_grows_with_the_jump() -> None:
    assert severity(5.0, 5.0, 4.4) == "high"
    assert severity(1.0, 9.0, 4.4) == "high"
    assert severity(3.0, 5.0, 4.4) == "medium"
    assert severity(1.2, 4.5, 4.4) == "low"
