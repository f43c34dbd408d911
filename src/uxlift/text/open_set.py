"""Out-of-scope detection for a text classifier, calibrated on held-out texts.

Two signals say a text belongs to none of the known classes:

* the classifier's calibrated top probability is low;
* the text lies far from every training text: the mean cosine of its ``k``
  nearest training texts, in the classifier's representation (frozen encoder
  embeddings, or TF-IDF for the TF-IDF method), is low.

Each signal becomes a p-value against the same signal on the validation split
(texts of known classes the model did not train on): the share of validation
texts that scored no higher. Their product is the in-scope score, and the
out-of-scope threshold is that score's ``alpha``-quantile on validation, so
about ``alpha`` of in-scope texts are refused and the rest of the decision is
left to how far unknown texts fall. No out-of-scope examples are needed.

On Banking77 with 75 % of intents known (seed 0), the product refused more of
the unknown intents at every known-intent accuracy than either signal alone
(figures in ``docs/notes/assistant.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_ALPHA = 0.05
NEIGHBOURS = 5


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def neighbour_similarity(bank: np.ndarray, queries: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """Mean cosine of each query's ``k`` most similar rows of ``bank`` (both unit rows)."""
    n_bank = bank.shape[0]
    if queries.shape[0] == 0 or n_bank == 0:
        return np.zeros(queries.shape[0])
    k = max(1, min(k, n_bank))
    out = np.empty(queries.shape[0])
    for start in range(0, queries.shape[0], 1024):
        sims = queries[start : start + 1024] @ bank.T
        if hasattr(sims, "toarray"):
            sims = sims.toarray()
        sims = np.asarray(sims)
        top = np.partition(sims, n_bank - k, axis=1)[:, -k:]
        out[start : start + 1024] = top.mean(axis=1)
    return out


def p_values(reference: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Conformal p-values: ``(1 + #reference at or below the score) / (1 + #reference)``
    (``reference`` sorted ascending). Never 0, so a small validation split cannot
    refuse everything that falls below its few examples."""
    if len(reference) == 0:
        return np.ones(len(scores))
    return (np.searchsorted(reference, scores, side="right") + 1) / (len(reference) + 1)


@dataclass(frozen=True)
class OpenSetCalibration:
    """Validation distributions of the two signals and of their combination."""

    confidence: np.ndarray
    similarity: np.ndarray
    combined: np.ndarray

    @classmethod
    def fit(cls, confidence: np.ndarray, similarity: np.ndarray) -> OpenSetCalibration:
        conf_ref = np.sort(np.asarray(confidence, dtype=np.float64))
        sim_ref = np.sort(np.asarray(similarity, dtype=np.float64))
        combined = p_values(conf_ref, confidence) * p_values(sim_ref, similarity)
        return cls(conf_ref, sim_ref, np.sort(combined))

    def in_scope_score(self, confidence: np.ndarray, similarity: np.ndarray) -> np.ndarray:
        """Higher means more like the validation texts of known classes (in [0, 1])."""
        return p_values(self.confidence, confidence) * p_values(self.similarity, similarity)

    def threshold(self, alpha: float = DEFAULT_ALPHA) -> float:
        """Scores at or below this are out of scope: about ``alpha`` of in-scope texts."""
        if not 0.0 <= alpha < 1.0:
            raise ValueError("alpha must be in [0, 1)")
        if alpha == 0.0 or len(self.combined) == 0:
            return -1.0
        return float(np.quantile(self.combined, alpha))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "confidence": self.confidence,
            "similarity": self.similarity,
            "combined": self.combined,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> OpenSetCalibration:
        return cls(arrays["confidence"], arrays["similarity"], arrays["combined"])
