"""The Python client: batching, idempotent retries, typed errors."""

from __future__ import annotations

import httpx
import pytest

from uxlift.client import UxliftClient
from uxlift.errors import Forbidden, InvalidInput, StorageError
from uxlift.services import Services
from uxlift.store.events import count_events

T0 = 1_780_000_000


def _events(n: int) -> list[dict]:
    return [
        {"user_id": f"u{i % 5}", "item_id": f"sku-{i}", "type": "click", "timestamp": T0 + i}
        for i in range(n)
    ]


def test_send_events_batches_and_reports_errors_with_global_indices(
    server_url: str, keys: dict[str, str], services: Services
) -> None:
    events = _events(25)
    events[13]["type"] = "nope"
    with UxliftClient(server_url, keys["ingest"]) as client:
        report = client.send_events(events, batch_size=10)
    assert (report.sent, report.stored, report.rejected) == (25, 24, 1)
    assert report.errors[0].index == 13 and report.errors[0].field == "type"
    assert count_events(services.store.cursor()) == 24


def test_retry_after_a_lost_answer_stores_nothing_twice(
    server_url: str, keys: dict[str, str], services: Services
) -> None:
    """The first attempt reaches the server but its answer is lost; the retry is a no-op."""
    real = httpx.HTTPTransport()
    calls = {"n": 0}

    class LosingFirstAnswer(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = real.handle_request(request)
            calls["n"] += 1
            if calls["n"] == 1:
                response.read()
                raise httpx.ReadTimeout("answer lost", request=request)
            return response

    with UxliftClient(
        server_url, keys["ingest"], transport=LosingFirstAnswer(), backoff_s=0.01
    ) as client:
        report = client.send_events(_events(30), batch_size=30)
    assert calls["n"] == 2
    assert (report.stored, report.duplicates) == (0, 30)
    assert count_events(services.store.cursor()) == 30


def test_client_errors_are_typed(server_url: str, keys: dict[str, str]) -> None:
    with UxliftClient(server_url, keys["read"]) as client, pytest.raises(Forbidden):
        client.send_events(_events(1))
    with UxliftClient(server_url, keys["ingest"]) as client, pytest.raises(InvalidInput):
        client.upsert_items([{"item_id": "x"}])


def test_unreachable_server_raises_after_retries() -> None:
    client = UxliftClient("http://127.0.0.1:9", "k", retries=1, backoff_s=0.01)
    with client, pytest.raises(StorageError, match="unreachable"):
        client.health()
