"""The feature matrix for (user, item, time) queries, point in time.

:class:`FeatureBuilder` learns only from the catalog (the principal directions
of item text, never labels), so it may be fitted on everything; its
``transform`` reads log events strictly before each query's time. Feature
names come with a plain-words description used in explanations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput, NotFitted
from uxlift.predict.behaviour_features import (
    ACTIVITY,
    AFFINITY,
    PAIR,
    SESSION,
    activity_features,
    affinity_features,
    pair_features,
    session_features,
)
from uxlift.predict.event_log import CatalogFrame, EventLog
from uxlift.predict.item_features import ITEM, ItemStats, item_features
from uxlift.predict.queries import Queries
from uxlift.predict.taste_features import (
    TASTE,
    ItemWords,
    fit_vocabulary,
    item_words,
    taste_features,
)
from uxlift.predict.text_features import (
    DIRECTIONS,
    N_DIRECTIONS,
    TEXT,
    text_directions,
    text_features,
)

FEATURES: tuple[tuple[str, str], ...] = (
    *ACTIVITY,
    *SESSION,
    *PAIR,
    *ITEM,
    *AFFINITY,
    *TASTE,
    *TEXT,
    *DIRECTIONS,
)
FEATURE_NAMES: tuple[str, ...] = tuple(name for name, _ in FEATURES)
DESCRIPTIONS: dict[str, str] = dict(FEATURES)


class FeatureBuilder:
    """Turns queries into the :data:`FEATURE_NAMES` columns (float32, nan = unknown)."""

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {}

    def fit(self, catalog: CatalogFrame) -> FeatureBuilder:
        self.directions_ = text_directions(catalog.embeddings, N_DIRECTIONS)
        self.encoder_id_ = catalog.encoder_id
        self.vocabulary_ = fit_vocabulary(catalog.texts)
        return self

    def _words(self, catalog: CatalogFrame) -> ItemWords:
        """The catalog's items as word ids (cached for the catalog last seen)."""
        cached = getattr(self, "_words_cache", None)
        if cached is not None and cached[0] is catalog:
            return cached[1]
        words = item_words(catalog.texts, self.vocabulary_)
        self._words_cache = (catalog, words)
        return words

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_words_cache"}

    @property
    def feature_names(self) -> tuple[str, ...]:
        return FEATURE_NAMES

    def transform(
        self,
        log: EventLog,
        catalog: CatalogFrame,
        queries: Queries,
        *,
        item_stats: ItemStats | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Feature rows for ``queries``. With ``item_stats`` the item columns come from
        that snapshot (a server's path) instead of the whole log."""
        if not hasattr(self, "directions_"):
            raise NotFitted("FeatureBuilder is not fitted; call fit(catalog) first")
        if len(queries) and (queries.item.min() < 0 or queries.item.max() >= len(catalog)):
            raise InvalidInput("every query needs an item of the catalog")
        if catalog.embeddings.shape[1] != self.directions_.shape[1]:
            raise InvalidInput(
                f"item embeddings have {catalog.embeddings.shape[1]} dimensions; this feature "
                f"builder was fitted on {self.directions_.shape[1]} ({self.encoder_id_})"
            )
        blocks = [
            activity_features(log, queries),
            session_features(log, queries),
            pair_features(log, catalog, queries),
            item_features(log, catalog, queries, item_stats),
            affinity_features(log, catalog, queries),
            taste_features(log, queries, self._words(catalog)),
            text_features(log, catalog, queries, self.directions_, progress),
        ]
        matrix = np.column_stack(blocks).astype(np.float32)
        if matrix.shape[1] != len(FEATURE_NAMES):  # pragma: no cover - a programming error
            raise AssertionError("feature blocks and FEATURE_NAMES disagree")
        return matrix
