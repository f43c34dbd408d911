"""Validation splits for text models: stratified at random, or by time.

A chronological split holds out the newest examples, which is the honest choice
when the model will be used on future texts; a stratified split keeps every
class in both parts, which matters when some classes are rare.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from uxlift.errors import InvalidInput

STRATEGIES = ("stratified", "chronological")


def validation_split(
    labels: Sequence[object],
    *,
    strategy: str = "stratified",
    fraction: float = 0.1,
    times: Sequence[float] | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, validation)``; every class keeps one training example."""
    if strategy not in STRATEGIES:
        raise InvalidInput(f"validation must be one of {STRATEGIES}, not {strategy!r}")
    if not 0.0 < fraction < 1.0:
        raise InvalidInput(f"validation_fraction must be between 0 and 1, not {fraction}")
    n = len(labels)
    if strategy == "chronological":
        if times is None or len(times) != n:
            raise InvalidInput("a chronological split needs one time per text")
        order = np.argsort(np.asarray(times, dtype=np.float64), kind="stable")
        cut = n - max(1, round(n * fraction))
        return np.sort(order[:cut]), np.sort(order[cut:])
    return _stratified(np.asarray(labels, dtype=object), fraction, seed)


def _stratified(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each class gives ``round(size * fraction)`` texts. When many small classes round
    to nothing (the split would be under half the asked size), randomly chosen classes
    with a text to spare give one more, up to the asked size."""
    rng = np.random.default_rng(seed)
    held: list[np.ndarray] = []
    spare: list[int] = []
    classes = sorted(set(labels.tolist()), key=str)
    groups = []
    for label in classes:
        members = np.flatnonzero(labels == label)
        rng.shuffle(members)
        groups.append(members)
        take = min(round(len(members) * fraction), len(members) - 1)
        held.append(members[:take])
        if take < len(members) - 1:
            spare.append(len(groups) - 1)
    wanted = round(len(labels) * fraction)
    short = wanted - sum(len(h) for h in held)
    if short > wanted / 2 and spare:
        for index in rng.permutation(spare)[:short]:
            held[index] = groups[index][: len(held[index]) + 1]
    validation = np.sort(np.concatenate(held)) if held else np.zeros(0, dtype=np.int64)
    train = np.setdiff1d(np.arange(len(labels)), validation)
    return train, validation


def stratified_holdout(
    labels: Sequence[object], *, test_size: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A random stratified train/test split (scikit-learn's, so figures compare)."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(labels))
    train, test = train_test_split(
        index, test_size=test_size, random_state=seed, stratify=np.asarray(labels, dtype=object)
    )
    return np.sort(train), np.sort(test)
