"""Features are point in time: nothing at or after t reaches a feature at t."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.demo import DemoStore
from uxlift.errors import InvalidInput, NotFitted
from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.event_source import log_from_records
from uxlift.predict.features import FEATURE_NAMES, FeatureBuilder
from uxlift.predict.item_features import item_stats
from uxlift.predict.queries import anchored_queries, queries_at


def _views_before(log: EventLog, cut: float) -> np.ndarray:
    return np.flatnonzero((log.kind == KIND["view"]) & (log.time < cut))


def _features(log: EventLog, catalog: CatalogFrame, positions: np.ndarray) -> np.ndarray:
    builder = FeatureBuilder().fit(catalog)
    return builder.transform(log, catalog, anchored_queries(log, positions))


def test_future_events_do_not_change_features(
    demo_store: DemoStore, demo_catalog: CatalogFrame, demo_log: EventLog
) -> None:
    """The leakage check: shuffle every timestamp after the cut and add made-up future
    events (new users, purchases of the very items viewed); features before the cut stay."""
    cut = float(np.quantile(demo_log.time, 0.6))
    positions = _views_before(demo_log, cut)
    before = _features(demo_log, demo_catalog, positions)

    rng = np.random.default_rng(5)
    events = [dict(e) for e in demo_store.events]
    late = [e for e in events if e["timestamp"] >= cut]
    shuffled = rng.permutation([e["timestamp"] for e in late])
    for event, moment in zip(late, shuffled, strict=True):
        event["timestamp"] = float(moment)
    viewed = [e for e in events if e["type"] == "view" and e["timestamp"] < cut]
    for k, view in enumerate(viewed[::7]):
        for kind in ("click", "add_to_cart", "purchase"):
            events.append({**view, "type": kind, "event_id": f"future-{k}-{kind}",
                           "timestamp": cut + 1 + k, "value": 9.0})  # fmt: skip
        events.append({**view, "user_id": f"newcomer-{k}", "event_id": f"future-new-{k}",
                       "session_id": None, "timestamp": cut + 2 + k})  # fmt: skip
    changed = log_from_records(events, demo_catalog)
    assert len(changed) > len(demo_log)
    same_positions = _views_before(changed, cut)
    np.testing.assert_array_equal(same_positions, positions)
    after = _features(changed, demo_catalog, same_positions)
    np.testing.assert_array_equal(after, before)


def test_features_have_names_shapes_and_sane_values(
    demo_catalog: CatalogFrame, demo_log: EventLog
) -> None:
    positions = np.flatnonzero(demo_log.kind == KIND["view"])
    X = _features(demo_log, demo_catalog, positions)
    assert X.shape == (len(positions), len(FEATURE_NAMES)) and X.dtype == np.float32
    column = dict(zip(FEATURE_NAMES, X.T, strict=True))
    assert np.nanmin(column["user_events"]) == 0.0  # someone's very first event is a view
    assert np.all(column["session_views"] >= 0)
    share = column["category_share"][np.isfinite(column["category_share"])]
    assert share.min() >= 0 and share.max() <= 1 + 1e-6
    sim = column["profile_similarity"][np.isfinite(column["profile_similarity"])]
    assert sim.min() >= -1 - 1e-5 and sim.max() <= 1 + 1e-5
    # A repeated view inside a session sees the earlier one.
    assert np.nanmax(column["item_seen_in_session"]) >= 1


def test_a_servers_snapshot_path_matches_the_log_path(
    demo_catalog: CatalogFrame, demo_log: EventLog
) -> None:
    """Serving reads one user's events plus an item snapshot; training reads the whole log.
    For the same user, items and moment both give the same features."""
    now = float(np.quantile(demo_log.time, 0.8))
    user = int(demo_log.user[np.searchsorted(demo_log.time, now) - 1])
    items = np.arange(0, len(demo_catalog), 7)
    builder = FeatureBuilder().fit(demo_catalog)
    full = builder.transform(demo_log, demo_catalog, queries_at(demo_log, user, items, now))

    mine = np.flatnonzero(demo_log.user == user)
    own = EventLog(
        np.zeros(len(mine), np.int64), demo_log.item[mine], demo_log.kind[mine],
        demo_log.time[mine], demo_log.session[mine], demo_log.value[mine],
        (demo_log.user_keys[user],), demo_log.text[mine],
    )  # fmt: skip
    served = builder.transform(
        own, demo_catalog, queries_at(own, 0, items, now),
        item_stats=item_stats(demo_log, len(demo_catalog), now),
    )  # fmt: skip
    np.testing.assert_allclose(served, full, rtol=1e-5, atol=1e-6)


def test_an_aged_snapshot_equals_a_fresh_one_across_a_quiet_gap(
    demo_catalog: CatalogFrame, demo_log: EventLog
) -> None:
    gaps = np.diff(demo_log.time)
    k = int(np.argmax(gaps))
    assert gaps[k] > 600
    early, late = demo_log.time[k] + 1.0, demo_log.time[k + 1] - 1.0
    aged = item_stats(demo_log, len(demo_catalog), early).aged(late)
    fresh = item_stats(demo_log, len(demo_catalog), late)
    np.testing.assert_allclose(aged.decayed, fresh.decayed, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(aged.overall, fresh.overall, rtol=1e-9)
    np.testing.assert_array_equal(aged.ratings, fresh.ratings)


def test_builder_refuses_before_fit_and_foreign_items(
    demo_catalog: CatalogFrame, demo_log: EventLog
) -> None:
    queries = anchored_queries(demo_log, np.flatnonzero(demo_log.kind == KIND["view"])[:5])
    with pytest.raises(NotFitted):
        FeatureBuilder().transform(demo_log, demo_catalog, queries)
    bad = queries_at(demo_log, 0, np.array([len(demo_catalog)]), demo_log.end)
    with pytest.raises(InvalidInput, match="catalog"):
        FeatureBuilder().fit(demo_catalog).transform(demo_log, demo_catalog, bad)


def test_explained_probabilities_match_plain_ones(
    demo_catalog: CatalogFrame, demo_log: EventLog
) -> None:
    from uxlift.predict.estimators import LightGBMPredictor, LogisticPredictor
    from uxlift.predict.examples import build_dataset
    from uxlift.predict.model import PredictorModel
    from uxlift.predict.registry import ModelCard

    builder = FeatureBuilder().fit(demo_catalog)
    data = build_dataset(demo_log, demo_catalog, builder, target="click", horizon_s=3600.0)
    train, test = data.rows("train"), data.rows("test")[:50]
    for estimator in (LogisticPredictor(), LightGBMPredictor(n_estimators=50)):
        estimator.fit(data.X[train], data.y[train])
        card = ModelCard(
            version="v", target="click", horizon_s=3600.0, estimator="x", created_at="",
            training_window={}, encoder_id="", feature_names=list(FEATURE_NAMES), metrics={},
        )  # fmt: skip
        model = PredictorModel(card, builder, estimator)
        queries = data.queries.take(test)
        plain, _ = model.predict(demo_log, demo_catalog, queries)
        explained, reasons = model.predict_explained(demo_log, demo_catalog, queries, top=2)
        np.testing.assert_allclose(explained, plain, rtol=1e-6, atol=1e-9)
        assert all(len(r) <= 2 for r in reasons) and any(reasons)
        assert all(r.text.endswith("chance)") for row in reasons for r in row)
