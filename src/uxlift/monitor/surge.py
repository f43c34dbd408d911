"""Surge detection on windowed counts: CUSUM and EWMA on standardized statistics.

Each window brings a volume ``n`` (texts about a topic from a source) and a
count ``x`` of negative ones. Against a baseline learned from history (see
:mod:`uxlift.monitor.baseline`), two statistics say how unusual the window is,
in standard deviations:

* volume, Poisson: Anscombe's ``2 sqrt(n + 3/8)``, centred and scaled by its
  exact mean and deviation under the expected rate ``mu``;
* negative share, binomial: Anscombe's ``2 sqrt(n) asin sqrt((x + 3/8) / (n + 3/4))``,
  centred and scaled the same way under the baseline share, only for windows with
  at least ``min_volume`` texts.

Both transforms make the counts close to normal and symmetric, and the exact
centring removes the small bias they keep: a one-sided CUSUM's false-alarm rate
moves by a fifth for an offset of 0.03 standard deviations.

A one-sided CUSUM (``S = max(0, S + z - k)``, alarm above ``h``) or EWMA
(``E = lam z + (1 - lam) E``, alarm above ``L sqrt(lam / (2 - lam))``) watches
each statistic. The threshold comes from the false-alarm rate the team accepts,
as an in-control average run length ARL0 in windows: ``h`` by Siegmund's
approximation, ``L`` by a precomputed search (both exact for a normal
statistic). A baseline estimated from history is itself uncertain, and a
CUSUM is sensitive to a small persistent offset of its statistic (0.1 standard
deviations lowers the ARL0 of ``h = 4.4`` from about 540 to 330 windows), so
``h`` is chosen for the alarm rate averaged over the baseline's uncertainty
(``offset_sd``, which the baseline reports). After an alarm the detector
restarts, and stays quiet for ``cooldown`` windows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SIEGMUND_CORRECTION = 1.166
MAX_OFFSET_SD = 1.0


@lru_cache(maxsize=65536)
def _poisson_moments(mu: float) -> tuple[float, float]:
    """Exact mean and standard deviation of ``2 sqrt(X + 3/8)`` for X ~ Poisson(mu)."""
    from scipy.stats import poisson

    spread = 12.0 * math.sqrt(mu) + 12.0
    support = np.arange(max(0, int(mu - spread)), int(mu + spread) + 1)
    weights = poisson.pmf(support, mu)
    values = 2.0 * np.sqrt(support + 0.375)
    mean = float(weights @ values / weights.sum())
    return mean, math.sqrt(max(float(weights @ (values - mean) ** 2 / weights.sum()), 1e-12))


@lru_cache(maxsize=65536)
def _binomial_moments(n: int, p: float) -> tuple[float, float]:
    """Exact mean and standard deviation of ``2 sqrt(n) asin sqrt((X + 3/8) / (n + 3/4))``
    for X ~ Binomial(n, p)."""
    from scipy.stats import binom

    support = np.arange(n + 1)
    weights = binom.pmf(support, n, p)
    values = 2.0 * math.sqrt(n) * np.arcsin(np.sqrt((support + 0.375) / (n + 0.75)))
    mean = float(weights @ values)
    return mean, math.sqrt(max(float(weights @ (values - mean) ** 2), 1e-12))


def poisson_z(n: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """How far counts ``n`` lie above their Poisson expectation ``mu``, in standard
    deviations, after Anscombe's square-root transform (exactly centred and scaled)."""
    n = np.asarray(n, dtype=np.float64)
    mu = np.broadcast_to(np.maximum(np.asarray(mu, dtype=np.float64), 1e-6), n.shape)
    moments = np.array([_poisson_moments(round(float(m), 6)) for m in mu.ravel()])
    moments = moments.reshape((*n.shape, 2)) if n.ndim else moments[0]
    return (2.0 * np.sqrt(n + 0.375) - moments[..., 0]) / moments[..., 1]


