"""What a normal window looks like, learned from history, with its seasonality.

Volume follows the clock: a review stream is busier in the evening than at
night, and on some weekdays. The baseline keeps the mean volume of each slot of
the season (hour of day for hourly windows, day of week for daily ones), and
the pooled negative share. Real streams vary more than Poisson and binomial
counts would; the baseline measures how much more on its own history and
divides the z-scores by that spread, so a detector's false-alarm rate holds on
real data and not only on simulated counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.monitor.surge import binomial_z

MIN_MEAN_VOLUME = 0.5


@dataclass
class SeasonalBaseline:
    """``period`` windows make one season (24 for hourly windows and a daily cycle).

    Volume is modelled on Anscombe's square-root scale, where Poisson counts have
    unit variance: each slot's mean is shrunk towards a smooth daily curve
    (``harmonics`` sine/cosine pairs, least squares), as much as the slots'
    spread around the curve says is noise (empirical Bayes). With four weeks of
    hourly history a slot has 28 values, so its own mean is off by about 0.19
    standard deviations, enough to double a detector's false alarms; the curve
    pools all 672. A profile that is not smooth keeps its slots' own means.
    The uncertainty left in the estimates is reported as ``volume_offset_sd_``
    and ``share_offset_sd_`` (standard deviations of the statistics' offsets),
    which the detectors' thresholds take into account.
    """

    period: int = 24
    min_volume: int = 20
    harmonics: int = 3

    def fit(
        self, volume: np.ndarray, negatives: np.ndarray, *, first_slot: int = 0
    ) -> SeasonalBaseline:
        volume = np.asarray(volume, dtype=np.float64)
        negatives = np.asarray(negatives, dtype=np.float64)
        if self.period < 1 or len(volume) < self.period:
            raise ValueError("history must cover at least one whole season")
        slots = (first_slot + np.arange(len(volume))) % self.period
        self.first_slot_ = first_slot
        self.n_history_ = len(volume)
        self._fit_volume(np.sqrt(volume + 0.375) * 2.0, slots)
        total = volume.sum()
        self.share_ = float(negatives.sum() / total) if total > 0 else 0.0
        counted = volume[volume >= self.min_volume]
        typical = float(np.mean(counted)) if len(counted) else float(self.min_volume)
        self.share_offset_sd_ = float(np.sqrt(typical / total)) if total > 0 else 0.0
        raw_share = binomial_z(negatives, volume, self.share_, self.min_volume)
        self.share_spread_ = _spread(raw_share)
        return self

    def _fit_volume(self, root: np.ndarray, slots: np.ndarray) -> None:
        period = self.period
        counts = np.bincount(slots, minlength=period).astype(np.float64)
        means = np.bincount(slots, weights=root, minlength=period) / np.maximum(counts, 1)
        residual = root - means[slots]
        n = len(root)
        self.dispersion_ = max(1.0, float(residual @ residual) / max(n - period, 1))
        noise = self.dispersion_ / np.maximum(counts, 1)
        terms = min(self.harmonics, (period - 1) // 2)
        design = _harmonics(period, terms)
        if design.shape[1] >= period:
            level, weight = means, np.ones(period)
        else:
            root_w = np.sqrt(counts)
            beta, *_ = np.linalg.lstsq(design * root_w[:, None], means * root_w, rcond=None)
            smooth = design @ beta
            free = 1 - design.shape[1] / period
            tau2 = max(0.0, float(np.mean((means - smooth) ** 2) - np.mean(noise) * free))
            weight = tau2 / (tau2 + noise)
            level = smooth + weight * (means - smooth)
        curve_var = self.dispersion_ * design.shape[1] / n
        self.level_ = level
        self.level_var_ = weight**2 * noise + (1 - weight) ** 2 * curve_var
        self.volume_offset_sd_ = float(np.sqrt(np.mean(self.level_var_) / self.dispersion_))
        self.volume_ = np.maximum((level / 2.0) ** 2 - 0.375, MIN_MEAN_VOLUME)

    def slot(self, window: int) -> int:
        """The season slot of window number ``window`` (counted from the history's start)."""
        return (self.first_slot_ + window) % self.period

    def expected(self, window: int) -> tuple[float, float]:
        """(expected volume, expected negative share) of a window."""
        return float(self.volume_[self.slot(window)]), self.share_

    def z_scores(
        self, volume: np.ndarray, negatives: np.ndarray, windows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Standardized volume and negative-share statistics of windows ``windows``."""
        slots = (self.first_slot_ + np.asarray(windows)) % self.period
        root = 2.0 * np.sqrt(np.asarray(volume, dtype=np.float64) + 0.375)
        z_volume = (root - self.level_[slots]) / np.sqrt(self.dispersion_)
        z_share = binomial_z(negatives, volume, self.share_, self.min_volume) / self.share_spread_
        return z_volume, z_share


def _harmonics(period: int, terms: int) -> np.ndarray:
    """A constant and ``terms`` sine/cosine pairs over the season's slots."""
    angle = 2 * np.pi * np.arange(period) / period
    columns = [np.ones(period)]
    for h in range(1, terms + 1):
        columns += [np.cos(h * angle), np.sin(h * angle)]
    return np.column_stack(columns)


def _spread(z: np.ndarray) -> float:
    """The standard deviation of in-sample z-scores, never below 1 (counts are at least
    as variable as Poisson/binomial ones)."""
    values = z[np.isfinite(z)]
    if len(values) < 10:
        return 1.0
    return max(1.0, float(np.std(values, ddof=1)))
