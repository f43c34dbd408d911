"""Surge detection on simulated streams: false-alarm run length and detection delay.

Streams are hourly windows with a daily cycle (volume from 30 to 150 texts an
hour, a negative share of 15%). Each stream's baseline is estimated from its
own 28 days of history (672 windows), as it would be in production; then the
detectors watch new windows:

* ARL0: streams that stay in control; the mean number of windows between
  false alarms (per statistic: volume, negative share);
* delay: after 24-120 in-control windows the stream shifts by ``delta``
  standard deviations of its own statistic (volume ``mu + delta sqrt(mu)``,
  negatives ``p0 + delta sqrt(p0 (1 - p0) / n)``); the delay is the number of
  windows from the first shifted one to the alarm, counting that one (the
  textbook ARL1). Runs that alarm before the shift are run again.

Detectors are set for an ARL0 of 500 windows. The textbook values for a
standardized normal statistic (``../shared/BENCHMARKS.md``): CUSUM k=0.5, h=5
ARL0 465, delay 10.4 at 1 sigma and 2.6 at 3 sigma; EWMA lambda=0.1, L=2.814
ARL0 500, delay 10.3 / 2.9. Those are two-sided charts; uxlift's are one-sided
(only surges matter), which is why the same ARL0 buys a shorter delay.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import machine
from uxlift.monitor.baseline import SeasonalBaseline
from uxlift.monitor.surge import DetectorSettings, SurgeDetector

HOURS = 24
HISTORY_DAYS = 28
SHARE = 0.15
SHIFTS = (0.5, 1.0, 1.5, 2.0, 3.0)


def daily_profile() -> np.ndarray:
    hours = np.arange(HOURS)
    return 90 + 60 * np.sin(2 * np.pi * (hours - 9) / HOURS)  # 30 at night, 150 in the evening


def simulate(rng: np.random.Generator, windows: int, start: int, shift: float = 0.0,
             shift_at: int | None = None, statistic: str = "volume"):  # fmt: skip
    """Volume and negatives of ``windows`` hourly windows from window number ``start``."""
    mu = daily_profile()[(start + np.arange(windows)) % HOURS]
    shifted = np.zeros(windows, dtype=bool)
    if shift_at is not None:
        shifted[shift_at:] = True
    rate = mu + (shift * np.sqrt(mu) if statistic == "volume" else 0.0) * shifted
    volume = rng.poisson(rate)
    share = np.full(windows, SHARE)
    if statistic == "share":
        bump = shift * np.sqrt(SHARE * (1 - SHARE) / np.maximum(volume, 1))
        share = np.where(shifted, np.minimum(SHARE + bump, 1.0), SHARE)
    negatives = rng.binomial(volume, share)
    return volume, negatives


def baseline_for(rng: np.random.Generator) -> SeasonalBaseline:
    history = HISTORY_DAYS * HOURS
    volume, negatives = simulate(rng, history, 0)
    return SeasonalBaseline(period=HOURS, min_volume=20).fit(volume, negatives)


def run_length(settings: DetectorSettings, rng: np.random.Generator, windows: int) -> dict:
    """Alarms per statistic over ``windows`` in-control windows of fresh streams."""
    alarms = {"volume": 0, "share": 0}
    watched = {"volume": 0, "share": 0}
    per_stream = 5000
    for _ in range(max(1, windows // per_stream)):
        baseline = baseline_for(rng)
        start = baseline.n_history_
        volume, negatives = simulate(rng, per_stream, start)
        z_volume, z_share = baseline.z_scores(volume, negatives, start + np.arange(per_stream))
        offsets = {"volume": baseline.volume_offset_sd_, "share": baseline.share_offset_sd_}
        for name, z in (("volume", z_volume), ("share", z_share)):
            alarms[name] += int(SurgeDetector(settings, offsets[name]).run(z).sum())
            watched[name] += int(np.isfinite(z).sum())
    return {name: watched[name] / max(alarms[name], 1) for name in alarms} | {
        "windows": watched,
        "false_alarms": alarms,
    }


def delay(settings: DetectorSettings, rng: np.random.Generator, shift: float,
          statistic: str, runs: int) -> float:  # fmt: skip
    delays: list[int] = []
    while len(delays) < runs:
        baseline = baseline_for(rng)
        start = baseline.n_history_
        warm = int(rng.integers(24, 121))
        length = warm + 200
        volume, negatives = simulate(rng, length, start, shift, warm, statistic)
        z_volume, z_share = baseline.z_scores(volume, negatives, start + np.arange(length))
        z = z_volume if statistic == "volume" else z_share
        offset = baseline.volume_offset_sd_ if statistic == "volume" else baseline.share_offset_sd_
        alarms = np.flatnonzero(SurgeDetector(settings, offset).run(z))
        if len(alarms) == 0 or alarms[0] < warm:
            if len(alarms) == 0:
                delays.append(length - warm + 1)  # not seen within 200 windows: counted so
            continue
        delays.append(int(alarms[0] - warm + 1))
    return float(np.mean(delays))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--windows", type=int, default=400_000, help="in-control windows")
    parser.add_argument("--runs", type=int, default=400, help="runs per shift size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    rng = np.random.default_rng(args.seed)
    detectors = {
        "cusum": DetectorSettings(method="cusum", arl0=500, k=0.5),
        "ewma": DetectorSettings(method="ewma", arl0=500, lam=0.1),
    }
    result: dict = {"machine": machine(), "arl0_target": 500, "detectors": {}}
    for name, settings in detectors.items():
        run = run_length(settings, rng, args.windows)
        delays = {
            statistic: {f"{s:.1f}": round(delay(settings, rng, s, statistic, args.runs), 2)
                        for s in SHIFTS}
            for statistic in ("volume", "share")
        }  # fmt: skip
        result["detectors"][name] = {
            "threshold_without_baseline_uncertainty": round(SurgeDetector(settings).threshold, 4),
            "arl0": {k: round(run[k], 1) for k in ("volume", "share")},
            "false_alarms": run["false_alarms"],
            "windows": run["windows"],
            "mean_delay": delays,
        }
    chosen = result["detectors"]["cusum"]
    result["arl0"] = min(chosen["arl0"].values())
    result["mean_delay"] = {
        s: max(chosen["mean_delay"]["volume"][s], chosen["mean_delay"]["share"][s])
        for s in chosen["mean_delay"]["volume"]
    }
    result["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
