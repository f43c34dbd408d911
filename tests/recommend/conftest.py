"""A copy of the trained small demo store, opened with one recommender serving."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from uxlift.config import Settings
from uxlift.services import Services, open_services


@pytest.fixture
def serving(recommenders_dir: Path, tmp_path: Path) -> Iterator[Callable[[str], Services]]:
    """``serving(version)``: services over a fresh copy, ``version`` promoted, no
    background list ranking (tests drive it)."""
    opened: list[Services] = []

    def open_copy(version: str) -> Services:
        data_dir = tmp_path / f"data-{len(opened)}"
        shutil.copytree(recommenders_dir, data_dir)
        services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET,
                                          warm_lists=0), embed_in_background=False)  # fmt: skip
        services.recommendations.registry.promote(version)
        opened.append(services)
        return services

    yield open_copy
    for services in opened:
        services.close()