def binomial_z(x: np.ndarray, n: np.ndarray, p0: float, min_volume: int = 1) -> np.ndarray:
    """How far negatives ``x`` of ``n`` lie above share ``p0``, in standard deviations,
    after Anscombe's arcsine transform (exactly centred and scaled: a small share in a
    small window is skewed, and a one-sided detector would pay for skew or bias in
    false alarms); NaN where ``n < min_volume``."""
    x, n = np.asarray(x, dtype=np.float64), np.asarray(n, dtype=np.float64)
    p = min(max(float(p0), 1e-6), 1 - 1e-6)
    out = np.full(x.shape, np.nan)
    keep = n >= max(min_volume, 1)
    for size in np.unique(n[keep]).astype(int):
        rows = keep & (n == size)
        mean, sd = _binomial_moments(int(size), round(p, 8))
        observed = 2.0 * math.sqrt(size) * np.arcsin(np.sqrt((x[rows] + 0.375) / (size + 0.75)))
        out[rows] = (observed - mean) / sd
    return out


def cusum_arl(h: float, k: float, shift: float = 0.0) -> float:
    """ARL of a one-sided CUSUM on N(shift, 1) (Siegmund's approximation)."""
    delta, b = shift - k, h + SIEGMUND_CORRECTION
    if abs(delta) < 1e-9:
        return b * b
    if -2 * delta * b > 700:  # a statistic far below k: it practically never alarms
        return math.inf
    return (math.exp(-2 * delta * b) + 2 * delta * b - 1) / (2 * delta * delta)


def cusum_arl0(h: float, k: float, offset_sd: float = 0.0) -> float:
    """In-control ARL when the baseline itself is uncertain: the statistic's mean is
    off by a normal amount with deviation ``offset_sd`` (1 / mean alarm rate)."""
    if offset_sd <= 0:
        return cusum_arl(h, k)
    nodes, weights = np.polynomial.hermite_e.hermegauss(24)
    rates = [1.0 / cusum_arl(h, k, offset_sd * float(x)) for x in nodes]
    return float(weights.sum() / np.dot(weights, rates))


@lru_cache(maxsize=4096)
def cusum_threshold(arl0: float, k: float = 0.5, offset_sd: float = 0.0) -> float:
    """The ``h`` whose in-control ARL is ``arl0`` windows (bisection on Siegmund's
    formula, averaged over the baseline's uncertainty ``offset_sd``)."""
    if arl0 <= 1:
        raise ValueError("arl0 must exceed 1 window")
    return _smallest_reaching(lambda h: cusum_arl0(h, k, offset_sd), arl0, 0.0, 50.0, 60)


def _smallest_reaching(
    arl: Callable[[float], float], target: float, low: float, high: float, steps: int
) -> float:
    """The smallest threshold in [low, high] whose ARL (increasing in it) reaches
    ``target``, by bisection."""
    for _ in range(steps):
        middle = (low + high) / 2
        if arl(middle) < target:
            low = middle
        else:
            high = middle
    return high


@dataclass(frozen=True)
class DetectorSettings:
    """How sensitive a detector is: the false-alarm rate it may have, and its shape."""

    method: str = "cusum"
    arl0: float = 500.0
    k: float = 0.5
    lam: float = 0.1
    cooldown: int = 0
    min_volume: int = 20

    def __post_init__(self) -> None:
        if self.method not in ("cusum", "ewma"):
            raise ValueError("method must be 'cusum' or 'ewma'")
        if self.arl0 <= 1 or self.k < 0 or not 0 < self.lam <= 1 or self.cooldown < 0:
            raise ValueError("need arl0 > 1, k >= 0, 0 < lam <= 1 and cooldown >= 0")

    def threshold(self, offset_sd: float = 0.0) -> float:
        """The alarm threshold; ``offset_sd`` is how uncertain the baseline is, in
        standard deviations of the statistic."""
        # A baseline off by more than a standard deviation says little; beyond that
        # the threshold stops growing (thin series are judged as if it were 1).
        offset_sd = min(offset_sd, MAX_OFFSET_SD)
        if self.method == "cusum":
            return cusum_threshold(self.arl0, self.k, round(offset_sd, 3))
        return ewma_limit(self.arl0, self.lam, round(offset_sd, 2))


