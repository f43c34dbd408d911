"""``uxlift train recommender``, ``uxlift recommend`` and the shared model list, as run."""

from __future__ import annotations

import json

from tests.conftest import TEST_SECRET
from tests.test_cli import run
from uxlift.config import Settings
from uxlift.demo import generate_store
from uxlift.demo.runner import load_directly
from uxlift.services import open_services


def test_train_then_recommend_from_the_command_line(tmp_path) -> None:
    data_dir = tmp_path / "data"
    store = generate_store(seed=11, n_items=300, n_users=200, days=21)
    services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET),
                             embed_in_background=False)  # fmt: skip
    try:
        load_directly(services, store)
    finally:
        services.close()
    trained = run(data_dir, "train", "recommender", "--json", secret=TEST_SECRET)
    assert trained.returncode == 0, trained.stderr[-2000:]
    report = json.loads(trained.stdout)
    assert report["promoted"] and report["model"]["version"] == "recommendations-0001"
    offline = report["model"]["metrics"]["offline"]
    assert offline["uxlift"]["ndcg@10"] > offline["popularity"]["ndcg@10"]

    listed = run(data_dir, "recommend", store.users[2], "--n", "5", "--json", secret=TEST_SECRET)
    assert listed.returncode == 0, listed.stderr[-2000:]
    items = json.loads(listed.stdout)["items"]
    assert len(items) == 5 and all(entry["reasons"] for entry in items)
    table = run(data_dir, "recommend", store.users[2], "--n", "3", secret=TEST_SECRET)
    assert table.returncode == 0 and items[0]["item_id"] in table.stdout + table.stderr

    models = json.loads(run(data_dir, "models", "list", "--json", secret=TEST_SECRET).stdout)
    row = next(m for m in models if m["target"] == "recommendations")
    assert row["serving"] and row["ndcg@10"] == offline["uxlift"]["ndcg@10"]
    unknown = run(data_dir, "recommend", store.users[2], "--item", "no-such", secret=TEST_SECRET)
    assert unknown.returncode != 0 and "no-such" in unknown.stderr
