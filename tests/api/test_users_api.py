"""Erasure and export of one user, over HTTP and through the client."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import auth
from uxlift.client import UxliftClient
from uxlift.services import Services
from uxlift.store import audit

T0 = 1_780_000_000


def _seed(client: UxliftClient) -> None:
    events = []
    for user in ("erin@example.com", "frank"):
        for i in range(5):
            events.append(
                {"user_id": user, "item_id": f"sku-{i}", "type": "view", "timestamp": T0 + i}
            )
        events.append(
            {"user_id": user, "type": "chat", "text": "where is my order?", "timestamp": T0}
        )
    report = client.send_events(events)
    assert report.stored == 12


def test_erasure_removes_every_row_of_the_user_and_is_audited(
    server_url: str, keys: dict[str, str], services: Services
) -> None:
    with UxliftClient(server_url, keys["admin"]) as client:
        _seed(client)
        result = client.erase_user("erin@example.com")
    assert result.deleted["events"] == 6
    assert result.deleted["users"] == 1
    user_key = services.pseudonymizer.user_key("erin@example.com")
    cur = services.store.cursor()
    for table, column in services.store.user_tables():
        left = cur.execute(
            f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?', [user_key]
        ).fetchone()
        assert left == (0,), table
    other = services.pseudonymizer.user_key("frank")
    assert cur.execute("SELECT count(*) FROM events WHERE user_key = ?", [other]).fetchone() == (6,)
    entries = audit.entries(cur, action="user.erase")
    assert len(entries) == 1
    assert entries[0]["target"] == user_key
    assert "erin" not in str(entries[0])


def test_export_returns_the_users_rows_only(server_url: str, keys: dict[str, str]) -> None:
    with UxliftClient(server_url, keys["admin"]) as client:
        _seed(client)
        data = client.export_user("frank")
    assert len(data["tables"]["events"]) == 6
    assert {row["user_key"] for row in data["tables"]["events"]} == {data["user_key"]}


def test_export_of_unknown_user_is_404(http: httpx.Client, keys: dict[str, str]) -> None:
    response = http.get("/v1/users/nobody/export", headers=auth(keys["admin"]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_erasing_needs_admin(http: httpx.Client, keys: dict[str, str]) -> None:
    assert http.delete("/v1/users/frank", headers=auth(keys["ingest"])).status_code == 403


def test_replaying_an_erased_users_batch_does_not_bring_it_back(
    server_url: str, keys: dict[str, str], services: Services
) -> None:
    batch = [
        {
            "event_id": f"r-{i}",
            "user_id": "gina",
            "item_id": "sku-1",
            "type": "view",
            "timestamp": T0,
        }
        for i in range(3)
    ]
    with UxliftClient(server_url, keys["admin"]) as client:
        assert client.send_events(batch).stored == 3
        client.erase_user("gina")
        replay = client.send_events(batch)
    assert replay.stored == 0
    user_key = services.pseudonymizer.user_key("gina")
    left = (
        services.store.cursor()
        .execute("SELECT count(*) FROM events WHERE user_key = ?", [user_key])
        .fetchone()
    )
    assert left == (0,)


@pytest.mark.parametrize("user_id", ["tenant/42", "tenant/export"])  # the client sends %2F
def test_user_ids_with_slashes_can_be_exported_and_erased(
    server_url: str, keys: dict[str, str], user_id: str
) -> None:
    with UxliftClient(server_url, keys["admin"]) as client:
        client.send_events(
            [{"user_id": user_id, "item_id": "sku-1", "type": "view", "timestamp": T0}]
        )
        assert len(client.export_user(user_id)["tables"]["events"]) == 1
        assert client.erase_user(user_id).deleted["events"] == 1


def test_a_delete_on_a_route_below_a_user_is_a_wrong_method_not_an_erasure(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    for route in ("export", "recommendations"):
        answer = http.delete(f"/v1/users/frank/{route}", headers=auth(keys["admin"]))
        assert answer.status_code == 405 and answer.headers["allow"] == "GET"
        assert answer.json()["error"]["code"] == "method_not_allowed"
