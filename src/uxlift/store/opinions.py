"""Opinion monitoring rows: texts, hourly aggregates, topics, alerts, webhooks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import duckdb
import orjson

from uxlift.monitor.records import Alert, Delivery, StoredText, Webhook

ALL = "*"
TEXT_COLUMNS = (
    "text_id, user_key, source, channel, language, text, metadata, sentiment, score, "
    "confidence, topics, ts"
)
ALERT_COLUMNS = (
    "alert_id, topic, source, statistic, granularity, window_start, window_end, detector, "
    "observed, expected, z, level, threshold, volume, negative, severity, status, keywords, "
    "text_ids, note, actor, created_at, updated_at"
)


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


# -- texts -------------------------------------------------------------------
def insert_texts(cur: duckdb.DuckDBPyConnection, texts: Sequence[StoredText]) -> list[StoredText]:
    """Store the texts whose id is new (repeats in the batch too) and add them to the
    hourly aggregates; returns the stored ones."""
    unique: dict[str, StoredText] = {}
    for text in texts:
        unique.setdefault(text.text_id, text)
    if not unique:
        return []
    existing = {
        str(r[0])
        for r in cur.execute(
            "SELECT text_id FROM opinion_texts WHERE list_contains(?, text_id)", [list(unique)]
        ).fetchall()
    }
    new = [t for key, t in unique.items() if key not in existing]
    if not new:
        return []
    at = datetime.utcnow()
    cur.executemany(
        f"INSERT INTO opinion_texts ({TEXT_COLUMNS}, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                t.text_id, t.user_key, t.source, t.channel, t.language, t.text,
                None if t.metadata is None else orjson.dumps(t.metadata).decode(),
                t.sentiment, t.score, t.confidence, list(t.topics), t.ts, at,
            ]
            for t in new
        ],
    )  # fmt: skip
    _add_to_windows(cur, _contributions(new), sign=1)
    return new


def _contributions(texts: Iterable[StoredText]) -> Counter[tuple[str, str, datetime, str]]:
    """Counts per (topic, source, hour, measure): every text counts for each of its
    topics and for ``*``, under its source and under ``*``."""
    counts: Counter[tuple[str, str, datetime, str]] = Counter()
    for text in texts:
        hour = hour_of(text.ts)
        for topic in (*text.topics, ALL):
            for source in (text.source, ALL):
                counts[(topic, source, hour, "volume")] += 1
                counts[(topic, source, hour, "score")] += text.score
                if text.sentiment == "negative":
                    counts[(topic, source, hour, "negative")] += 1
                elif text.sentiment == "positive":
                    counts[(topic, source, hour, "positive")] += 1
    return counts


def _add_to_windows(
    cur: duckdb.DuckDBPyConnection, counts: Counter[tuple[str, str, datetime, str]], sign: int
) -> None:
    keys = {(t, s, h) for t, s, h, _ in counts}
    rows = [
        [
            t, s, h,
            sign * int(counts[(t, s, h, "volume")]),
            sign * int(counts[(t, s, h, "negative")]),
            sign * int(counts[(t, s, h, "positive")]),
            sign * float(counts[(t, s, h, "score")]),
        ]
        for t, s, h in keys
    ]  # fmt: skip
    cur.executemany(
        """INSERT INTO opinion_windows VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (topic, source, window_start) DO UPDATE SET
             volume = opinion_windows.volume + excluded.volume,
             negative = opinion_windows.negative + excluded.negative,
             positive = opinion_windows.positive + excluded.positive,
             score_sum = opinion_windows.score_sum + excluded.score_sum""",
        rows,
    )
    if sign < 0:
        cur.execute("DELETE FROM opinion_windows WHERE volume <= 0")


def forget_user_texts(cur: duckdb.DuckDBPyConnection, user_key: str) -> None:
    """Take a user's texts out of the aggregates (erasure deletes the rows after this)."""
    texts = _texts(cur, "WHERE user_key = ?", [user_key])
    if texts:
        _add_to_windows(cur, _contributions(texts), sign=-1)


