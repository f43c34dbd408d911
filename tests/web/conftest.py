"""Fixtures for the dashboard tests: the full app served over real HTTP.

``services`` (a fresh installation on a temp data dir) comes from tests/conftest.py;
the server runs through ``uxlift.server.serving_in_thread``, as the CLI's does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from uxlift.server import serving_in_thread
from uxlift.services import Services


@dataclass(frozen=True)
class LiveServer:
    """A uvicorn server on 127.0.0.1 (free port) in a background thread, and its services."""

    base_url: str
    services: Services

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def live_server(services: Services) -> Iterator[LiveServer]:
    with serving_in_thread(services) as base_url:
        yield LiveServer(base_url, services)