@lru_cache(maxsize=256)
def ewma_limit(arl0: float, lam: float, offset_sd: float = 0.0) -> float:
    """The ``L`` of a one-sided EWMA whose in-control ARL is ``arl0`` (Markov chain),
    averaged like the CUSUM's over the baseline's uncertainty ``offset_sd``."""
    return _smallest_reaching(lambda limit: ewma_arl0(limit, lam, offset_sd), arl0, 0.5, 8.0, 40)


def ewma_arl0(limit: float, lam: float, offset_sd: float = 0.0) -> float:
    """In-control ARL with a baseline off by N(0, offset_sd^2) (1 / mean alarm rate)."""
    if offset_sd <= 0:
        return _ewma_arl(limit, lam)
    nodes, weights = np.polynomial.hermite_e.hermegauss(16)
    rates = [1.0 / _ewma_arl(limit, lam, shift=offset_sd * float(x)) for x in nodes]
    return float(weights.sum() / np.dot(weights, rates))


def _ewma_arl(limit: float, lam: float, *, shift: float = 0.0, states: int = 101) -> float:
    """Zero-state ARL of a one-sided EWMA on N(shift, 1), reflected at its lower limit
    (the chart's mirror image), by Brook and Evans' Markov-chain approximation."""
    from scipy.stats import norm

    sigma = math.sqrt(lam / (2 - lam))
    upper, lower = limit * sigma, -limit * sigma
    width = (upper - lower) / states
    centers = lower + width * (np.arange(states) + 0.5)
    edges = lower + width * np.arange(states + 1)
    # from state i, next = (1 - lam) c_i + lam z: probability to land in each cell
    mean = (1 - lam) * centers + lam * shift
    cdf = norm.cdf((edges[None, :] - mean[:, None]) / lam)
    transition = np.diff(cdf, axis=1)
    transition[:, 0] += cdf[:, 0]  # below the lower limit: reflected into the first cell
    start = int(np.argmin(np.abs(centers)))
    expected = np.linalg.solve(np.eye(states) - transition, np.ones(states))
    return float(expected[start])


@dataclass
class SurgeDetector:
    """One statistic's detector; ``update`` takes a z-score (NaN: no evidence) per window."""

    settings: DetectorSettings
    offset_sd: float = 0.0
    threshold: float = float("nan")
    state: float = 0.0
    quiet: int = 0

    def __post_init__(self) -> None:
        if math.isnan(self.threshold):
            self.threshold = self.settings.threshold(self.offset_sd)

    @property
    def limit(self) -> float:
        """The alarm level of ``state`` (EWMA: L times its asymptotic deviation)."""
        if self.settings.method == "cusum":
            return self.threshold
        lam = self.settings.lam
        return self.threshold * math.sqrt(lam / (2 - lam))

    def update(self, z: float) -> bool:
        """Feed one window; True when it raises an alarm."""
        if math.isnan(z):
            return False
        if self.settings.method == "cusum":
            self.state = max(0.0, self.state + z - self.settings.k)
        else:
            lam = self.settings.lam
            floor = -self.limit  # one-sided: the statistic cannot bank credit below it
            self.state = max(floor, lam * z + (1 - lam) * self.state)
        if self.quiet > 0:
            self.quiet -= 1
            return False
        if self.state > self.limit:
            self.state = 0.0
            self.quiet = self.settings.cooldown
            return True
        return False

    def run(self, z: np.ndarray) -> np.ndarray:
        """Alarms over a whole series (a boolean per window)."""
        return np.array([self.update(float(v)) for v in z], dtype=bool)