def delete_user_texts(cur: duckdb.DuckDBPyConnection, user_key: str) -> int:
    """Take a user's texts out of the aggregates and delete them; returns how many."""
    forget_user_texts(cur, user_key)
    row = cur.execute(
        "DELETE FROM opinion_texts WHERE user_key = ? RETURNING text_id", [user_key]
    ).fetchall()
    return len(row)


EVENT_TEXT_PREFIX = "event:"  # text_id of a text that came from the event log


def missed_event_texts(
    cur: duckdb.DuckDBPyConnection, types: Sequence[str], *, limit: int
) -> list[dict[str, Any]]:
    """Events of ``types`` with a text that has no monitored text yet, oldest first."""
    marks = ", ".join("?" for _ in types)
    found = cur.execute(
        f"""SELECT e.event_id, e.user_key, e.type, e.item_id, e.text, e.ts FROM events e
            WHERE e.type IN ({marks}) AND length(e.text) > 0
              AND NOT EXISTS (SELECT 1 FROM opinion_texts t
                              WHERE t.text_id = '{EVENT_TEXT_PREFIX}' || e.event_id)
            ORDER BY e.ts, e.event_key LIMIT ?""",
        [*types, limit],
    )
    columns = [d[0] for d in found.description]
    return [dict(zip(columns, row, strict=True)) for row in found.fetchall()]


def rebuild_windows(cur: duckdb.DuckDBPyConnection) -> None:
    """Recompute every aggregate from the texts (after topics are reassigned)."""
    cur.execute("DELETE FROM opinion_windows")
    cur.execute(
        """INSERT INTO opinion_windows
           WITH expanded AS (
             SELECT unnest(list_append(topics, '*')) AS topic, source, sentiment, score,
                    date_trunc('hour', ts) AS hour
             FROM opinion_texts),
           sourced AS (
             SELECT topic, source, sentiment, score, hour FROM expanded
             UNION ALL SELECT topic, '*', sentiment, score, hour FROM expanded)
           SELECT topic, source, hour, count(*),
                  count(*) FILTER (WHERE sentiment = 'negative'),
                  count(*) FILTER (WHERE sentiment = 'positive'), sum(score)
           FROM sourced GROUP BY topic, source, hour"""
    )


def set_text_topics(cur: duckdb.DuckDBPyConnection, assigned: dict[str, list[str]]) -> None:
    cur.executemany(
        "UPDATE opinion_texts SET topics = ? WHERE text_id = ?",
        [[topics, text_id] for text_id, topics in assigned.items()],
    )


def _text(row: tuple[Any, ...]) -> StoredText:
    return StoredText(
        text_id=row[0],
        user_key=row[1],
        source=row[2],
        channel=row[3],
        language=row[4],
        text=row[5],
        metadata=None if row[6] is None else orjson.loads(row[6]),
        sentiment=row[7],
        score=float(row[8]),
        confidence=float(row[9]),
        topics=tuple(row[10] or ()),
        ts=row[11],
    )


def _texts(cur: duckdb.DuckDBPyConnection, clause: str, params: list[Any]) -> list[StoredText]:
    rows = cur.execute(f"SELECT {TEXT_COLUMNS} FROM opinion_texts {clause}", params).fetchall()
    return [_text(r) for r in rows]


def texts_by_id(cur: duckdb.DuckDBPyConnection, text_ids: Sequence[str]) -> list[StoredText]:
    found = {t.text_id: t for t in _texts(cur, "WHERE list_contains(?, text_id)", [list(text_ids)])}
    return [found[i] for i in text_ids if i in found]


def find_texts(
    cur: duckdb.DuckDBPyConnection,
    *,
    topic: str | None = None,
    source: str | None = None,
    sentiment: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
    order: str = "newest",
) -> tuple[list[StoredText], int]:
    """Texts matching every given filter (``*`` or None: any), newest or most negative
    first, and how many match in all."""
    where, params = _filters(topic, source, sentiment, start, end)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = cur.execute(f"SELECT count(*) FROM opinion_texts {clause}", params).fetchone()
    ordering = "score ASC, ts DESC" if order == "most_negative" else "ts DESC"
    texts = _texts(
        cur, f"{clause} ORDER BY {ordering}, text_id LIMIT ? OFFSET ?", [*params, limit, offset]
    )
    return texts, int(total[0]) if total else 0


