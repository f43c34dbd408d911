"""Scanning one windowed series for surges: the pure core behind the monitor.

A series is a run of consecutive windows (hours or days) of one topic and
source: volume and negative count per window. The older part is the history a
:class:`~uxlift.monitor.baseline.SeasonalBaseline` is fitted on; detectors then
run over the recent part, one for the volume and one for the negative share
(see :mod:`uxlift.monitor.surge`). Each alarm carries what a person needs to
judge it: the window, what was observed and expected, the z-score, the
detector's level and threshold, and a severity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.monitor.baseline import SeasonalBaseline
from uxlift.monitor.surge import DetectorSettings, SurgeDetector

PERIODS = {"hour": 24, "day": 7}
STATISTICS = ("volume", "negative_share")


@dataclass(frozen=True)
class Alarm:
    statistic: str
    window: int
    observed: float
    expected: float
    z: float
    level: float
    threshold: float
    volume: int
    negative: int
    severity: str


def severity(z: float, level: float, threshold: float) -> str:
    """``high`` for a jump of 4+ standard deviations or a level twice the threshold,
    ``medium`` from 2.5 deviations, else ``low`` (a slow, steady drift)."""
    if z >= 4.0 or level >= 2 * threshold:
        return "high"
    if z >= 2.5:
        return "medium"
    return "low"


def scan_series(
    volume: np.ndarray,
    negative: np.ndarray,
    *,
    recent: int,
    granularity: str,
    first_slot: int,
    settings: DetectorSettings,
    min_history: int,
    states: dict[str, tuple[float, int]] | None = None,
) -> tuple[list[Alarm], dict[str, tuple[float, int]]]:
    """Alarms in the last ``recent`` windows, against a baseline fitted on the windows
    before them (at least ``min_history``; none otherwise), and each detector's state
    (level, quiet windows left) after them. ``states`` continues where the previous
    scan stopped, so every window is judged once."""
    volume = np.asarray(volume, dtype=np.float64)
    negative = np.asarray(negative, dtype=np.float64)
    period = PERIODS[granularity]
    history = len(volume) - recent
    if history < max(min_history, period) or recent <= 0:
        return [], dict(states or {})
    baseline = SeasonalBaseline(period=period, min_volume=settings.min_volume).fit(
        volume[:history], negative[:history], first_slot=first_slot
    )
    if baseline.share_ <= 0.0:  # no negative text in the history: assume half of one
        baseline.share_ = 0.5 / max(float(volume[:history].sum()), 1.0)
    windows = np.arange(history, len(volume))
    z_volume, z_share = baseline.z_scores(volume[history:], negative[history:], windows)
    alarms: list[Alarm] = []
    final: dict[str, tuple[float, int]] = {}
    for statistic, z, offset in (
        ("volume", z_volume, baseline.volume_offset_sd_),
        ("negative_share", z_share, baseline.share_offset_sd_),
    ):
        detector = SurgeDetector(settings, offset_sd=offset)
        detector.state, detector.quiet = (states or {}).get(statistic, (0.0, 0))
        for j, value in enumerate(z):
            level_before = detector.state
            if not detector.update(float(value)):
                continue
            w = history + j
            n, x = int(volume[w]), int(negative[w])
            if statistic == "volume":
                observed, expected = float(n), baseline.expected(w)[0]
            else:
                observed, expected = (x / n if n else 0.0), baseline.share_
            level = _level(settings, level_before, float(value))
            alarms.append(
                Alarm(
                    statistic=statistic,
                    window=w,
                    observed=observed,
                    expected=float(expected),
                    z=round(float(value), 3),
                    level=round(level, 3),
                    threshold=round(detector.limit, 3),
                    volume=n,
                    negative=x,
                    severity=severity(float(value), level, detector.limit),
                )
            )
        final[statistic] = (float(detector.state), int(detector.quiet))
    return sorted(alarms, key=lambda a: (a.window, a.statistic)), final


def _level(settings: DetectorSettings, before: float, z: float) -> float:
    """The detector's statistic at the alarm (it resets right after)."""
    if settings.method == "cusum":
        return max(0.0, before + z - settings.k)
    return settings.lam * z + (1 - settings.lam) * before
