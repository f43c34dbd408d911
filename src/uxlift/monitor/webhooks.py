"""Alert delivery to webhooks: signed, retried with backoff, dead-lettered, never lost.

Every alert becomes one delivery row per active webhook, written in the same
transaction as the alert, so an alert is never stored without its deliveries
(the outbox pattern). A background thread sends due deliveries:

* the body is the alert as JSON; headers carry the delivery id (the receiver's
  idempotency key), a Unix timestamp and ``X-Uxlift-Signature: sha256=<hex>``,
  the HMAC-SHA256 of ``"<timestamp>.<body>"`` under the webhook's secret;
* a 2xx answer marks it delivered; anything else (an error status, a timeout, a
  refused connection) schedules the next attempt after an exponential backoff
  (``base * 2^(attempt-1)``, capped, with up to 10 % deterministic jitter);
* after ``max_attempts`` failures the delivery is dead: kept, listed, and
  re-queued on request. Nothing is dropped silently.

A webhook's secret is derived from the installation's secret key and the
webhook id, so no secret is stored; it is shown once when the webhook is made
(and ``uxlift webhooks secret ID`` shows it again to an administrator).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlparse

import duckdb
import httpx

from uxlift.errors import InvalidInput, NotFound
from uxlift.monitor.records import Alert, Delivery, Webhook
from uxlift.store import Store
from uxlift.store import opinions as rows
from uxlift.store.database import utcnow

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Uxlift-Signature"
TIMESTAMP_HEADER = "X-Uxlift-Timestamp"
DELIVERY_HEADER = "X-Uxlift-Delivery"
EVENT_HEADER = "X-Uxlift-Event"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance_s: float = 300.0,
    now: float | None = None,
) -> bool:
    """Whether a received webhook is authentic and fresh (for receivers' code)."""
    try:
        sent = float(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float = 2.0
    max_s: float = 600.0
    timeout_s: float = 10.0

    def delay(self, attempt: int, delivery_id: str) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.max_s, self.base_s * 2 ** max(attempt - 1, 0))
        jitter = int(hashlib.sha256(f"{delivery_id}:{attempt}".encode()).hexdigest()[:4], 16)
        return raw * (1 + 0.1 * jitter / 0xFFFF)


def check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput(
            "webhook url must be an absolute http(s) URL",
            details=[{"field": "url", "reason": "not an absolute http(s) URL"}],
        )
    return url


class WebhookDispatcher:
    """Creates webhooks, queues alert deliveries and sends them (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        derive_secret: Callable[[str], str],
        *,
        policy: RetryPolicy | None = None,
        default_max_attempts: int = 8,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.store = store
        self.derive_secret = derive_secret
        self.policy = policy or RetryPolicy()
        self.default_max_attempts = default_max_attempts
        self._client = httpx.Client(timeout=self.policy.timeout_s, transport=transport)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._send_lock = threading.Lock()

    # -- webhooks ----------------------------------------------------------
    def create(
        self, url: str, *, description: str | None = None, max_attempts: int | None = None
    ) -> tuple[Webhook, str]:
        """A new webhook and its signing secret."""
        attempts = self.default_max_attempts if max_attempts is None else max_attempts
        if not 1 <= attempts <= 50:
            raise InvalidInput(
                "max_attempts must be between 1 and 50",
                details=[{"field": "max_attempts", "reason": "out of range"}],
            )
        hook = Webhook(
            webhook_id="wh_" + uuid.uuid4().hex[:16],
            url=check_url(url),
            description=description,
            active=True,
            max_attempts=attempts,
            created_at=utcnow(),
        )
        with self.store.transaction() as cur:
            rows.insert_webhook(cur, hook)
        return hook, self.secret(hook.webhook_id)

    def secret(self, webhook_id: str) -> str:
        return self.derive_secret(webhook_id)

    def list(self) -> list[Webhook]:
        return rows.list_webhooks(self.store.cursor())

    def delete(self, webhook_id: str) -> None:
        """Deactivate a webhook (its delivery history stays)."""
        with self.store.transaction() as cur:
            if not rows.delete_webhook(cur, webhook_id):
                raise NotFound(f"no active webhook {webhook_id!r}")

    # -- deliveries --------------------------------------------------------
    def enqueue(self, cur: duckdb.DuckDBPyConnection, alert: Alert, payload: str) -> int:
        """Queue ``alert`` for every active webhook, inside the caller's transaction."""
        at = utcnow()
        queued = 0
        for hook in rows.list_webhooks(cur, active_only=True):
            delivery_id = (
                "dl_"
                + hashlib.sha256(f"{hook.webhook_id}:{alert.alert_id}".encode()).hexdigest()[:24]
            )
            queued += rows.enqueue_delivery(
                cur, delivery_id, hook.webhook_id, alert.alert_id, payload, at
            )
        return queued

    def notify(self) -> None:
        """New deliveries are queued: wake the sender."""
        self._wake.set()

    def deliveries(
        self, *, status: str | None = None, alert_id: str | None = None, limit: int = 100
    ) -> list[Delivery]:
        return rows.list_deliveries(
            self.store.cursor(), status=status, alert_id=alert_id, limit=limit
        )

    def requeue(self, delivery_id: str) -> None:
        with self.store.transaction() as cur:
            if not rows.requeue_delivery(cur, delivery_id, utcnow()):
                raise NotFound(f"no dead delivery {delivery_id!r}")
        self.notify()

    def deliver_due(self, now: datetime | None = None, *, limit: int = 100) -> int:
        """Attempt every delivery that is due; returns how many were attempted."""
        with self._send_lock:
            due = rows.due_deliveries(self.store.cursor(), now or utcnow(), limit)
            for delivery in due:
                self._attempt(delivery)
            return len(due)

    def _attempt(self, delivery: Delivery) -> None:
        timestamp = str(int(time.time()))
        body = delivery.payload.encode()
        headers = {
            "Content-Type": "application/json",
            EVENT_HEADER: "alert",
            DELIVERY_HEADER: delivery.delivery_id,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self.secret(delivery.webhook_id), timestamp, body),
        }
        error: str | None = None
        status_code: int | None = None
        try:
            response = self._client.post(str(delivery.url), content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        attempts = delivery.attempts + 1
        now = utcnow()
        if error is None:
            status, next_at = "delivered", now
        elif attempts >= delivery.max_attempts:
            status, next_at = "dead", now
            log.warning(
                "webhook delivery %s dead after %d attempts: %s",
                delivery.delivery_id, attempts, error,
            )  # fmt: skip
        else:
            status = "pending"
            next_at = now + timedelta(seconds=self.policy.delay(attempts, delivery.delivery_id))
        with self.store.transaction() as cur:
            rows.record_attempt(
                cur, delivery.delivery_id, status=status, attempts=attempts,
                next_attempt_at=next_at, error=error, response_status=status_code, at=now,
            )  # fmt: skip

    # -- background sender ---------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="uxlift-webhooks", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due()
                upcoming = rows.next_due(self.store.cursor())
            except Exception:  # keep the sender alive; the rows stay pending
                log.exception("webhook sender failed; retrying shortly")
                upcoming = None
                self._stop.wait(1.0)
            wait = 30.0
            if upcoming is not None:
                wait = max(0.05, min(wait, (upcoming - utcnow()).total_seconds()))
            self._wake.wait(wait)
            self._wake.clear()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._client.close()
