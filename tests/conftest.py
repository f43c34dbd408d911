"""Shared fixtures: a fresh installation per test, and a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from uxlift.config import Settings
from uxlift.demo import DemoStore, generate_store
from uxlift.demo.runner import load_directly
from uxlift.recommend.trainer import RecommenderTrainOptions, train_recommender
from uxlift.server import serving_in_thread
from uxlift.services import Services, open_services

TEST_SECRET = "test-secret-" + "k" * 40


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key=TEST_SECRET)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    opened = open_services(settings)
    yield opened
    opened.close()


@pytest.fixture
def server_url(services: Services) -> Iterator[str]:
    """Base URL of a real uvicorn server (loopback, free port) over ``services``."""
    with serving_in_thread(services) as url:
        yield url


@pytest.fixture
def keys(services: Services) -> dict[str, str]:
    """One API key per scope."""
    return {
        scope: services.keys.create(name=f"test-{scope}", scopes=[scope]).secret
        for scope in ("ingest", "read", "assist", "agent", "admin")
    }


@pytest.fixture
def http(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


RECOMMENDER_DEMO = {"seed": 11, "n_items": 300, "n_users": 200, "days": 21}


@pytest.fixture(scope="session")
def recommender_demo() -> DemoStore:
    return generate_store(**RECOMMENDER_DEMO)


@pytest.fixture(scope="session")
def recommenders_dir(tmp_path_factory: pytest.TempPathFactory, recommender_demo: DemoStore) -> Path:
    """A small demo store with two registered recommenders, neither serving yet (copy it
    before opening: tests must not change it)."""
    data_dir = tmp_path_factory.mktemp("recommenders") / "data"
    services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET),
                             embed_in_background=False)  # fmt: skip
    try:
        load_directly(services, recommender_demo)
        for evaluate in (True, False):
            train_recommender(services, RecommenderTrainOptions(promote="none", evaluate=evaluate))
    finally:
        services.close()
    return data_dir


@pytest.fixture(scope="session")
def assistant_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An intent model trained once on the test knowledge base (copy it, never change it)."""
    from tests.assist.kb_data import FAQ
    from uxlift.assist.kb_service import KnowledgeBaseService
    from uxlift.assist.trainer import train_assistant
    from uxlift.store import Store

    root = tmp_path_factory.mktemp("assistant")
    with Store(root / "kb.duckdb") as store:
        kb = KnowledgeBaseService(store)
        kb.upsert(FAQ)
        train_assistant(kb, root / "assistant")
    return root / "assistant"


@pytest.fixture
def assistant_services(services: Services, assistant_models: Path) -> Services:
    """Services whose knowledge base holds the test FAQ and shipping guide, with the
    trained intent model loaded."""
    import shutil

    from tests.assist.kb_data import FAQ, GUIDE
    from uxlift.services import assistant_dir

    services.kb.upsert(FAQ)
    guide = services.settings.data_dir / "shipping.md"
    guide.write_text(GUIDE, encoding="utf-8")
    services.kb.import_file(guide)
    shutil.copytree(assistant_models, assistant_dir(services.settings))
    services.assistant.reload()
    return services


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