def _filters(
    topic: str | None,
    source: str | None,
    sentiment: str | None,
    start: datetime | None,
    end: datetime | None,
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if topic not in (None, ALL):
        where.append("list_contains(topics, ?)")
        params.append(topic)
    if source not in (None, ALL):
        where.append("source = ?")
        params.append(source)
    if sentiment is not None:
        where.append("sentiment = ?")
        params.append(sentiment)
    if start is not None:
        where.append("ts >= ?")
        params.append(start)
    if end is not None:
        where.append("ts < ?")
        params.append(end)
    return where, params


def window_texts(
    cur: duckdb.DuckDBPyConnection,
    *,
    topic: str,
    source: str,
    start: datetime,
    end: datetime,
    limit: int = 5_000,
) -> list[StoredText]:
    where, params = _filters(topic, source, None, start, end)
    return _texts(cur, f"WHERE {' AND '.join(where)} ORDER BY ts LIMIT ?", [*params, limit])


def all_texts(cur: duckdb.DuckDBPyConnection, *, limit: int | None = None) -> list[StoredText]:
    clause = "ORDER BY ts" + (f" LIMIT {int(limit)}" if limit else "")
    return _texts(cur, clause, [])


# -- aggregates --------------------------------------------------------------
def series(
    cur: duckdb.DuckDBPyConnection,
    *,
    topic: str,
    source: str,
    granularity: str,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[tuple[datetime, int, int, int, float]]:
    """(window start, volume, negative, positive, score sum) per non-empty window."""
    unit = {"hour": "hour", "day": "day"}[granularity]
    where = ["topic = ?", "source = ?"]
    params: list[Any] = [topic, source]
    if start is not None:
        where.append("window_start >= ?")
        params.append(start)
    if end is not None:
        where.append("window_start < ?")
        params.append(end)
    rows = cur.execute(
        f"""SELECT date_trunc('{unit}', window_start) AS w, sum(volume), sum(negative),
                   sum(positive), sum(score_sum)
            FROM opinion_windows WHERE {" AND ".join(where)} GROUP BY w ORDER BY w""",
        params,
    ).fetchall()
    return [(r[0], int(r[1]), int(r[2]), int(r[3]), float(r[4])) for r in rows]


def series_keys(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, datetime]]:
    """Every (topic, source) with aggregates, its total volume and its last hour."""
    rows = cur.execute(
        "SELECT topic, source, sum(volume), max(window_start) FROM opinion_windows "
        "GROUP BY topic, source ORDER BY topic, source"
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2]), r[3]) for r in rows]


