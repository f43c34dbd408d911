"""POST /v1/predict and the model endpoints over real HTTP, including swaps under load."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET, auth
from uxlift.config import Settings
from uxlift.demo import DemoStore, generate_store
from uxlift.demo.runner import load_directly
from uxlift.predict.trainer import TrainOptions, train_predictors
from uxlift.server import serving_in_thread
from uxlift.services import Services, open_services

SMALL = {"seed": 11, "n_items": 300, "n_users": 200, "days": 21}


@pytest.fixture(scope="module")
def demo() -> DemoStore:
    return generate_store(**SMALL)


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory: pytest.TempPathFactory, demo: DemoStore) -> Path:
    """A data dir holding the small demo store and two registered purchase models."""
    data_dir = tmp_path_factory.mktemp("trained") / "data"
    services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET),
                             embed_in_background=False)  # fmt: skip
    try:
        load_directly(services, demo)
        train_predictors(
            services,
            TrainOptions(estimators=("logreg", "lightgbm"), promote="none", track=False,
                         progress=False),
        )  # fmt: skip
    finally:
        services.close()
    return data_dir


@pytest.fixture
def live(trained_dir: Path, tmp_path: Path) -> Iterator[tuple[Services, str, dict[str, str]]]:
    data_dir = tmp_path / "data"
    shutil.copytree(trained_dir, data_dir)
    services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET))
    keys = {s: services.keys.create(name=s, scopes=[s]).secret for s in ("read", "admin", "ingest")}
    try:
        with serving_in_thread(services) as url:
            yield services, url, keys
    finally:
        services.close()


def _user_and_items(demo: DemoStore) -> tuple[str, list[str]]:
    return demo.users[3], [item["item_id"] for item in demo.items[:100]]


def test_predict_needs_a_serving_model_then_answers_with_reasons(live, demo) -> None:
    services, url, keys = live
    user, items = _user_and_items(demo)
    body = {"user_id": user, "item_ids": [*items[:20], "no-such-item"], "target": "purchase"}
    with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
        missing = http.post("/v1/predict", json=body)
        assert missing.status_code == 404 and "train" in missing.json()["error"]["message"]
        services.predictions.registry.promote("purchase-0002")
        answer = http.post("/v1/predict", json=body)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["model"] == {"version": "purchase-0002", "estimator": "lightgbm"}
        assert data["unknown_items"] == ["no-such-item"]
        assert len(data["predictions"]) == 20
        assert all(0 < p["probability"] < 1 for p in data["predictions"])
        assert any(p["reasons"] and p["reasons"][0]["text"] for p in data["predictions"])
        newcomer = http.post("/v1/predict", json={**body, "user_id": "never-seen-before"})
        assert newcomer.status_code == 200 and newcomer.json()["user_history_events"] == 0
        assert all(0 < p["probability"] < 1 for p in newcomer.json()["predictions"])
        bad = http.post("/v1/predict", json={**body, "target": "teleport"})
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "target"
        assert httpx.post(f"{url}/v1/predict", json=body).status_code == 401


def test_the_next_prediction_reflects_the_event_just_sent(live, demo) -> None:
    services, url, keys = live
    services.predictions.registry.promote("purchase-0002")
    user, items = _user_and_items(demo)
    item = items[0]
    now = time.time()
    body = {"user_id": user, "item_ids": [item], "reasons": 10}
    with httpx.Client(base_url=url, timeout=60) as http:
        before = http.post("/v1/predict", json=body, headers=auth(keys["read"])).json()
        events = [
            {"user_id": user, "item_id": item, "type": kind, "session_id": "live-1",
             "timestamp": now - 30 + k}
            for k, kind in enumerate(("view", "click", "add_to_cart"))
        ]  # fmt: skip
        sent = http.post("/v1/events", json=events, headers=auth(keys["ingest"]))
        assert sent.status_code == 200, sent.text
        after = http.post("/v1/predict", json=body, headers=auth(keys["read"])).json()
    p_before = before["predictions"][0]["probability"]
    p_after = after["predictions"][0]["probability"]
    assert after["user_history_events"] == before["user_history_events"] + 3
    assert p_after > 2 * p_before


def test_promote_and_rollback_under_load_lose_no_request(live, demo) -> None:
    services, url, keys = live
    registry = services.predictions.registry
    registry.promote("purchase-0001")
    user, items = _user_and_items(demo)
    body = {"user_id": user, "item_ids": items}
    failures: list[str] = []
    versions: set[str] = set()
    answered = 0
    stop = threading.Event()

    def hammer() -> None:
        nonlocal answered
        with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
            while not stop.is_set():
                response = http.post("/v1/predict", json=body)
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:200]}")
                    continue
                versions.add(response.json()["model"]["version"])
                answered += 1

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    with httpx.Client(base_url=url, headers=auth(keys["admin"]), timeout=60) as admin:
        for round_ in range(4):
            time.sleep(0.3)
            if round_ % 2 == 0:
                assert admin.post("/v1/models/purchase-0002/promote").status_code == 200
            else:  # the CLI's path: the registry files, not the server
                registry.rollback("purchase")
        time.sleep(0.3)
        listed = admin.get("/v1/models").json()
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == []
    assert answered > 8
    assert versions == {"purchase-0001", "purchase-0002"}
    assert listed["serving"] == {"purchase": "purchase-0001"}
    actions = [entry["action"] for entry in listed["history"]]
    assert actions.count("promote") == 3 and actions.count("rollback") == 2


def test_an_erased_user_leaves_the_prediction_memory_at_once(live, demo) -> None:
    services, url, keys = live
    services.predictions.registry.promote("purchase-0002")
    user, items = _user_and_items(demo)
    body = {"user_id": user, "item_ids": items[:5]}
    with httpx.Client(base_url=url, timeout=60) as http:
        before = http.post("/v1/predict", json=body, headers=auth(keys["read"])).json()
        assert before["user_history_events"] > 0
        services.users.erase(user, actor="test")
        after = http.post("/v1/predict", json=body, headers=auth(keys["read"])).json()
    assert after["user_history_events"] == 0
