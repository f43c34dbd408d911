"""Scheduled retraining: a separate process fits on the server's memory of the log,
registers a new version and promotes it when it passes the check; nothing new, no job."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from uxlift.demo import DemoStore
from uxlift.recommend.interactions import Interactions
from uxlift.recommend.request import Request
from uxlift.recommend.retraining import RetrainScheduler, load_interactions, save_interactions
from uxlift.services import Services


@pytest.fixture
def services(serving) -> Services:
    return serving("recommendations-0002")


def test_interactions_survive_the_file_without_pickles(tmp_path: Path) -> None:
    data = Interactions(np.array([0, 0, 1]), np.array([2, 0, 1]), np.array([1.0, 2.0, 3.0]),
                        np.array(["u1", "u2"], dtype=object),
                        np.array(["a", "b", "c"], dtype=object))  # fmt: skip
    vectors = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    save_interactions(tmp_path / "x.npz", data, "minilm-384", vectors)
    loaded, encoder, loaded_vectors = load_interactions(tmp_path / "x.npz")
    assert encoder == "minilm-384"
    np.testing.assert_array_equal(loaded_vectors, vectors)
    for name in ("user", "item", "time"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(data, name))
    assert loaded.user_ids.tolist() == ["u1", "u2"] and loaded.item_ids.tolist() == ["a", "b", "c"]


def test_new_events_lead_to_a_new_promoted_version_that_the_service_serves(
    services: Services, recommender_demo: DemoStore
) -> None:
    scheduler = RetrainScheduler(services.recommendations, services.settings.data_dir,
                                 every_s=3600)  # fmt: skip
    user = recommender_demo.users[0]
    services.events.ingest([{"user_id": user, "item_id": recommender_demo.items[7]["item_id"],
                             "type": "purchase", "timestamp": time.time()}])  # fmt: skip
    services.live._install(services.live._take_snapshot(services.live.catalog()))
    report = scheduler.run_once()
    assert report is not None and report["promoted"] is True
    version = report["model"]["version"]
    assert version == "recommendations-0003"
    offline = report["model"]["metrics"]["offline"]
    assert offline["uxlift"]["ndcg@10"] >= offline["popularity"]["ndcg@10"]
    page = services.recommendations.recommend(user, Request(log_exposure=False))
    assert page["model"] == version
    assert scheduler.run_once() is None  # nothing new since
