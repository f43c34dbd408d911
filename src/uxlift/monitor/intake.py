"""Texts into opinion monitoring: validated, protected, labelled and stored.

Texts arrive from the API, file imports and the event log (reviews and chat
messages). Each is validated, pseudonymized and redacted like every event,
labelled (sentiment, topics) and stored with the hourly aggregates in one
transaction. In the server, reviews and chats are labelled by a background
thread woken by their events' write; elsewhere right after it. One that missed
that step (a crash between the two writes, a labelling failure) is caught up
by the next round or scan, so none is lost to monitoring.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.events.validation import Limits, RowError, validate_rows
from uxlift.monitor.analyzer import TextAnalyzer
from uxlift.monitor.records import StoredText
from uxlift.monitor.texts import TextIn
from uxlift.monitor.windows import naive
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.privacy.redact import Redactor
from uxlift.store import Store
from uxlift.store import opinions as rows
from uxlift.text.language import detect_language

log = logging.getLogger(__name__)
EVENT_TEXT_SOURCES = {"review": "reviews", "chat": "chat"}
CATCH_UP_BATCH = 512
CATCH_UP_LIMIT = 20_000  # texts per round; a longer backlog continues at the next


@dataclass(frozen=True)
class TextsResult:
    received: int
    stored: int
    duplicates: int
    errors: list[RowError]
    texts: list[StoredText]

    def to_dict(self, *, with_texts: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "received": self.received,
            "accepted": self.received - len({e.index for e in self.errors}),
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": len({e.index for e in self.errors}),
            "errors": [e.to_dict() for e in self.errors],
        }
        if with_texts:
            out["texts"] = [t.to_dict() for t in self.texts]
        return out


class TextIntake:
    """Takes texts in for :class:`uxlift.monitor.service.OpinionService`: checks each
    row (the rest of a batch is kept), pseudonymizes, redacts, labels and stores."""

    def __init__(
        self,
        db: Store,
        pseudonymizer: Pseudonymizer,
        redactor: Redactor,
        limits: Limits,
        analyzer: TextAnalyzer,
    ) -> None:
        self.db = db
        self.pseudonymizer = pseudonymizer
        self.redactor = redactor
        self.limits = limits
        self.analyzer = analyzer
        self._catch_up_lock = threading.Lock()
        self._defer_event_texts: Callable[[], None] | None = None

    def ingest(self, raw_rows: Sequence[Any], *, start_index: int = 0) -> TextsResult:
        """Validate, protect, label and store texts; valid rows are kept, the rest
        reported by index, field and reason. A re-sent ``text_id`` stores nothing."""
        now = datetime.now(UTC)
        batch = validate_rows(
            raw_rows, TextIn, start_index, lambda i, t: self._limit_errors(i, t, now)
        )
        prepared = [self._prepare(text) for text in batch.rows]
        stored = self.store_labelled(prepared)
        return TextsResult(
            received=len(raw_rows),
            stored=len(stored),
            duplicates=len(prepared) - len(stored),
            errors=batch.errors,
            texts=stored,
        )

    def _limit_errors(self, index: int, text: TextIn, now: datetime) -> list[RowError]:
        errors = []
        if len(text.text) > self.limits.max_text_chars:
            errors.append(
                RowError(index, "text", f"longer than {self.limits.max_text_chars} characters")
            )
        if text.metadata is not None:
            size = len(orjson.dumps(text.metadata))
            if size > self.limits.max_properties_bytes:
                errors.append(
                    RowError(
                        index, "metadata",
                        f"{size} bytes as JSON; limit {self.limits.max_properties_bytes}",
                    )
                )  # fmt: skip
        if text.timestamp is not None and text.timestamp > now + timedelta(
            seconds=self.limits.max_future_skew_s
        ):
            errors.append(RowError(index, "timestamp", "is too far in the future"))
        return errors

    def _prepare(self, text: TextIn) -> dict[str, Any]:
        from uxlift.events.ingest import redact_values

        moment = (text.timestamp or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
        content = text.model_dump(mode="json", exclude={"text_id"})
        text_id = (
            text.text_id
            or "t_"
            + self.pseudonymizer.content_digest(orjson.dumps(content, option=orjson.OPT_SORT_KEYS))[
                :32
            ]
        )
        if text.timestamp is None and text.text_id is None:
            text_id = "t_" + uuid.uuid4().hex
        redacted = self.redactor.redact(text.text)
        return {
            "text_id": text_id,
            "user_key": None if text.user_id is None else self.pseudonymizer.user_key(text.user_id),
            "source": text.source,
            "channel": text.channel,
            "language": text.language or detect_language(redacted, default="other"),
            "text": redacted,
            "metadata": None
            if text.metadata is None
            else redact_values(text.metadata, self.redactor.redact),
            "ts": moment,
        }

    def store_labelled(self, prepared: list[dict[str, Any]]) -> list[StoredText]:
        if not prepared:
            return []
        fresh = self._unseen(prepared)
        analyses = self.analyzer.analyze([p["text"] for p in fresh])
        texts = [
            StoredText(
                **p,
                sentiment=a.sentiment,
                score=a.score,
                confidence=a.confidence,
                topics=a.topics,
            )
            for p, a in zip(fresh, analyses, strict=True)
        ]
        with self.db.transaction() as cur:
            return rows.insert_texts(cur, texts)

    def _unseen(self, prepared: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows whose id is not stored yet (no model time spent on retries)."""
        ids = [p["text_id"] for p in prepared]
        known = {t.text_id for t in rows.texts_by_id(self.db.cursor(), ids)}
        seen: set[str] = set()
        out = []
        for p in prepared:
            if p["text_id"] in known or p["text_id"] in seen:
                continue
            seen.add(p["text_id"])
            out.append(p)
        return out

    def events_stored(self, table: pa.Table) -> None:
        """Reviews and chat messages from the event log join the monitored texts."""
        if table.num_rows == 0 or "text" not in table.column_names:
            return
        texts = table.column("text")
        wanted = pc.and_(  # vectorized: a bulk import passes millions of rows here
            pc.is_in(table.column("type"), value_set=pa.array(list(EVENT_TEXT_SOURCES))),
            pc.fill_null(pc.greater(pc.utf8_length(texts), 0), False),
        )
        if self._defer_event_texts is not None:  # a background labeller catches them up
            if pc.any(wanted).as_py():
                self._defer_event_texts()
            return
        picked = table.filter(wanted).to_pylist()
        if not picked:
            return
        try:
            self.store_labelled([_event_text(row) for row in picked])
        except Exception:  # the events are stored; monitoring must not fail their write
            log.exception(
                "could not add %d event texts to opinion monitoring now; the next scan "
                "catches them up",
                len(picked),
            )

    def defer_event_texts(self, wake: Callable[[], None] | None) -> None:
        """Label the event log's texts in the background: stored events call
        ``wake`` (which should soon run :meth:`catch_up`) instead of waiting for the
        models; ``None`` labels them inline again."""
        self._defer_event_texts = wake

    def catch_up(
        self,
        *,
        limit: int = CATCH_UP_LIMIT,
        batch: int = CATCH_UP_BATCH,
        keep_going: Callable[[], bool] = lambda: True,
    ) -> int:
        """Label and store reviews and chat messages of the event log that are not
        monitored yet (oldest first, at most ``limit``, batch by batch while
        ``keep_going()``); returns how many."""
        done = 0
        while done < limit and keep_going():
            with self._catch_up_lock:  # an erasure waits for the batch in flight
                missed = rows.missed_event_texts(
                    self.db.cursor(), list(EVENT_TEXT_SOURCES), limit=min(batch, limit - done)
                )
                if not missed:
                    break
                self.store_labelled([_event_text(row) for row in missed])
            done += len(missed)
        if done:
            log.info("labelled %d event texts that opinion monitoring had not seen", done)
        return done

    def forget_user(self, user_key: str) -> None:
        """After an erasure: drop texts a catch-up batch in flight stored meanwhile."""
        with self._catch_up_lock, self.db.transaction() as cur:
            rows.delete_user_texts(cur, user_key)


def _event_text(row: dict[str, Any]) -> dict[str, Any]:
    """A stored review or chat event (its text already redacted) as a text to label."""
    return {
        "text_id": f"{rows.EVENT_TEXT_PREFIX}{row['event_id']}",
        "user_key": row["user_key"],
        "source": EVENT_TEXT_SOURCES[row["type"]],
        "channel": row.get("item_id"),
        "language": detect_language(row["text"], default="other"),
        "text": row["text"],
        "metadata": None,
        "ts": naive(row["ts"]),
    }
