"""A Python client for applications that send events to uxlift and read results.

Events are sent in batches; every event gets an ``event_id`` before its first
attempt, so a retry after a timeout or a lost answer stores nothing twice.
Transient failures (connection errors, 429, 5xx) are retried with backoff;
client errors (4xx) raise at once with the server's message.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from uxlift.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    StorageError,
    Unauthorized,
    UxliftError,
)

_STATUS_ERRORS: dict[int, type[UxliftError]] = {
    400: InvalidInput,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    422: InvalidInput,
}
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RowErrorInfo:
    index: int
    field: str
    reason: str


@dataclass
class SendReport:
    """What happened to the events of one ``send_events`` call."""

    sent: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowErrorInfo] = field(default_factory=list)


@dataclass(frozen=True)
class ErasureResult:
    user_key: str
    deleted: dict[str, int]
    total: int


class UxliftClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout_s: float = 30.0,
        retries: int = 5,
        backoff_s: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retries = retries
        self.backoff_s = backoff_s
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> UxliftClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- events and items ---------------------------------------------------
    def send_events(
        self,
        events: Iterable[dict[str, Any]],
        *,
        batch_size: int = 1000,
        progress: Callable[[int], None] | None = None,
    ) -> SendReport:
        """Send events in batches; returns counts and the rejected rows' errors.

        Error indices refer to positions in ``events`` as given.
        """
        report = SendReport()
        for offset, batch in _batches(events, batch_size):
            stamped = [
                e if e.get("event_id") else {**e, "event_id": uuid.uuid4().hex} for e in batch
            ]
            body = self._request("POST", "/v1/events", json_body=stamped, accept_422=True)
            report.sent += len(batch)
            report.stored += int(body.get("stored", 0))
            report.duplicates += int(body.get("duplicates", 0))
            errors = body.get("errors") or body.get("error", {}).get("details", [])
            report.rejected += len({e["index"] for e in errors})
            report.errors.extend(
                RowErrorInfo(offset + e["index"], e["field"], e["reason"]) for e in errors
            )
            if progress:
                progress(len(batch))
        return report

    def upsert_items(
        self, items: Iterable[dict[str, Any]], *, batch_size: int = 1000
    ) -> dict[str, int]:
        totals = {"created": 0, "updated": 0, "rejected": 0}
        for _, batch in _batches(items, batch_size):
            body = self._request("POST", "/v1/items", json_body=batch)
            for key in totals:
                totals[key] += int(body.get(key, 0))
        return totals

    # -- privacy --------------------------------------------------------------
    def erase_user(self, user_id: str) -> ErasureResult:
        body = self._request("DELETE", f"/v1/users/{quote(user_id, safe='')}")
        return ErasureResult(body["user_key"], body["deleted"], body["total"])

    def export_user(self, user_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/users/{quote(user_id, safe='')}/export")

    # -- reads ------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self._request("GET", "/healthz")

    def overview(self, *, days: int = 60) -> dict[str, Any]:
        return self._request("GET", f"/v1/stats/overview?days={days}")

    # -- transport ----------------------------------------------------------------
    def _request(
        self, method: str, path: str, *, json_body: Any = None, accept_422: bool = False
    ) -> dict[str, Any]:
        content = None if json_body is None else orjson.dumps(json_body)
        headers = {"Content-Type": "application/json"} if content is not None else None
        for attempt in range(self.retries + 1):
            try:
                response = self._http.request(method, path, content=content, headers=headers)
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise StorageError(f"uxlift server unreachable: {exc}") from exc
                time.sleep(self.backoff_s * 2**attempt)
                continue
            if response.status_code in _RETRY_STATUSES and attempt < self.retries:
                time.sleep(_retry_delay(response, self.backoff_s * 2**attempt))
                continue
            return _decode(response, accept_422=accept_422)
        raise StorageError("retries exhausted")  # pragma: no cover - loop always returns


def _retry_delay(response: httpx.Response, default: float) -> float:
    header = response.headers.get("Retry-After")
    return float(header) if header and header.replace(".", "", 1).isdigit() else default


def _decode(response: httpx.Response, *, accept_422: bool) -> dict[str, Any]:
    body = orjson.loads(response.content) if response.content else {}
    if response.is_success or (accept_422 and response.status_code == 422):
        return body
    err = body.get("error", {}) if isinstance(body, dict) else {}
    message = err.get("message") or f"HTTP {response.status_code}"
    if response.status_code == 429:
        raise RateLimited(message)
    error_type = _STATUS_ERRORS.get(response.status_code, StorageError)
    raise error_type(message, details=err.get("details"))


def _batches(
    rows: Iterable[dict[str, Any]], size: int
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    batch: list[dict[str, Any]] = []
    offset = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield offset, batch
            offset += len(batch)
            batch = []
    if batch:
        yield offset, batch
