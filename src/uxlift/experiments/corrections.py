"""Adjusted p-values for testing several metrics at once.

An experiment judged on ten metrics at 5% each finds a "significant" one by chance in
four runs out of ten. Adjusted p-values restore a guarantee over the whole family; a
metric is significant when its adjusted p-value is below ``alpha``.

* Holm–Bonferroni (Holm 1979, "A simple sequentially rejective multiple test procedure")
  controls the family-wise error rate, the chance of any false positive, under any
  dependence between the tests. With the ``m`` p-values sorted, ``p_(1) <= ... <= p_(m)``,
  the adjusted value of the ``i``-th is ``max_{j <= i} min(1, (m - j + 1) p_(j))``: it is
  uniformly more powerful than plain Bonferroni (``m p``).
* Benjamini–Hochberg (Benjamini and Hochberg 1995, "Controlling the false discovery rate")
  controls the expected share of false positives among the metrics declared significant,
  for independent or positively dependent tests: the adjusted value of the ``i``-th is
  ``min_{j >= i} min(1, m p_(j) / j)``. Less strict, so more powerful with many metrics.

Both give the values of ``statsmodels.stats.multitest.multipletests`` ("holm",
"fdr_bh"). NaN p-values (comparisons without enough data) are left out of the family and
stay NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from uxlift.errors import InvalidInput

METHODS = ("holm", "bh", "none")


def _checked(p_values: Sequence[float]) -> np.ndarray:
    array = np.asarray(p_values, dtype=np.float64)
    if array.ndim != 1:
        raise InvalidInput(f"p_values must be one-dimensional, got shape {array.shape}")
    finite = array[~np.isnan(array)]
    if np.any((finite < 0.0) | (finite > 1.0)):
        raise InvalidInput("p_values must lie between 0 and 1 (or be NaN)")
    return array


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the order given."""
    array = _checked(p_values)
    out = np.full(array.shape, np.nan)
    present = np.flatnonzero(~np.isnan(array))
    m = len(present)
    if m:
        order = present[np.argsort(array[present], kind="stable")]
        scaled = np.minimum(1.0, (m - np.arange(m)) * array[order])
        out[order] = np.maximum.accumulate(scaled)
    return [float(v) for v in out]


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (false discovery rate), in the order given."""
    array = _checked(p_values)
    out = np.full(array.shape, np.nan)
    present = np.flatnonzero(~np.isnan(array))
    m = len(present)
    if m:
        order = present[np.argsort(array[present], kind="stable")]
        scaled = np.minimum(1.0, m * array[order] / np.arange(1, m + 1))
        out[order] = np.minimum.accumulate(scaled[::-1])[::-1]
    return [float(v) for v in out]


def adjust_p_values(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """Adjusted p-values by ``method``: "holm", "bh" or "none" (unchanged)."""
    if method == "holm":
        return holm(p_values)
    if method == "bh":
        return benjamini_hochberg(p_values)
    if method == "none":
        return [float(p) for p in _checked(p_values)]
    raise InvalidInput(f"correction must be one of {', '.join(METHODS)}, got {method!r}")
