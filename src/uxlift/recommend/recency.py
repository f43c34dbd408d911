"""Recency weights: the item touched last counts most (kept free of heavy imports)."""

from __future__ import annotations

import numpy as np


def decayed(age: np.ndarray, half_life: float, floor: float) -> np.ndarray:
    """2 ** (-age / half_life) + floor, with age in interactions since."""
    return np.exp2(-age / half_life) + floor


def sequence_weights(length: int, half_life: float, floor: float) -> np.ndarray:
    """Weights for one sequence of ``length`` items, oldest first."""
    return decayed(np.arange(length)[::-1].astype(np.float64), half_life, floor)
