"""What opinion monitoring stores: classified texts, alerts, webhooks, deliveries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

ALERT_STATUSES = ("open", "acknowledged", "resolved")


def iso(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time as RFC 3339."""
    return None if moment is None else moment.isoformat(timespec="seconds") + "Z"


@dataclass(frozen=True)
class StoredText:
    text_id: str
    user_key: str | None
    source: str
    channel: str | None
    language: str
    text: str
    metadata: dict[str, Any] | None
    sentiment: str
    score: float
    confidence: float
    topics: tuple[str, ...]
    ts: datetime

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("user_key")
        out["topics"] = list(self.topics)
        out["timestamp"] = iso(out.pop("ts"))
        return out


@dataclass(frozen=True)
class Alert:
    alert_id: str
    topic: str
    source: str
    statistic: str
    granularity: str
    window_start: datetime
    window_end: datetime
    detector: str
    observed: float
    expected: float
    z: float
    level: float
    threshold: float
    volume: int
    negative: int
    severity: str
    status: str
    keywords: tuple[str, ...]
    text_ids: tuple[str, ...]
    note: str | None = None
    actor: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def summary(self) -> str:
        """One sentence a person reads first."""
        where = "all topics" if self.topic == "*" else f"topic {self.topic!r}"
        source = "" if self.source == "*" else f" from {self.source}"
        if self.statistic == "negative_share":
            what = (
                f"negative share {self.observed:.0%} against {self.expected:.0%} expected "
                f"({self.negative} of {self.volume} texts)"
            )
        else:
            what = f"volume {self.volume} against {self.expected:.1f} expected"
        return f"{self.severity} surge on {where}{source}: {what}, z = {self.z:.1f}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("window_start", "window_end", "created_at", "updated_at"):
            out[key] = iso(out[key])
        out["keywords"] = list(self.keywords)
        out["text_ids"] = list(self.text_ids)
        out["summary"] = self.summary()
        return out


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    url: str
    description: str | None
    active: bool
    max_attempts: int
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["created_at"] = iso(self.created_at)
        return out


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    webhook_id: str
    alert_id: str
    payload: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    response_status: int | None = None
    delivered_at: datetime | None = None
    url: str | None = field(default=None, compare=False)
    max_attempts: int = field(default=8, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("payload")
        for key in ("next_attempt_at", "delivered_at"):
            out[key] = iso(out[key])
        return out
