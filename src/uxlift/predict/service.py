"""Live predictions: the serving model per target, hot-swapped from the registry.

A request reads the user's events, item aggregates and the catalog from the
server's :class:`~uxlift.predict.live_log.LiveLog`, so the click just made
counts. The registry is checked with one
``stat`` per request; when another version serves a target, it is loaded
while requests keep using the old one, then swapped in with one assignment:
no request ever waits for a restart or fails during a swap.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput, NotFound
from uxlift.predict.event_log import TARGETS
from uxlift.predict.live_log import LiveLog
from uxlift.predict.queries import queries_at
from uxlift.predict.registry import ModelRegistry
from uxlift.privacy.pseudonymize import Pseudonymizer

log = logging.getLogger(__name__)
MAX_ITEMS = 500


@dataclass(frozen=True)
class _Loaded:
    version: str
    model: Any  # a PredictorModel (imported on first use: it pulls in scikit-learn)


class PredictionService:
    def __init__(
        self, live: LiveLog, pseudonymizer: Pseudonymizer, registry: ModelRegistry
    ) -> None:
        self.live = live
        self.store = live.store
        self.pseudonymizer = pseudonymizer
        self.registry = registry
        self._models: dict[str, _Loaded] = {}
        self._token: tuple[int, int] | None = None
        self._swap_lock = threading.Lock()

    # -- models -------------------------------------------------------------------
    def model_for(self, target: str) -> _Loaded:
        """The model serving ``target`` now (loading a newly promoted one first)."""
        token = self.registry.token()
        loaded = self._models.get(target)
        if token != self._token or loaded is None:
            with self._swap_lock:
                token = self.registry.token()
                serving = self.registry.serving(target)
                loaded = self._models.get(target)
                if serving is None:
                    raise NotFound(
                        f"no model serves {target!r} yet: train one with "
                        f"'uxlift train predictor --target {target}'"
                    )
                if loaded is None or loaded.version != serving:
                    from uxlift.predict.model import PredictorModel

                    card = self.registry.get(serving)
                    model = PredictorModel.load(self.registry.folder(serving), card)
                    loaded = _Loaded(serving, model)
                    self._models = {**self._models, target: loaded}
                    log.info("now serving %s for %s", serving, target)
                self._token = token
        return loaded

    # -- predictions --------------------------------------------------------------
    def predict(
        self,
        user_id: str,
        item_ids: list[str],
        *,
        target: str = "purchase",
        now: float | None = None,
        reasons: int = 3,
    ) -> dict[str, Any]:
        if target not in TARGETS:
            raise InvalidInput(
                f"unknown target {target!r}",
                details=[{"field": "target", "reason": f"one of {', '.join(TARGETS)}"}],
            )
        if not item_ids or len(item_ids) > MAX_ITEMS:
            raise InvalidInput(
                f"give 1 to {MAX_ITEMS} item ids",
                details=[{"field": "item_ids", "reason": f"1 to {MAX_ITEMS} ids"}],
            )
        loaded = self.model_for(target)
        catalog = self.live.catalog()
        codes = catalog.codes(item_ids)
        unknown = [item_ids[i] for i in np.flatnonzero(codes < 0).tolist()]
        known = np.flatnonzero(codes >= 0)
        if not len(known):
            raise NotFound(
                "none of the items is in the catalog",
                details=[{"field": "item_ids", "reason": f"unknown: {', '.join(unknown[:20])}"}],
            )
        user_key = self.pseudonymizer.user_key(user_id)
        snapshot = self.live.snapshot(catalog)
        user_log = self.live.events_of(user_key, catalog, snapshot)
        moment = time.time() if now is None else float(now)
        code = user_log.user_index.get(user_key, -1)
        queries = queries_at(user_log, code, codes[known], moment)
        probabilities, explained = loaded.model.predict_explained(
            user_log, catalog, queries, snapshot.stats, top=reasons
        )
        predictions = [
            {
                "item_id": item_ids[int(i)],
                "probability": round(float(p), 6),
                "reasons": [r.to_dict() for r in why],
            }
            for i, p, why in zip(known.tolist(), probabilities, explained, strict=True)
        ]
        return {
            "target": target,
            "model": {"version": loaded.version, "estimator": loaded.model.card.estimator},
            "user_history_events": len(user_log),
            "predictions": predictions,
            "unknown_items": unknown,
        }
