"""A servable predictor: feature builder + estimator + card, saved as one folder.

``PredictorModel.predict`` turns (log, catalog, queries) into probabilities;
``predict_explained`` also turns feature contributions into the few reasons a person reads
("viewed this item earlier in this session: 2 -> raises").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from uxlift.errors import InvalidInput
from uxlift.predict.cross_encoder import CrossEncoderPredictor
from uxlift.predict.estimators import LightGBMPredictor, LogisticPredictor
from uxlift.predict.event_log import CatalogFrame, EventLog
from uxlift.predict.features import DESCRIPTIONS, FeatureBuilder
from uxlift.predict.item_features import ItemStats
from uxlift.predict.pair_text import pair_texts
from uxlift.predict.queries import Queries
from uxlift.predict.registry import ModelCard

ESTIMATORS: dict[str, type] = {
    "logreg": LogisticPredictor,
    "lightgbm": LightGBMPredictor,
    "cross-encoder": CrossEncoderPredictor,
}
TEXT_ESTIMATORS = frozenset({"cross-encoder"})


@dataclass(frozen=True)
class Reason:
    feature: str
    text: str
    value: float | None
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "text": self.text,
            "value": self.value,
            "contribution": round(self.contribution, 4),
        }


def _format(value: float) -> str:
    if not np.isfinite(value):
        return "unknown"
    if abs(value) >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.3g}"


def reasons_for(
    names: tuple[str, ...] | list[str],
    x: np.ndarray,
    contributions: np.ndarray,
    top: int,
    order: np.ndarray | None = None,
) -> list[Reason]:
    """The ``top`` features that moved one prediction most, in plain words
    (``order``: their indices, strongest first, when already known)."""
    terms = contributions[: len(names)]
    if order is None:
        order = np.argsort(-np.abs(terms), kind="stable")[:top]
    reasons = []
    for j in order.tolist():
        if terms[j] == 0:
            break
        direction = "raises" if terms[j] > 0 else "lowers"
        value = float(x[j])
        text = f"{DESCRIPTIONS.get(names[j], names[j])}: {_format(value)} ({direction} the chance)"
        reasons.append(Reason(names[j], text, value if np.isfinite(value) else None,
                              float(terms[j])))  # fmt: skip
    return reasons


@dataclass
class PredictorModel:
    card: ModelCard
    builder: FeatureBuilder
    estimator: Any

    @property
    def reads_text(self) -> bool:
        return self.card.estimator in TEXT_ESTIMATORS

    def features(
        self,
        log: EventLog,
        catalog: CatalogFrame,
        queries: Queries,
        item_stats: ItemStats | None = None,
    ) -> np.ndarray:
        return self.builder.transform(log, catalog, queries, item_stats=item_stats)

    def predict(
        self,
        log: EventLog,
        catalog: CatalogFrame,
        queries: Queries,
        item_stats: ItemStats | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, feature rows) for the queries."""
        X = self.features(log, catalog, queries, item_stats)
        if self.reads_text:
            p = self.estimator.predict_proba(pair_texts(log, catalog, queries))[:, 1]
        else:
            p = self.estimator.predict_proba(X)[:, 1]
        return p, X

    def predict_explained(
        self,
        log: EventLog,
        catalog: CatalogFrame,
        queries: Queries,
        item_stats: ItemStats | None = None,
        *,
        top: int = 3,
    ) -> tuple[np.ndarray, list[list[Reason]]]:
        """Probabilities and the ``top`` reasons of each. For feature models one pass
        gives both: the contributions sum to the log-odds."""
        if top <= 0 or not hasattr(self.estimator, "contributions"):
            p, _ = self.predict(log, catalog, queries, item_stats)
            return p, [[] for _ in range(len(p))]
        X = self.features(log, catalog, queries, item_stats)
        contributions = self.estimator.contributions(X)
        p = 1.0 / (1.0 + np.exp(-contributions.sum(axis=1)))
        return p, self._reasons(X, contributions, top)

    def _reasons(self, X: np.ndarray, contributions: np.ndarray, top: int) -> list[list[Reason]]:
        names = self.card.feature_names
        contributions = contributions[:, : len(names)]
        strongest = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :top]
        return [reasons_for(names, X[i], contributions[i], top, strongest[i])
                for i in range(len(X))]  # fmt: skip

    # -- files -----------------------------------------------------------------
    def save_files(self, folder: Path) -> None:
        joblib.dump(self.builder, folder / "features.joblib")
        self.estimator.save(folder / "estimator")

    @classmethod
    def load(cls, folder: Path, card: ModelCard) -> PredictorModel:
        kind = ESTIMATORS.get(card.estimator)
        if kind is None:
            raise InvalidInput(f"unknown estimator {card.estimator!r} in {folder}")
        builder = joblib.load(folder / "features.joblib")
        return cls(card=card, builder=builder, estimator=kind.load(folder / "estimator"))
