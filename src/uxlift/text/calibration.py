"""Temperature scaling: one scalar that makes a classifier's probabilities honest.

Fitted on held-out logits by minimizing the negative log-likelihood (Guo et al.
2017, "On Calibration of Modern Neural Networks"). It never changes the
predicted class, only how confident the probabilities are.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature in [0.05, 20] that minimizes NLL of ``labels`` (class indices)."""
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        return 1.0

    def nll(log_t: float) -> float:
        scaled = log_softmax(logits / np.exp(log_t), axis=1)
        return float(-scaled[np.arange(len(labels)), labels].mean())

    best = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(best.x))


def apply_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities from logits divided by ``temperature``."""
    return softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1)


def expected_calibration_error(proba: np.ndarray, labels: np.ndarray, *, bins: int = 15) -> float:
    """ECE of the top-class confidence over equal-width bins."""
    proba = np.asarray(proba, dtype=np.float64)
    confidence = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == np.asarray(labels)).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            total += members.mean() * abs(confidence[members].mean() - correct[members].mean())
    return float(total)
