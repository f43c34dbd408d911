"""A small demo store as an event log and catalog (random item vectors, no encoder)."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.demo import DemoStore, generate_store
from uxlift.predict.event_log import CatalogFrame, EventLog
from uxlift.predict.event_source import catalog_from_records, log_from_records

SMALL = {"seed": 11, "n_items": 300, "n_users": 200, "days": 21}


@pytest.fixture(scope="session")
def demo_store() -> DemoStore:
    return generate_store(**SMALL)


@pytest.fixture(scope="session")
def demo_catalog(demo_store: DemoStore) -> CatalogFrame:
    vectors = np.random.default_rng(0).normal(size=(len(demo_store.items), 24))
    return catalog_from_records(demo_store.items, vectors, encoder_id="random-24")


@pytest.fixture(scope="session")
def demo_log(demo_store: DemoStore, demo_catalog: CatalogFrame) -> EventLog:
    return log_from_records(demo_store.events, demo_catalog)
