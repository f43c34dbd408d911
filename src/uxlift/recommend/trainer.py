"""``uxlift train recommender``: from the event log to a registered serving model.

Interactions are the item events of the log (views, clicks, carts, purchases,
ratings), never exposures. The recommender is first judged on a holdout of
the store's own data (each user's last 20%, the benchmark protocol) beside
EASE and popularity, then refitted on everything and registered with those
figures on its card. A running server picks up a promoted version without a
restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput
from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.event_source import load_catalog, load_event_log
from uxlift.predict.registry import ModelCard, ModelRegistry
from uxlift.recommend.interactions import Interactions, holdout_split
from uxlift.recommend.item_models import EASE
from uxlift.recommend.offline import evaluate_ranking
from uxlift.recommend.peers import Popularity
from uxlift.recommend.ranker import RankedRecommender
from uxlift.recommend.ranking_features import FEATURE_NAMES
from uxlift.recommend.registry import INTERACTION_KINDS, TARGET, recommender_registry_for
from uxlift.recommend.serving_model import RecommenderModel

log = logging.getLogger(__name__)
# auto: only when nothing serves yet; checked: when it beats popularity on the holdout
PROMOTE_CHOICES = ("auto", "always", "none", "checked")


@dataclass
class RecommenderTrainOptions:
    promote: str = "auto"
    evaluate: bool = True
    params: dict[str, Any] | None = None


def interactions_of(log_: EventLog, catalog: CatalogFrame) -> Interactions:
    """Item events of the log as interactions coded against the catalog."""
    kinds = [KIND[k] for k in INTERACTION_KINDS]
    rows = np.flatnonzero((log_.item >= 0) & np.isin(log_.kind, kinds))
    user, item, time = log_.user[rows], log_.item[rows], log_.time[rows]
    order = np.lexsort((item, time, user))
    return Interactions(
        user[order],
        item[order],
        time[order],
        np.array(log_.user_keys, dtype=object),
        np.array(catalog.item_ids, dtype=object),
    )


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def train_recommender(services: Any, options: RecommenderTrainOptions) -> dict[str, Any]:
    """Fit, judge, register and (per ``options.promote``) promote a recommender."""
    if options.promote not in PROMOTE_CHOICES:
        raise InvalidInput(f"promote must be one of {list(PROMOTE_CHOICES)}")
    catalog = load_catalog(services.store, services.embeddings)
    if not len(catalog):
        raise InvalidInput("the catalog is empty: upsert items before training")
    data = interactions_of(load_event_log(services.store, catalog), catalog)
    registry = recommender_registry_for(services.settings.data_dir)
    return fit_and_register(data, catalog.encoder_id, registry, options,
                            item_vectors=catalog.embeddings)  # fmt: skip


def fit_and_register(
    data: Interactions,
    encoder_id: str,
    registry: ModelRegistry,
    options: RecommenderTrainOptions,
    *,
    item_vectors: np.ndarray | None = None,
) -> dict[str, Any]:
    """Fit on ``data`` (its items are the catalog; ``item_vectors`` their text
    embeddings, row-aligned), register, maybe promote."""
    if options.promote not in PROMOTE_CHOICES:
        raise InvalidInput(f"promote must be one of {list(PROMOTE_CHOICES)}")
    if len(np.unique(data.user)) < 2 or len(data) < 10:
        raise InvalidInput("too few item events to learn recommendations from")
    params = dict(options.params or {})
    metrics: dict[str, Any] = {}
    if options.evaluate or options.promote == "checked":
        train, test = holdout_split(data)
        if len(test):
            content = {"item_vectors": item_vectors} if item_vectors is not None else None
            for name, model in [
                ("uxlift", RankedRecommender(**params)),
                ("ease", EASE()),
                ("popularity", Popularity()),
            ]:
                metrics[name] = evaluate_ranking(
                    model, train, test, fit_params=content if name == "uxlift" else None
                )
    ranker = RankedRecommender(**params).fit(data, item_vectors=item_vectors)
    item_ids = tuple(str(i) for i in data.item_ids.tolist())
    model = RecommenderModel.from_ranker(ranker, item_ids)
    card = ModelCard(
        version="",
        target=TARGET,
        horizon_s=0.0,
        estimator="candidates+lambdarank" if ranker.uses_ranker_ else "sequential-ease",
        created_at=_iso(datetime.now(UTC).timestamp()),
        training_window={
            "start": _iso(float(data.time.min())),
            "end": _iso(float(data.time.max())),
        },
        encoder_id=encoder_id,
        feature_names=list(FEATURE_NAMES),
        metrics={"offline": metrics, "validation": ranker.validation_},
        examples={
            "interactions": len(data),
            "users": len(np.unique(data.user)),
            "items": len(item_ids),
        },
    )
    card = registry.register(card, model.save)
    promoted = _maybe_promote(registry, card, options.promote)
    return {"model": card.to_dict(), "promoted": promoted}


def _maybe_promote(registry: ModelRegistry, card: ModelCard, how: str) -> bool:
    if how == "none":
        return False
    if how == "auto" and registry.serving(TARGET) is not None:
        return False
    if how == "checked":
        offline = card.metrics.get("offline", {})
        ours, popular = (offline.get(n, {}).get("ndcg@10") for n in ("uxlift", "popularity"))
        if ours is None or popular is None or ours < popular:
            log.warning("%s ranks the holdout below popularity: not promoted",
                        card.version)  # fmt: skip
            return False
    registry.promote(card.version)
    return True
