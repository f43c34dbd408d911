"""Shared fixtures: a fresh installation per test, and a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from uxlift.config import Settings
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
        for scope in ("ingest", "read", "admin")
    }


@pytest.fixture
def http(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
