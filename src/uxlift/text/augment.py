"""Light text augmentation for small training sets.

Two label-preserving edits in the spirit of EDA (Wei & Zou 2019): drop a few
words, or swap two neighbouring words. Texts without spaces (Chinese) are
edited per character. Deterministic for a given random generator.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _units(text: str) -> tuple[list[str], str]:
    words = text.split()
    if len(words) >= 3:
        return words, " "
    return list(text), ""


def perturb(text: str, rng: np.random.Generator, *, drop: float = 0.1) -> str:
    """One augmented copy of ``text`` (unchanged when it is too short to edit)."""
    units, joiner = _units(text)
    if len(units) < 3:
        return text
    if rng.random() < 0.5:
        kept = [u for u in units if rng.random() >= drop]
        units = kept if len(kept) >= 2 else units
    else:
        i = int(rng.integers(0, len(units) - 1))
        units[i], units[i + 1] = units[i + 1], units[i]
    return joiner.join(units)


def augment(
    texts: Sequence[str], labels: Sequence[int], *, copies: int, seed: int = 0
) -> tuple[list[str], list[int]]:
    """The originals followed by ``copies`` perturbed copies of each text."""
    rng = np.random.default_rng(seed)
    out_texts, out_labels = list(texts), list(labels)
    for _ in range(copies):
        for text, label in zip(texts, labels, strict=True):
            out_texts.append(perturb(text, rng))
            out_labels.append(label)
    return out_texts, out_labels
