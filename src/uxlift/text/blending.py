"""Mixing a fine-tuned model's log-probabilities with those of linear models.

TF-IDF and frozen-embedding logistic regressions err on other texts than a
fine-tuned encoder does; a weighted mix of their log-probabilities, weights
picked on the validation split, often beats each of them
(:class:`uxlift.text.classifier.TextClassifier` with ``blend=True``).
"""

from __future__ import annotations

import numpy as np


def blended(
    main: np.ndarray, members: dict[str, np.ndarray], weights: dict[str, float]
) -> np.ndarray:
    """Mix log-probabilities: ``(1 - sum w) * main + sum_m w_m * member_m``."""
    from scipy.special import log_softmax

    used = {name: w for name, w in weights.items() if w > 0 and name in members}
    out = (1.0 - sum(used.values())) * log_softmax(main, axis=1)
    for name, weight in used.items():
        out = out + weight * log_softmax(members[name], axis=1)
    return out


def choose_blend(
    main: np.ndarray, members: dict[str, np.ndarray], y: np.ndarray, *, step: float = 0.05
) -> dict[str, float]:
    """Member weights (each <= 0.5, together <= 0.7) with the best validation
    accuracy; ties go to the lower validation log-loss."""
    from itertools import product

    from scipy.special import log_softmax

    names = sorted(members)
    grid = np.round(np.arange(0.0, 0.5 + 1e-9, step), 2)
    best: tuple[float, float, tuple[float, ...]] | None = None
    for combo in product(grid, repeat=len(names)):
        if sum(combo) > 0.7 + 1e-9:
            continue
        mixed = blended(main, members, dict(zip(names, combo, strict=True)))
        accuracy = float((mixed.argmax(axis=1) == y).mean())
        nll = float(-log_softmax(mixed, axis=1)[np.arange(len(y)), y].mean())
        if best is None or (accuracy, -nll) > (best[0], -best[1]):
            best = (accuracy, nll, combo)
    assert best is not None
    return {name: float(w) for name, w in zip(names, best[2], strict=True)}
