"""Request metrics and access logs name route templates, never raw paths."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.conftest import auth
from uxlift.api.metrics import readable_template


def test_path_convertors_are_dropped_from_templates() -> None:
    assert readable_template("/v1/users/{user_id:path}/export") == "/v1/users/{user_id}/export"
    assert readable_template("/v1/items/{item_id}") == "/v1/items/{item_id}"


def test_a_user_route_is_counted_and_logged_without_the_user(
    http: httpx.Client, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="uxlift.access"):
        missing = http.get("/v1/users/mia@example.com/export", headers=auth(keys["read"]))
    assert missing.status_code in (403, 404)
    text = http.get("/metrics", headers=auth(keys["read"])).text
    assert 'route="/v1/users/{user_id}/export"' in text
    assert "mia@example.com" not in text
    logged = [r.getMessage() for r in caplog.records if r.name == "uxlift.access"]
    assert any("/v1/users/{user_id}/export" in line for line in logged)
    assert not any("mia" in line for line in logged)
