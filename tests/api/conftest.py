"""Fixtures of the HTTP tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from uxlift.config import Settings
from uxlift.server import serving_in_thread
from uxlift.services import Services, open_services


@pytest.fixture
def live(recommenders_dir: Path, tmp_path: Path) -> Iterator[tuple[Services, str, dict[str, str]]]:
    """A server over a copy of the small demo store, recommendations-0001 serving, and a
    key per scope (read, admin, ingest)."""
    data_dir = tmp_path / "data"
    shutil.copytree(recommenders_dir, data_dir)
    services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET))
    keys = {s: services.keys.create(name=s, scopes=[s]).secret for s in ("read", "admin", "ingest")}
    services.recommendations.registry.promote("recommendations-0001")
    try:
        with serving_in_thread(services) as url:
            yield services, url, keys
    finally:
        services.close()
