"""A user's events from the server's snapshot equal what the store holds for them,
and events stored since the snapshot began are read too."""

from __future__ import annotations

import time

import numpy as np
import pytest

from uxlift.demo import generate_store
from uxlift.demo.runner import load_directly
from uxlift.predict.event_log import EventLog
from uxlift.predict.event_source import log_from_table
from uxlift.services import Services
from uxlift.store import behaviour as rows


def _same(a: EventLog, b: EventLog) -> None:
    assert a.user_keys == b.user_keys
    for name in ("user", "item", "kind", "time", "session"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(np.isnan(a.value), np.isnan(b.value))
    np.testing.assert_array_equal(np.nan_to_num(a.value), np.nan_to_num(b.value))
    assert list(a.text) == list(b.text)


def test_snapshot_cut_equals_the_store_and_news_is_read(services: Services) -> None:
    store = generate_store(seed=3, n_items=120, n_users=40, days=10)
    load_directly(services, store)
    live = services.live
    catalog = live.catalog()
    for user in store.users[:15]:
        key = services.pseudonymizer.user_key(user)
        _, _, from_memory = live.user_log(key)
        from_store = log_from_table(rows.user_event_table(services.store.cursor(), key), catalog)
        assert len(from_memory) > 0
        _same(from_memory, from_store)

    user = store.users[0]
    key = services.pseudonymizer.user_key(user)
    before = len(live.user_log(key)[2])
    item = store.items[0]["item_id"]
    services.events.ingest([{"user_id": user, "item_id": item, "type": "click",
                             "timestamp": time.time()}])  # fmt: skip
    after = live.user_log(key)[2]
    assert len(after) == before + 1 and after.item[-1] == catalog.item_index[item]
    _same(after, log_from_table(rows.user_event_table(services.store.cursor(), key), catalog))
    services.events.ingest([{"user_id": user, "item_id": item, "type": "search", "text": "lamp",
                             "session_id": "s-9", "timestamp": time.time()}])  # fmt: skip
    again = live.user_log(key)[2]
    assert len(again) == before + 2 and again.text[-1] == "lamp"
    _same(again, log_from_table(rows.user_event_table(services.store.cursor(), key), catalog))


def test_an_unknown_user_has_an_empty_log_and_an_erased_one_leaves_memory(
    services: Services,
) -> None:
    store = generate_store(seed=4, n_items=80, n_users=20, days=7)
    load_directly(services, store)
    live = services.live
    assert len(live.user_log(services.pseudonymizer.user_key("nobody"))[2]) == 0
    key = services.pseudonymizer.user_key(store.users[1])
    assert len(live.user_log(key)[2]) > 0
    live.current_snapshot().history.forget(key)
    assert len(live.user_log(key)[2]) == 0


def test_news_counts_once_after_a_new_snapshot_holds_it(services: Services) -> None:
    store = generate_store(seed=5, n_items=60, n_users=10, days=5)
    load_directly(services, store)
    live = services.live
    user = store.users[2]
    key = services.pseudonymizer.user_key(user)
    before = len(live.user_log(key)[2])
    services.events.ingest([{"user_id": user, "item_id": store.items[3]["item_id"],
                             "type": "purchase", "timestamp": time.time()}])  # fmt: skip
    catalog = live.catalog()
    live._install(live._take_snapshot(catalog))  # the refresh the server runs every minute
    after = live.user_log(key)[2]
    assert len(after) == before + 1
    _same(after, log_from_table(rows.user_event_table(services.store.cursor(), key), catalog))


def test_a_catalog_load_overtaken_by_a_change_is_not_kept(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uxlift.predict.live_log as live_log

    real, calls = live_log.load_catalog, []

    def load(store, embeddings):
        calls.append(1)
        loaded = real(store, embeddings)
        if len(calls) == 1:
            services.live.catalog_changed(["sku-1"])  # an upsert lands during the first load
        return loaded

    monkeypatch.setattr(live_log, "load_catalog", load)
    services.live.catalog()
    assert len(calls) == 2  # the first load began before the change: loaded again
    services.live.catalog()
    assert len(calls) == 2


def test_events_before_the_first_snapshot_are_not_held_twice(services: Services) -> None:
    """A process that never serves (an import) keeps no copy of what it stores; the
    first snapshot, read after those commits, holds them all the same."""
    store = generate_store(seed=5, n_items=60, n_users=10, days=5)
    user = store.users[2]
    key = services.pseudonymizer.user_key(user)
    services.events.ingest([{"user_id": user, "item_id": store.items[0]["item_id"],
                             "type": "view", "timestamp": time.time() - 60}])  # fmt: skip
    live = services.live
    assert live.last_stored(key) is None and live.current_snapshot() is None
    load_directly(services, store)
    assert live.last_stored(key) is None
    catalog, _, first = live.user_log(key)
    _same(first, log_from_table(rows.user_event_table(services.store.cursor(), key), catalog))
    services.events.ingest([{"user_id": user, "item_id": store.items[1]["item_id"],
                             "type": "click", "timestamp": time.time()}])  # fmt: skip
    assert live.last_stored(key) is not None  # once a snapshot exists, news is noted
