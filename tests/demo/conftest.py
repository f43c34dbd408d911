"""Shared demo stores: one small store for most checks, one default-size run."""

from __future__ import annotations

import time

import pytest

from uxlift.demo import DemoStore, generate_store

SMALL = {"seed": 7, "n_items": 400, "n_users": 250, "days": 21}


@pytest.fixture(scope="session")
def small_store() -> DemoStore:
    return generate_store(**SMALL)


@pytest.fixture(scope="session")
def default_run() -> tuple[DemoStore, float]:
    """The default-size store and the seconds it took to generate."""
    started = time.perf_counter()
    store = generate_store(seed=0)
    return store, time.perf_counter() - started
