"""Live recommendations: the serving recommender, fed by the server's memory of the log.

A request reads the user's events from the :class:`~uxlift.predict.live_log.LiveLog`
(so the click just made is in the sequence), ranks candidates with the model
serving ``recommendations``, then:

1. keeps out the user's items of the excluded event types (purchases by
   default) and anything outside the filters;
2. places new items (added after the model was trained) by their text's
   closeness to the user's recent items;
3. applies business boosts and MMR diversity;
4. stores the full list for stable paging and attaches the reasons;
5. logs the page shown as ``exposure`` events.

The model is swapped without a restart like the predictors are.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput, NotFound
from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.live_log import LiveLog
from uxlift.predict.registry import ModelRegistry
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.recommend import reasons as why
from uxlift.recommend.catalog_state import (
    INTERACTION_CODES,
    CatalogState,
    catalog_state,
    refresh_activity,
)
from uxlift.recommend.postprocess import apply_boosts, insert_fresh, mmr, positional_relevance
from uxlift.recommend.ranking_features import FEATURE_NAMES
from uxlift.recommend.recency import sequence_weights
from uxlift.recommend.registry import TARGET
from uxlift.recommend.request import MAX_N, Request
from uxlift.store.database import utcnow

log = logging.getLogger(__name__)
FRESH_SLOTS = (2, 6)
FRESH_MIN_SIMILARITY = 0.35
LIST_TTL_S = 15 * 60.0
REUSE_S = 5 * 60.0  # a user's ranked list is served again for this long unless they act
_MAX_LISTS = 2_000
_CONTENT_HALF_LIFE = 3.0  # the text profile for new items weighs recent items like the model
_MAX_CACHED_USERS = 20_000  # ranked lists kept for reuse until something they depend on changes
_ALS_RANK = FEATURE_NAMES.index("als_rank")
_SIMILAR_USERS_TOP = 5  # among the user's candidates, by collaborative filtering
_MAX_EXTRA_VERSIONS = 2  # recommender versions other than the serving one kept loaded
_POPULAR_DEPTH = 200


@dataclass(frozen=True)
class _KeptList:
    """A ranked list as served, kept for paging: pages explain their own items."""

    created: float
    user_key: str
    version: str
    model: Any
    cat: CatalogState
    user_log: EventLog
    mine: np.ndarray
    sequence_model: np.ndarray
    items: list[int]
    extras: dict[int, tuple[np.ndarray | None, np.ndarray | None]]
    anchors: dict[int, int | None]
    query: str | None = None
    matched: frozenset[int] = frozenset()
    strategy: str = "model"
    pages: dict = field(default_factory=dict)  # (page, n, explain) -> entries, once built


@dataclass
class _Loaded:
    version: str
    model: Any  # RecommenderModel


class RecommendationService:
    def __init__(
        self,
        live: LiveLog,
        pseudonymizer: Pseudonymizer,
        registry: ModelRegistry,
        exposures: Any = None,
    ) -> None:
        self.live = live
        self.pseudonymizer = pseudonymizer
        self.registry = registry
        self.exposures = exposures
        self.experiments: Any = None  # ExperimentService, set when the services are wired
        self.clock: Callable[[], float] = time.time  # when lists are shown (a simulation's own)
        self._loaded: _Loaded | None = None
        self._token: tuple[int, int] | None = None
        self._swap_lock = threading.Lock()
        self._catalogued: dict[str, CatalogState] = {}
        self._versions: OrderedDict[str, _Loaded] = OrderedDict()  # asked for by experiments
        self._lists: OrderedDict[str, _KeptList] = OrderedDict()
        self._ranked_for: OrderedDict[tuple, tuple[datetime, float, _KeptList]] = OrderedDict()
        self._lists_lock = threading.RLock()

    # -- model and catalog ----------------------------------------------------------
    def model(self) -> _Loaded:
        token = self.registry.token()
        loaded = self._loaded
        if token != self._token or loaded is None:
            with self._swap_lock:
                token = self.registry.token()
                serving = self.registry.serving(TARGET)
                if serving is None:
                    raise NotFound(
                        "no recommender serves yet: train one with 'uxlift train recommender'"
                    )
                loaded = self._loaded
                if loaded is None or loaded.version != serving:
                    from uxlift.recommend.serving_model import RecommenderModel

                    model = RecommenderModel.load(self.registry.folder(serving))
                    loaded = _Loaded(serving, model)
                    self._loaded = loaded
                    log.info("now serving recommender %s", serving)
                self._token = token
        return loaded

    def _model_for(self, request: Request) -> _Loaded:
        """The serving model, or the version the request (an experiment's variant) names."""
        wanted = request.model_version
        if wanted is None:
            return self.model()
        with self._swap_lock:
            loaded = self._versions.get(wanted)
            if loaded is None:
                if wanted not in {card.version for card in self.registry.list(TARGET)}:
                    raise NotFound(
                        f"no recommender version {wanted!r}",
                        details=[{"field": "model_version", "reason": "not in the registry"}],
                    )
                from uxlift.recommend.serving_model import RecommenderModel

                loaded = _Loaded(wanted, RecommenderModel.load(self.registry.folder(wanted)))
                self._versions[wanted] = loaded
                while len(self._versions) > _MAX_EXTRA_VERSIONS:
                    self._versions.popitem(last=False)
            return loaded

    def _catalogue(self, catalog: CatalogFrame, loaded: _Loaded) -> CatalogState:
        current = self._catalogued.get(loaded.version)
        if current is not None and current.catalog is catalog:
            return current
        fresh = catalog_state(catalog, loaded.model.item_ids, loaded.version)
        with self._lists_lock:  # requests add and drop versions concurrently
            self._catalogued[loaded.version] = fresh
            while len(self._catalogued) > _MAX_EXTRA_VERSIONS + 1:
                self._catalogued.pop(next(iter(self._catalogued)))
        return fresh

    # -- recommendations ---------------------------------------------------------------
    def recommend(
        self,
        user_id: str,
        request: Request,
        *,
        now: float | None = None,
        context_item_ids: tuple[str, ...] = (),
        query: tuple[str, np.ndarray] | None = None,
        use_experiments: bool = True,
    ) -> dict:
        """A page of recommendations for ``user_id``.

        ``context_item_ids``: what the user is looking at now (counts as their most
        recent items, without being logged). ``query``: (text, its embedding) for
        "something like ...": items matching the text, ordered with the user's taste.
        ``use_experiments`` False serves the request as it is, outside any experiment
        (and logs no exposure to one): e.g. to see what another variant would show.
        """
        request.check()
        moment = self.clock() if now is None else float(now)
        user_key = self.pseudonymizer.user_key(user_id)
        if request.list_id is not None:
            kept = self._kept_list(request.list_id, user_key)
            if kept is not None:
                return self._page(user_id, request.list_id, kept, request, moment)
        taking_part: list[dict[str, str]] = []
        if self.experiments is not None and use_experiments:
            request, taking_part = self._in_experiments(user_id, request, moment)
        loaded = self._model_for(request)
        cacheable = not context_item_ids and query is None
        signature = _signature(user_key, request)
        kept = None
        if cacheable:
            reused = self._reusable(signature, loaded.version, REUSE_S)
            if reused is not None:
                kept = replace(reused, created=moment)
        if kept is None:
            started = utcnow()
            kept = self._new_list(loaded, user_key, request, moment, context_item_ids, query)
            if cacheable:
                self._keep(signature, started, kept)
        served = self._serve(user_id, kept, request, moment)
        if taking_part:
            served["experiments"] = taking_part
        return served

    def _in_experiments(
        self, user_id: str, request: Request, moment: float
    ) -> tuple[Request, list[dict[str, str]]]:
        """The request as the user's experiment variants configure it (exposed at
        ``moment``, when the list is shown)."""
        config, taking_part = self.experiments.configure(
            user_id, "recommend.", dict(request.attributes), at=moment
        )
        if not config:
            return request, taking_part
        return (
            replace(
                request,
                strategy=config.get("strategy", request.strategy),
                model_version=config.get("model_version", request.model_version),
                diversity=float(config.get("diversity", request.diversity)),
            ),
            taking_part,
        )

    def warm(self, user_key: str) -> bool:
        """Rank the default list of a user (by key) ahead of their request, with its
        first page, unless a fresh one is kept; True if it ranked one. Nothing is
        logged: nobody has seen the list yet."""
        loaded = self.model()
        request = Request()
        signature = _signature(user_key, request)
        if self._reusable(signature, loaded.version, REUSE_S / 2) is not None:
            return False
        started = utcnow()
        kept = self._new_list(loaded, user_key, request, time.time(), (), None)
        kept.pages[_page_key(request)] = self._entries(kept, request, 0)
        snapshot = self.live.current_snapshot()
        with self._lists_lock:  # erasure forgets the user's events first, then lists
            if snapshot is not None and snapshot.history.knows(user_key):
                self._keep(signature, started, kept)
        return True

    def _new_list(
        self,
        loaded: _Loaded,
        user_key: str,
        request: Request,
        moment: float,
        context_item_ids: tuple[str, ...],
        query: tuple[str, np.ndarray] | None,
    ) -> _KeptList:
        catalog, snapshot, user_log = self.live.user_log(user_key)
        cat = refresh_activity(self._catalogue(catalog, loaded), snapshot)
        context = catalog.codes(list(context_item_ids))
        if (context < 0).any():
            unknown = [i for i, c in zip(context_item_ids, context, strict=True) if c < 0]
            raise NotFound(
                f"no item {unknown[0]!r} in the catalog",
                details=[{"field": "item_id", "reason": "not in the catalog"}],
            )
        return self._ranked(loaded, cat, user_log, user_key, request, moment, context, query)

    def _keep(self, signature: tuple, started: datetime, kept: _KeptList) -> None:
        """Keep a list ranked from the user's events as of ``started`` for reuse."""
        with self._lists_lock:
            self._ranked_for[signature] = (started, time.monotonic(), kept)
            self._ranked_for.move_to_end(signature)
            while len(self._ranked_for) > _MAX_CACHED_USERS:
                self._ranked_for.popitem(last=False)

    def _serve(self, user_id: str, kept: _KeptList, request: Request, moment: float) -> dict:
        """Keep ``kept`` under a new list id (paging, exposures) and return its page."""
        list_id = uuid.uuid4().hex
        with self._lists_lock:
            self._lists[list_id] = kept
            while len(self._lists) > _MAX_LISTS:
                self._lists.popitem(last=False)
        return self._page(user_id, list_id, kept, request, moment)

    def _reusable(self, signature: tuple, version: str, max_age_s: float) -> _KeptList | None:
        """The list ranked for the same user and request, if nothing it depends on changed:
        the model, the catalog, or the user's own events since. What everyone else did
        (item activity) may be up to ``max_age_s`` older than the snapshot."""
        with self._lists_lock:
            cached = self._ranked_for.get(signature)
        if cached is None:
            return None
        ranked_at, ranked_clock, kept = cached
        stored = self.live.last_stored(signature[0])
        if (kept.version != version or kept.cat.catalog is not self.live.catalog()
                or time.monotonic() - ranked_clock > max_age_s
                or (stored is not None and stored >= ranked_at)):  # fmt: skip
            return None
        return kept

    def _kept_list(self, list_id: str, user_key: str) -> _KeptList | None:
        with self._lists_lock:
            kept = self._lists.get(list_id)
        if kept is None or kept.user_key != user_key or time.time() - kept.created > LIST_TTL_S:
            return None
        return kept

    def _ranked(
        self,
        loaded: _Loaded,
        cat: CatalogState,
        user_log: EventLog,
        user_key: str,
        request: Request,
        moment: float,
        context: np.ndarray,
        query: tuple[str, np.ndarray] | None,
    ) -> _KeptList:
        model, catalog = loaded.model, cat.catalog
        mine = np.flatnonzero((user_log.item >= 0) & np.isin(user_log.kind, INTERACTION_CODES))
        sequence_catalog = np.concatenate([user_log.item[mine], context]).astype(np.int64)
        allowed = self._allowed(catalog, request, cat)
        excluded_kinds = [KIND[k] for k in request.exclude]
        done = user_log.item[(user_log.item >= 0) & np.isin(user_log.kind, excluded_kinds)]
        allowed[done] = False
        allowed[context] = False
        sequence_model = cat.to_model[sequence_catalog]
        sequence_model = sequence_model[sequence_model >= 0]
        blocked = np.ones(model.n_items, dtype=bool)
        present = cat.to_catalog >= 0
        blocked[present] = ~allowed[cat.to_catalog[present]]
        anchors: dict[int, int | None] = {}
        if request.strategy == "popularity":
            items = _popular(cat, allowed)
            extras: dict[int, tuple[np.ndarray | None, np.ndarray | None]] = {}
        else:
            ranked = model.rank(
                sequence_model,
                visit=moment // 60 * 60,  # per minute: item activity windows are then shared
                activity=cat.activity,
                blocked=blocked,
                explain=request.explain,
            )
            items = cat.to_catalog[ranked.items].tolist()
            extras = {
                c: (
                    None if ranked.contributions is None else ranked.contributions[i],
                    ranked.features[i],
                )
                for i, c in enumerate(items)
            }
            profile = _profile_vector(catalog.embeddings, sequence_catalog)
            fresh, anchors = self._fresh(cat, profile, allowed, sequence_catalog)
            items = insert_fresh(items, fresh, FRESH_SLOTS)
        matched: list[int] = []
        relevance = positional_relevance(len(items))
        if request.boosts:
            factors = self._boost_factors(catalog, np.array(items, dtype=np.int64), request, cat)
            boosted, relevance = apply_boosts(np.array(items, dtype=np.int64), relevance, factors)
            items = boosted.tolist()
        if query is not None:
            items, matched = self._matching(cat, query[1], allowed, items)
        if request.diversity > 0 and items:
            items = mmr(
                np.array(items, dtype=np.int64),
                relevance,
                catalog.embeddings,
                request.diversity,
                len(items),
            ).tolist()
        return _KeptList(
            moment,
            user_key,
            loaded.version,
            model,
            cat,
            user_log,
            mine,
            sequence_model,
            items,
            extras,
            anchors,
            None if query is None else query[0],
            frozenset(matched),
            request.strategy,
        )

    def _matching(
        self, cat: CatalogState, vector: np.ndarray, allowed: np.ndarray, personal: list[int]
    ) -> tuple[list[int], list[int]]:
        """Items whose text matches a query, the user's own favourites among them first."""
        codes, similarity = cat.content.search(vector, 50, allowed=allowed)
        position = {item: i for i, item in enumerate(personal)}
        taste = np.array(
            [1.0 - position.get(c, len(personal)) / max(len(personal), 1) for c in codes.tolist()]
        )
        order = np.argsort(-(similarity + 0.1 * taste), kind="stable")
        return codes[order].tolist(), codes.tolist()

    def _allowed(self, catalog: CatalogFrame, request: Request, cat: CatalogState) -> np.ndarray:
        allowed = np.ones(len(catalog), dtype=bool)
        if request.category is not None:
            if request.category not in cat.catalog.category_names:
                return np.zeros(len(catalog), dtype=bool)
            allowed &= catalog.category == cat.catalog.category_names.index(request.category)
        if request.price_min is not None:
            allowed &= catalog.price >= request.price_min
        if request.price_max is not None:
            allowed &= catalog.price <= request.price_max
        return allowed

    def _fresh(
        self,
        cat: CatalogState,
        profile: np.ndarray | None,
        allowed: np.ndarray,
        sequence: np.ndarray,
    ) -> tuple[list[int], dict[int, int | None]]:
        """New items (unknown to the model) closest to the user's recent items."""
        new = (cat.to_model < 0) & allowed
        if profile is None or not new.any():
            return [], {}
        new[sequence] = False
        codes, similarity = cat.content.search(profile, len(FRESH_SLOTS), allowed=new)
        picked = [
            int(c) for c, s in zip(codes, similarity, strict=True) if s >= FRESH_MIN_SIMILARITY
        ]
        anchors = {}
        embeddings = cat.catalog.embeddings
        for item in picked:
            recent = sequence[-20:]
            anchors[item] = int(recent[np.argmax(embeddings[recent] @ embeddings[item])])
        return picked, anchors

    def _boost_factors(
        self, catalog: CatalogFrame, items: np.ndarray, request: Request, cat: CatalogState
    ) -> np.ndarray:
        factors = np.ones(len(items))
        for field_name, value, factor in request.boosts:
            if field_name == "item_id":
                factors[np.array([catalog.item_ids[i] == value for i in items])] *= factor
            elif field_name == "category" and value in cat.catalog.category_names:
                factors[catalog.category[items] == cat.catalog.category_names.index(value)] *= (
                    factor
                )
            elif field_name == "brand" and value in catalog.brand_names:
                factors[catalog.brand[items] == catalog.brand_names.index(value)] *= factor
        return factors

    def _reasons(
        self,
        model: Any,
        cat: CatalogState,
        user_log: EventLog,
        mine: np.ndarray,
        sequence_model: np.ndarray,
        item: int,
        touched: np.ndarray,
        *,
        anchor_model: int = -1,
        fresh_anchor: int | None = None,
        features: np.ndarray | None = None,
    ) -> list[why.Reason]:
        catalog = cat.catalog
        out: list[why.Reason] = []
        if cat.to_model[item] < 0:
            anchor = fresh_anchor
            out.append(
                why.new_match(
                    None if anchor is None else catalog.item_ids[anchor],
                    None if anchor is None else catalog.titles[anchor],
                )
            )
        history = user_log.item[mine]
        if len(history) and cat.co_bought is not None:
            co = cat.co_bought
            lo, hi = co.indptr[item], co.indptr[item + 1]
            partners, counts = co.indices[lo:hi], co.data[lo:hi]
            hit = touched[partners]
            if hit.any():
                partner = int(partners[hit][np.argmax(counts[hit])])
                out.append(why.bought_with(catalog.item_ids[partner], catalog.titles[partner]))
        if anchor_model >= 0:
            anchor = int(cat.to_catalog[anchor_model])
            if anchor >= 0:
                verb = _verb(user_log.kind[mine][history == anchor])
                out.insert(
                    0, why.because_you(verb, catalog.item_ids[anchor], catalog.titles[anchor])
                )
        if features is not None and features[_ALS_RANK] < _SIMILAR_USERS_TOP:
            out.append(why.similar_users())
        if cat.week_rank is not None and cat.week_rank[item] < 10:
            category = catalog.category[item]
            name = (
                cat.catalog.category_names[category]
                if 0 <= category < len(cat.catalog.category_names)
                else None
            )
            out.append(why.trending(name))
        if not out:
            out.append(why.popular())
        return out

    def _page(
        self, user_id: str, list_id: str, kept: _KeptList, request: Request, moment: float
    ) -> dict:
        start = (request.page - 1) * request.n
        page_key = _page_key(request)
        shown = kept.pages.get(page_key)
        if shown is None:
            shown = self._entries(kept, request, start)
            kept.pages[page_key] = shown
        if request.log_exposure and self.exposures is not None and shown:
            self.exposures.log(user_id, list_id, request.page, shown, moment)
        return {
            "user_id": user_id,
            "list_id": list_id,
            "page": request.page,
            "model": "popularity" if kept.strategy == "popularity" else kept.version,
            "has_more": start + request.n < len(kept.items),
            "items": shown,
        }

    def _entries(self, kept: _KeptList, request: Request, start: int) -> list[dict[str, Any]]:
        """One page of a kept list with its reasons (built once per page and size)."""
        catalog = kept.cat.catalog
        shown: list[dict[str, Any]] = []
        page = kept.items[start : start + request.n]
        model_codes = kept.cat.to_model[np.array(page, dtype=np.int64)]
        known = model_codes >= 0
        anchors = np.full(len(page), -1, dtype=np.int64)
        if kept.strategy != "popularity":  # a popular list is not "because you viewed"
            anchors[known] = kept.model.anchors(kept.sequence_model, model_codes[known])
        touched = np.zeros(len(catalog), dtype=bool)  # the user's own items
        touched[kept.user_log.item[kept.mine]] = True
        for offset, code in enumerate(page):
            reasons = self._reasons(
                kept.model,
                kept.cat,
                kept.user_log,
                kept.mine,
                kept.sequence_model,
                code,
                touched,
                anchor_model=int(anchors[offset]),
                fresh_anchor=kept.anchors.get(code),
                features=kept.extras.get(code, (None, None))[1],
            )
            if kept.query is not None and code in kept.matched:
                reasons.insert(0, why.Reason("query_match", f'matches "{kept.query}"'))
            entry: dict[str, Any] = {
                "item_id": catalog.item_ids[code],
                "title": catalog.titles[code],
                "position": start + offset + 1,
                "reasons": [r.to_dict() for r in reasons],
            }
            if request.explain:
                terms, features = kept.extras.get(code, (None, None))
                entry["contributions"] = (
                    []
                    if terms is None or features is None
                    else why.top_contributions(FEATURE_NAMES, terms, features)
                )
            shown.append(entry)
        return shown

    # -- similar items -----------------------------------------------------------------
    def similar(self, item_id: str, *, n: int = 10, category: str | None = None) -> dict:
        if not 1 <= n <= MAX_N:
            raise InvalidInput("n must be 1 to 100", details=[{"field": "n", "reason": "1-100"}])
        catalog = self.live.catalog()
        code = int(catalog.codes([item_id])[0])
        if code < 0:
            raise NotFound(f"no item {item_id!r} in the catalog")
        loaded = self.model()
        cat = self._catalogue(catalog, loaded)
        allowed = self._allowed(catalog, Request(category=category), cat)
        allowed[code] = False
        scores: dict[int, float] = {}
        reason: dict[int, why.Reason] = {}
        codes, similarity = cat.content.search(catalog.embeddings[code], 4 * n, allowed)
        for c, s in zip(codes.tolist(), similarity.tolist(), strict=True):
            scores[c] = 0.5 * s
            reason[c] = why.Reason("similar_text", "described alike")
        model_code = cat.to_model[code]
        if model_code >= 0:
            row = loaded.model.sources.weights[model_code]
            if row.nnz:
                top = row.indices[np.argsort(-row.data)[: 4 * n]]
                best = max(float(row.data.max()), 1e-9)
                for m in top.tolist():
                    c = int(cat.to_catalog[m])
                    if c >= 0 and allowed[c]:
                        value = float(loaded.model.sources.weights[model_code, m]) / best
                        scores[c] = scores.get(c, 0.0) + 0.5 * value
                        reason[c] = why.Reason("together", "often viewed together")
        order = sorted(scores, key=lambda c: (-scores[c], c))[:n]
        return {
            "item_id": item_id,
            "items": [
                {
                    "item_id": catalog.item_ids[c],
                    "title": catalog.titles[c],
                    "score": round(scores[c], 4),
                    "reasons": [reason[c].to_dict()],
                }
                for c in order
            ],
        }

    def forget(self) -> None:
        """Drop kept lists (after an erasure, lists may name the user's items)."""
        with self._lists_lock:
            self._lists.clear()
            self._ranked_for.clear()


def _signature(user_key: str, request: Request) -> tuple:
    """What a kept list is reused for: the same user asking the same thing."""
    return (user_key, request.category, request.price_min, request.price_max, request.exclude,
            request.diversity, request.explain, request.boosts, request.strategy,
            request.model_version)  # fmt: skip


def _page_key(request: Request) -> tuple[int, int, bool]:
    return (request.page, request.n, request.explain)


def _verb(kinds: np.ndarray) -> str:
    for name in ("purchase", "add_to_cart", "click", "rate", "view"):
        if (kinds == KIND[name]).any():
            return name
    return "view"


def _profile_vector(embeddings: np.ndarray, sequence: np.ndarray) -> np.ndarray | None:
    if len(sequence) == 0:
        return None
    recent = sequence[-20:]
    weights = sequence_weights(len(recent), _CONTENT_HALF_LIFE, 0.0)
    vector = weights @ embeddings[recent]
    return vector if np.linalg.norm(vector) > 0 else None


def _popular(cat: CatalogState, allowed: np.ndarray) -> list[int]:
    """The allowed items with the most interactions this week, most first (catalog
    codes): the same list for everyone, the usual non-personal baseline."""
    counts = cat.week_counts if cat.week_counts is not None else np.zeros(len(allowed))
    candidates = np.flatnonzero(allowed)
    order = np.lexsort((candidates, -counts[candidates]))
    return candidates[order[:_POPULAR_DEPTH]].tolist()