def time_range(cur: duckdb.DuckDBPyConnection) -> tuple[datetime | None, datetime | None]:
    row = cur.execute(
        "SELECT min(window_start), max(window_start) FROM opinion_windows WHERE topic = '*'"
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


# -- topics ------------------------------------------------------------------
def upsert_topic(
    cur: duckdb.DuckDBPyConnection,
    name: str,
    description: str,
    keywords: list[str],
    origin: str,
    at: datetime,
) -> bool:
    """Create or replace a topic; True when it is new."""
    row = cur.execute("SELECT 1 FROM opinion_topics WHERE name = ?", [name]).fetchone()
    cur.execute(
        """INSERT INTO opinion_topics VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET description = excluded.description,
             keywords = excluded.keywords, origin = excluded.origin,
             updated_at = excluded.updated_at""",
        [name, description, keywords, origin, at, at],
    )
    return row is None


def list_topics(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = cur.execute(
        "SELECT name, description, keywords, origin FROM opinion_topics ORDER BY name"
    ).fetchall()
    return [
        {"name": r[0], "description": r[1], "keywords": list(r[2] or ()), "origin": r[3]}
        for r in rows
    ]


def delete_topic(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = cur.execute("DELETE FROM opinion_topics WHERE name = ? RETURNING name", [name]).fetchone()
    return row is not None


# -- alerts ------------------------------------------------------------------
def insert_alert(cur: duckdb.DuckDBPyConnection, alert: Alert, at: datetime) -> bool:
    """Store a new alert; False when one for the same series and window exists."""
    row = cur.execute(
        f"""INSERT INTO opinion_alerts ({ALERT_COLUMNS})
            VALUES ({", ".join("?" * 23)})
            ON CONFLICT DO NOTHING RETURNING alert_id""",
        [
            alert.alert_id, alert.topic, alert.source, alert.statistic, alert.granularity,
            alert.window_start, alert.window_end, alert.detector, alert.observed,
            alert.expected, alert.z, alert.level, alert.threshold, alert.volume,
            alert.negative, alert.severity, alert.status, list(alert.keywords),
            list(alert.text_ids), alert.note, alert.actor, at, at,
        ],
    ).fetchone()  # fmt: skip
    return row is not None


def _alert(row: tuple[Any, ...]) -> Alert:
    return Alert(
        alert_id=row[0],
        topic=row[1],
        source=row[2],
        statistic=row[3],
        granularity=row[4],
        window_start=row[5],
        window_end=row[6],
        detector=row[7],
        observed=float(row[8]),
        expected=float(row[9]),
        z=float(row[10]),
        level=float(row[11]),
        threshold=float(row[12]),
        volume=int(row[13]),
        negative=int(row[14]),
        severity=row[15],
        status=row[16],
        keywords=tuple(row[17] or ()),
        text_ids=tuple(row[18] or ()),
        note=row[19],
        actor=row[20],
        created_at=row[21],
        updated_at=row[22],
    )


def get_alert(cur: duckdb.DuckDBPyConnection, alert_id: str) -> Alert | None:
    row = cur.execute(
        f"SELECT {ALERT_COLUMNS} FROM opinion_alerts WHERE alert_id = ?", [alert_id]
    ).fetchone()
    return _alert(row) if row else None


def list_alerts(
    cur: duckdb.DuckDBPyConnection,
    *,
    status: str | None = None,
    topic: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[Alert]:
    where, params = [], []
    for column, value in (("status", status), ("topic", topic)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("window_start >= ?")
        params.append(since)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = cur.execute(
        f"SELECT {ALERT_COLUMNS} FROM opinion_alerts {clause} "
        "ORDER BY window_start DESC, alert_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [_alert(r) for r in rows]


def set_alert_status(
    cur: duckdb.DuckDBPyConnection,
    alert_id: str,
    status: str,
    *,
    actor: str,
    note: str | None,
    at: datetime,
) -> Alert | None:
    cur.execute(
        "UPDATE opinion_alerts SET status = ?, actor = ?, note = coalesce(?, note), "
        "updated_at = ? WHERE alert_id = ?",
        [status, actor, note, at, alert_id],
    )
    return get_alert(cur, alert_id)


# -- detector state ----------------------------------------------------------
def detector_states(
    cur: duckdb.DuckDBPyConnection, topic: str, source: str, granularity: str
) -> dict[str, Any]:
    """The last window judged for a series and each statistic's (level, quiet)."""
    rows = cur.execute(
        """SELECT statistic, last_window, level, quiet FROM monitor_state
           WHERE topic = ? AND source = ? AND granularity = ?""",
        [topic, source, granularity],
    ).fetchall()
    if not rows:
        return {}
    return {
        "last_window": min(r[1] for r in rows),
        "states": {str(r[0]): (float(r[2]), int(r[3])) for r in rows},
    }


def save_detector_states(
    cur: duckdb.DuckDBPyConnection,
    topic: str,
    source: str,
    granularity: str,
    last_window: datetime,
    states: dict[str, tuple[float, int]],
) -> None:
    cur.executemany(
        """INSERT INTO monitor_state VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (topic, source, granularity, statistic) DO UPDATE SET
             last_window = excluded.last_window, level = excluded.level,
             quiet = excluded.quiet""",
        [[topic, source, granularity, statistic, last_window, level, quiet]
         for statistic, (level, quiet) in states.items()],
    )  # fmt: skip


# -- webhooks and deliveries -------------------------------------------------
def insert_webhook(cur: duckdb.DuckDBPyConnection, hook: Webhook) -> None:
    cur.execute(
        "INSERT INTO webhooks VALUES (?, ?, ?, ?, ?, ?)",
        [hook.webhook_id, hook.url, hook.description, hook.active, hook.max_attempts,
         hook.created_at],
    )  # fmt: skip


def list_webhooks(cur: duckdb.DuckDBPyConnection, *, active_only: bool = False) -> list[Webhook]:
    clause = "WHERE active" if active_only else ""
    rows = cur.execute(
        "SELECT webhook_id, url, description, active, max_attempts, created_at "
        f"FROM webhooks {clause} ORDER BY created_at, webhook_id"
    ).fetchall()
    return [Webhook(r[0], r[1], r[2], bool(r[3]), int(r[4]), r[5]) for r in rows]


def delete_webhook(cur: duckdb.DuckDBPyConnection, webhook_id: str) -> bool:
    row = cur.execute(
        "UPDATE webhooks SET active = false WHERE webhook_id = ? AND active RETURNING webhook_id",
        [webhook_id],
    ).fetchone()
    return row is not None


def enqueue_delivery(
    cur: duckdb.DuckDBPyConnection,
    delivery_id: str,
    webhook_id: str,
    alert_id: str,
    payload: str,
    at: datetime,
) -> bool:
    row = cur.execute(
        """INSERT INTO webhook_deliveries VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL, NULL,
                                                  ?, ?, NULL)
           ON CONFLICT DO NOTHING RETURNING delivery_id""",
        [delivery_id, webhook_id, alert_id, payload, at, at, at],
    ).fetchone()
    return row is not None


DELIVERY_SELECT = """SELECT d.delivery_id, d.webhook_id, d.alert_id, d.payload, d.status,
    d.attempts, d.next_attempt_at, d.last_error, d.response_status, d.delivered_at, w.url,
    w.max_attempts
    FROM webhook_deliveries d JOIN webhooks w USING (webhook_id)"""


def _delivery(row: tuple[Any, ...]) -> Delivery:
    return Delivery(
        delivery_id=row[0],
        webhook_id=row[1],
        alert_id=row[2],
        payload=row[3],
        status=row[4],
        attempts=int(row[5]),
        next_attempt_at=row[6],
        last_error=row[7],
        response_status=row[8],
        delivered_at=row[9],
        url=row[10],
        max_attempts=int(row[11]),
    )


def due_deliveries(cur: duckdb.DuckDBPyConnection, now: datetime, limit: int) -> list[Delivery]:
    rows = cur.execute(
        f"{DELIVERY_SELECT} WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
        "ORDER BY d.next_attempt_at, d.delivery_id LIMIT ?",
        [now, limit],
    ).fetchall()
    return [_delivery(r) for r in rows]


def next_due(cur: duckdb.DuckDBPyConnection) -> datetime | None:
    row = cur.execute(
        "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'"
    ).fetchone()
    return row[0] if row else None


def list_deliveries(
    cur: duckdb.DuckDBPyConnection,
    *,
    status: str | None = None,
    alert_id: str | None = None,
    limit: int = 100,
) -> list[Delivery]:
    where, params = [], []
    for column, value in (("d.status", status), ("d.alert_id", alert_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = cur.execute(
        f"{DELIVERY_SELECT} {clause} ORDER BY d.created_at DESC, d.delivery_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [_delivery(r) for r in rows]


def record_attempt(
    cur: duckdb.DuckDBPyConnection,
    delivery_id: str,
    *,
    status: str,
    attempts: int,
    next_attempt_at: datetime,
    error: str | None,
    response_status: int | None,
    at: datetime,
) -> None:
    cur.execute(
        """UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?,
             last_error = ?, response_status = ?, updated_at = ?,
             delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
           WHERE delivery_id = ?""",
        [status, attempts, next_attempt_at, error, response_status, at, status, at,
         delivery_id],
    )  # fmt: skip


def requeue_delivery(cur: duckdb.DuckDBPyConnection, delivery_id: str, at: datetime) -> bool:
    """Give a dead delivery a fresh set of attempts."""
    row = cur.execute(
        """UPDATE webhook_deliveries SET status = 'pending', attempts = 0,
             next_attempt_at = ?, updated_at = ?
           WHERE delivery_id = ? AND status = 'dead' RETURNING delivery_id""",
        [at, at, delivery_id],
    ).fetchone()
    return row is not None
