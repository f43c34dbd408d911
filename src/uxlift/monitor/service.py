"""Opinion monitoring as a service: texts in, trends and alerts out.

Texts come in through :class:`uxlift.monitor.intake.TextIntake` (the API, file
imports, the event log's reviews and chats). A scan first labels any event
text still waiting, then runs the surge detectors over every topic x source
series; a new alert is stored with its webhook deliveries (one transaction),
pushed to the dashboard's live stream and sent by the webhook dispatcher.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
from pydantic import ValidationError

from uxlift.errors import InvalidInput, NotFound
from uxlift.events.validation import Limits, errors_from_exception
from uxlift.monitor import keywords as kw
from uxlift.monitor import windows as win
from uxlift.monitor.analyzer import TextAnalyzer
from uxlift.monitor.detection import PERIODS, Alarm, scan_series
from uxlift.monitor.intake import TextIntake, TextsResult
from uxlift.monitor.records import ALERT_STATUSES, Alert, StoredText
from uxlift.monitor.surge import DetectorSettings
from uxlift.monitor.texts import TopicIn
from uxlift.monitor.topics import Topic
from uxlift.monitor.webhooks import WebhookDispatcher
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.privacy.redact import Redactor
from uxlift.store import Store
from uxlift.store import opinions as rows
from uxlift.store.database import utcnow

log = logging.getLogger(__name__)
TOP_TEXTS = 5
BASELINE_SEASONS = 28  # history for a baseline: four weeks of hours, 28 weeks of days


@dataclass(frozen=True)
class MonitorSettings:
    detector: DetectorSettings = field(default_factory=DetectorSettings)
    scan_windows: int = 72
    min_history: int = 168
    lateness: int = 0  # closed windows left open for late texts before they are judged


class AlertStream:
    """Fan-out of new alerts to live subscribers (the dashboard's SSE)."""

    def __init__(self) -> None:
        self._subscribers: set[queue.Queue[dict[str, Any]]] = set()
        self._lock = threading.Lock()

    def subscribe(self) -> queue.Queue[dict[str, Any]]:
        q: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1000)
        with self._lock:
            self._subscribers.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[dict[str, Any]]) -> None:
        with self._lock:
            self._subscribers.discard(q)

    def publish(self, item: dict[str, Any]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for q in subscribers:
            try:
                q.put_nowait(item)
            except queue.Full:  # a stalled client misses live items; the API lists them
                log.warning("an alert stream subscriber is full; dropping its live copy")


class OpinionService:
    def __init__(
        self,
        store: Store,
        pseudonymizer: Pseudonymizer,
        redactor: Redactor,
        limits: Limits,
        analyzer: TextAnalyzer,
        webhooks: WebhookDispatcher,
        settings: MonitorSettings | None = None,
    ) -> None:
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.redactor = redactor
        self.limits = limits
        self.analyzer = analyzer
        self.webhooks = webhooks
        self.settings = settings or MonitorSettings()
        self.stream = AlertStream()
        self._scan_lock = threading.Lock()
        self.intake = TextIntake(store, pseudonymizer, redactor, limits, analyzer)
        self.analyzer.set_topics(self._topic_definitions())

    # -- texts in (uxlift.monitor.intake) --------------------------------------
    def ingest(self, raw_rows: Sequence[Any], *, start_index: int = 0) -> TextsResult:
        """Validate, protect, label and store texts (see :meth:`TextIntake.ingest`)."""
        return self.intake.ingest(raw_rows, start_index=start_index)

    def events_stored(self, table: pa.Table) -> None:
        self.intake.events_stored(table)

    def defer_event_texts(self, wake: Callable[[], None] | None) -> None:
        self.intake.defer_event_texts(wake)

    def catch_up(self, **options: Any) -> int:
        return self.intake.catch_up(**options)

    def forget_user(self, user_key: str) -> None:
        self.intake.forget_user(user_key)

    # -- reading -------------------------------------------------------------
    def texts(self, **filters: Any) -> tuple[list[StoredText], int]:
        return rows.find_texts(self.store.cursor(), **filters)

    def trend(
        self,
        *,
        topic: str = "*",
        source: str = "*",
        granularity: str = "hour",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> dict[str, Any]:
        """Windows (volume, negative share, mean score) and the alerts among them."""
        win.check_granularity(granularity)
        cur = self.store.cursor()
        points = win.zero_filled(
            rows.series(
                cur, topic=topic, source=source, granularity=granularity, start=start, end=end
            ),
            granularity,
            rows.time_range(cur)[0] if start is None else start,
        )
        alerts = [
            a
            for a in rows.list_alerts(cur, topic=topic, since=start, limit=500)
            if a.source == source and a.granularity == granularity
            and (end is None or a.window_start < end)
        ]  # fmt: skip
        return {
            "topic": topic,
            "source": source,
            "granularity": granularity,
            "windows": [
                {
                    "start": win.iso(w),
                    "volume": n,
                    "negative": x,
                    "positive": p,
                    "negative_share": round(x / n, 4) if n else None,
                    "mean_score": round(s / n, 4) if n else None,
                }
                for w, n, x, p, s in points
            ],
            "alerts": [a.to_dict() for a in alerts],
        }

    def window(
        self, *, topic: str, source: str, granularity: str, start: datetime
    ) -> dict[str, Any]:
        """One window in detail: counts, keywords and its most negative texts."""
        win.check_granularity(granularity)
        end = start + win.step(granularity)
        cur = self.store.cursor()
        texts = rows.window_texts(cur, topic=topic, source=source, start=start, end=end)
        history = rows.window_texts(
            cur, topic=topic, source=source, start=start - 28 * win.step("day"), end=start
        )
        background = kw.document_frequencies(t.text for t in history[-2000:])
        negatives = sorted((t for t in texts if t.sentiment == "negative"), key=lambda t: t.score)
        return {
            "topic": topic,
            "source": source,
            "granularity": granularity,
            "start": win.iso(start),
            "volume": len(texts),
            "negative": len(negatives),
            "keywords": kw.top_keywords([t.text for t in texts], background),
            "negative_keywords": kw.top_keywords([t.text for t in negatives], background),
            "top_negative_texts": [t.to_dict() for t in negatives[:TOP_TEXTS]],
        }

    def series(self) -> list[dict[str, Any]]:
        return [
            {"topic": t, "source": s, "volume": n, "last_window": win.iso(last)}
            for t, s, n, last in rows.series_keys(self.store.cursor())
        ]

    # -- topics --------------------------------------------------------------
    def _topic_definitions(self) -> list[Topic]:
        """Topics assigned zero-shot (those learned from labels have their own model)."""
        return [
            Topic(t["name"], t["description"], tuple(t["keywords"]))
            for t in rows.list_topics(self.store.cursor())
            if t["origin"] != "supervised"
        ]

    def learned_topics(self, names: Sequence[str]) -> int:
        """Register topics a model learned from labels, reload it, relabel the texts."""
        with self.store.transaction() as cur:
            for name in names:
                rows.upsert_topic(cur, name, "learned from labels", [], "supervised", utcnow())
        self.analyzer.reload()
        return self.reassign_topics()

    def topics(self) -> list[dict[str, Any]]:
        return rows.list_topics(self.store.cursor())

    def put_topic(self, raw: Any, *, reassign: bool = True) -> dict[str, Any]:
        try:
            topic = TopicIn.model_validate(raw)
        except ValidationError as exc:
            problems = errors_from_exception(0, exc)
            raise InvalidInput(
                "the topic is invalid",
                details=[{"field": p.field, "reason": p.reason} for p in problems],
            ) from None
        with self.store.transaction() as cur:
            created = rows.upsert_topic(
                cur, topic.name, topic.description, list(topic.keywords), "defined", utcnow()
            )
        self.analyzer.set_topics(self._topic_definitions())
        changed = self.reassign_topics() if reassign else 0
        return {**topic.model_dump(), "created": created, "texts_reassigned": changed}

    def delete_topic(self, name: str) -> None:
        with self.store.transaction() as cur:
            if not rows.delete_topic(cur, name):
                raise NotFound(f"no topic {name!r}")
        self.analyzer.set_topics(self._topic_definitions())
        self.reassign_topics()

    def reassign_topics(self, *, batch: int = 512) -> int:
        """Label every stored text with the current topics; rebuild the aggregates.
        Returns how many texts changed topics."""
        texts = rows.all_texts(self.store.cursor())
        changed: dict[str, list[str]] = {}
        for start in range(0, len(texts), batch):
            part = texts[start : start + batch]
            for text, topics in zip(
                part, self.analyzer.assign_topics([t.text for t in part]), strict=True
            ):
                if tuple(topics) != text.topics:
                    changed[text.text_id] = list(topics)
        with self.store.transaction() as cur:
            if changed:
                rows.set_text_topics(cur, changed)
            rows.rebuild_windows(cur)
        return len(changed)

    def discover_topics(
        self, *, limit: int = 5_000, min_topic_size: int = 10, keep: bool = False
    ) -> list[dict[str, Any]]:
        """Topics found in the latest ``limit`` texts (BERTopic over e5 embeddings);
        with ``keep`` they are saved as topics and the texts relabelled."""
        from uxlift.monitor.discovery import discover_topics

        texts, _ = rows.find_texts(self.store.cursor(), limit=limit)
        found = discover_topics(
            [t.text for t in texts],
            self.analyzer.encoders.encode_fn("multi"),
            min_topic_size=min_topic_size,
        )
        if keep and found:
            with self.store.transaction() as cur:
                for topic in found:
                    rows.upsert_topic(
                        cur, topic.name, ", ".join(topic.keywords), list(topic.keywords),
                        "discovered", utcnow(),
                    )  # fmt: skip
            self.analyzer.set_topics(self._topic_definitions())
            self.reassign_topics()
        return [t.to_dict() for t in found]

    # -- detection -------------------------------------------------------------
    def scan(
        self, *, now: datetime | None = None, granularity: str = "hour", min_volume: int = 0
    ) -> list[Alert]:
        """Run the detectors over every series up to the last closed window (less
        ``lateness`` windows still open for late texts); store, stream and queue for
        delivery every new alert. Returns the new alerts."""
        win.check_granularity(granularity)
        moment = win.naive(now) if now is not None else utcnow()
        try:
            self.catch_up()
        except Exception:  # judging what is stored goes on; the next scan retries
            log.exception("catching up event texts failed")
        with self._scan_lock:
            lateness = self.settings.lateness * win.step(granularity)
            closed_end = win.floor(moment, granularity) - lateness
            # a topic's quiet hours are zeros from the day monitoring began
            began, _ = rows.time_range(self.store.cursor())
            new: list[Alert] = []
            for topic, source, total, last in rows.series_keys(self.store.cursor()):
                # a stream that went quiet (or was loaded late) is judged up to its
                # last window with texts: the scans after that add nothing new
                end = min(closed_end, win.floor(last, granularity) + win.step(granularity))
                if total >= min_volume:
                    new.extend(self._scan_one(topic, source, granularity, end, began))
        for alert in new:
            self.stream.publish({"type": "alert", "alert": alert.to_dict()})
        if new:
            self.webhooks.notify()
        return new

    def _scan_one(
        self, topic: str, source: str, granularity: str, end: datetime, began: datetime | None
    ) -> list[Alert]:
        """Judge the windows of one series that no scan has judged yet, continuing
        its detectors' state; the baseline is refitted on the history before them."""
        cfg = self.settings
        step = win.step(granularity)
        cur = self.store.cursor()
        judged = rows.detector_states(cur, topic, source, granularity)
        last_judged = judged.get("last_window")
        new_from = last_judged + step if last_judged is not None else end - cfg.scan_windows * step
        if new_from >= end:
            return []
        history = max(cfg.min_history, BASELINE_SEASONS * PERIODS[granularity])
        start = new_from - history * step
        points = rows.series(
            cur, topic=topic, source=source, granularity=granularity, start=start, end=end
        )
        if not points:
            return []
        first = max(start, win.floor(began or points[0][0], granularity))
        count = int((end - first) / step)
        volume, negative = np.zeros(count), np.zeros(count)
        for w, n, x, _, _ in points:
            k = int((w - first) / step)
            if 0 <= k < count:
                volume[k], negative[k] = n, x
        first_slot = first.hour if granularity == "hour" else first.weekday()
        recent = min(int((end - new_from) / step), count)
        alarms, states = scan_series(
            volume, negative, recent=recent, granularity=granularity, first_slot=first_slot,
            settings=cfg.detector, min_history=cfg.min_history, states=judged.get("states"),
        )  # fmt: skip
        if count - recent >= cfg.min_history:  # judged: remember where the detectors are
            with self.store.transaction() as tx:
                rows.save_detector_states(tx, topic, source, granularity, end - step, states)
        new = []
        for alarm in alarms:
            window_start = first + alarm.window * step
            alert, detail = self._alert(topic, source, granularity, window_start, alarm)
            if self._store_alert(alert, detail):
                new.append(alert)
        return new

    def _alert(
        self, topic: str, source: str, granularity: str, start: datetime, alarm: Alarm
    ) -> tuple[Alert, dict[str, Any]]:
        detail = self.window(topic=topic, source=source, granularity=granularity, start=start)
        keywords = detail["negative_keywords"] or detail["keywords"]
        return Alert(
            alert_id="al_" + uuid.uuid4().hex[:20],
            topic=topic,
            source=source,
            statistic=alarm.statistic,
            granularity=granularity,
            window_start=start,
            window_end=start + win.step(granularity),
            detector=self.settings.detector.method,
            observed=round(alarm.observed, 4),
            expected=round(alarm.expected, 4),
            z=alarm.z,
            level=alarm.level,
            threshold=alarm.threshold,
            volume=alarm.volume,
            negative=alarm.negative,
            severity=alarm.severity,
            status="open",
            keywords=tuple(keywords),
            text_ids=tuple(t["text_id"] for t in detail["top_negative_texts"]),
        ), detail

    def _store_alert(self, alert: Alert, detail: dict[str, Any]) -> bool:
        payload = orjson.dumps(
            {
                "type": "alert",
                "alert": alert.to_dict(),
                "top_negative_texts": [
                    {k: t[k] for k in ("text_id", "text", "score", "timestamp", "source")}
                    for t in detail["top_negative_texts"]
                ],
            }
        ).decode()
        with self.store.transaction() as cur:
            if not rows.insert_alert(cur, alert, utcnow()):
                return False
            self.webhooks.enqueue(cur, alert, payload)
        return True

    # -- alerts ----------------------------------------------------------------
    def alerts(
        self, *, status: str | None = None, topic: str | None = None, limit: int = 100
    ) -> list[Alert]:
        if status is not None and status not in ALERT_STATUSES:
            raise InvalidInput(
                f"status must be one of {list(ALERT_STATUSES)}",
                details=[{"field": "status", "reason": "unknown status"}],
            )
        return rows.list_alerts(self.store.cursor(), status=status, topic=topic, limit=limit)

    def alert(self, alert_id: str) -> dict[str, Any]:
        cur = self.store.cursor()
        found = rows.get_alert(cur, alert_id)
        if found is None:
            raise NotFound(f"no alert {alert_id!r}")
        out = found.to_dict()
        out["texts"] = [t.to_dict() for t in rows.texts_by_id(cur, list(found.text_ids))]
        out["deliveries"] = [d.to_dict() for d in self.webhooks.deliveries(alert_id=alert_id)]
        return out

    def set_status(self, alert_id: str, status: str, *, actor: str, note: str | None) -> Alert:
        if status not in ("acknowledged", "resolved"):
            raise InvalidInput(
                "status must be 'acknowledged' or 'resolved'",
                details=[{"field": "status", "reason": "unknown status"}],
            )
        with self.store.transaction() as cur:
            current = rows.get_alert(cur, alert_id)
            if current is None:
                raise NotFound(f"no alert {alert_id!r}")
            if current.status == "resolved" and status == "acknowledged":
                raise InvalidInput(
                    "a resolved alert cannot go back to acknowledged",
                    details=[{"field": "status", "reason": "alert already resolved"}],
                )
            updated = rows.set_alert_status(
                cur, alert_id, status, actor=actor, note=note, at=utcnow()
            )
        assert updated is not None
        self.stream.publish({"type": "status", "alert": updated.to_dict()})
        return updated
