"""Conversation, message and hand-off ticket rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import orjson


def insert_conversation(
    cur: duckdb.DuckDBPyConnection,
    conversation_id: str,
    user_key: str,
    language: str | None,
    state: dict[str, Any],
    at: datetime,
) -> None:
    cur.execute(
        "INSERT INTO conversations VALUES (?, ?, ?, 'open', ?, ?, ?)",
        [conversation_id, user_key, language, orjson.dumps(state).decode(), at, at],
    )


def get_conversation(cur: duckdb.DuckDBPyConnection, conversation_id: str) -> dict | None:
    row = cur.execute(
        "SELECT conversation_id, user_key, language, status, state, created_at, updated_at "
        "FROM conversations WHERE conversation_id = ?",
        [conversation_id],
    ).fetchone()
    if row is None:
        return None
    keys = ("id", "user_key", "language", "status", "state", "created_at", "updated_at")
    out = dict(zip(keys, row, strict=True))
    out["state"] = orjson.loads(out["state"])
    return out


def update_conversation(
    cur: duckdb.DuckDBPyConnection,
    conversation_id: str,
    *,
    state: dict[str, Any],
    status: str,
    language: str | None,
    at: datetime,
) -> None:
    cur.execute(
        "UPDATE conversations SET state = ?, status = ?, language = ?, updated_at = ? "
        "WHERE conversation_id = ?",
        [orjson.dumps(state).decode(), status, language, at, conversation_id],
    )


MESSAGE_COLUMNS = (
    "message_id", "conversation_id", "user_key", "role", "text", "action", "intent",
    "confidence", "sources", "latency_ms", "ts",
)  # fmt: skip


def insert_message(cur: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    values = [row.get(c) for c in MESSAGE_COLUMNS]
    values[MESSAGE_COLUMNS.index("sources")] = orjson.dumps(row.get("sources") or []).decode()
    cur.execute(
        f"INSERT INTO conversation_messages ({', '.join(MESSAGE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(MESSAGE_COLUMNS))})",
        values,
    )


def _message(row: tuple[Any, ...]) -> dict[str, Any]:
    out = dict(zip(MESSAGE_COLUMNS, row, strict=True))
    out["sources"] = orjson.loads(out["sources"]) if out["sources"] else []
    return out


def get_message(cur: duckdb.DuckDBPyConnection, message_id: str) -> dict[str, Any] | None:
    row = cur.execute(
        f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM conversation_messages WHERE message_id = ?",
        [message_id],
    ).fetchone()
    return _message(row) if row else None


def messages(cur: duckdb.DuckDBPyConnection, conversation_id: str) -> list[dict[str, Any]]:
    rows = cur.execute(
        f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM conversation_messages "
        "WHERE conversation_id = ? ORDER BY ts, message_id",
        [conversation_id],
    ).fetchall()
    return [_message(r) for r in rows]


TICKET_COLUMNS = (
    "ticket_id", "conversation_id", "user_key", "reason", "status", "transcript",
    "agent_reply", "agent", "created_at", "updated_at",
)  # fmt: skip


def insert_ticket(cur: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    values = [row.get(c) for c in TICKET_COLUMNS]
    values[TICKET_COLUMNS.index("transcript")] = orjson.dumps(row["transcript"]).decode()
    cur.execute(
        f"INSERT INTO handoff_tickets VALUES ({', '.join('?' * len(TICKET_COLUMNS))})", values
    )


def _ticket(row: tuple[Any, ...]) -> dict[str, Any]:
    out = dict(zip(TICKET_COLUMNS, row, strict=True))
    out["transcript"] = orjson.loads(out["transcript"])
    return out


def get_ticket(cur: duckdb.DuckDBPyConnection, ticket_id: str) -> dict[str, Any] | None:
    row = cur.execute(
        f"SELECT {', '.join(TICKET_COLUMNS)} FROM handoff_tickets WHERE ticket_id = ?",
        [ticket_id],
    ).fetchone()
    return _ticket(row) if row else None


def open_ticket_of(cur: duckdb.DuckDBPyConnection, conversation_id: str) -> dict | None:
    row = cur.execute(
        f"SELECT {', '.join(TICKET_COLUMNS)} FROM handoff_tickets "
        "WHERE conversation_id = ? AND status = 'open' ORDER BY created_at DESC LIMIT 1",
        [conversation_id],
    ).fetchone()
    return _ticket(row) if row else None


def list_tickets(
    cur: duckdb.DuckDBPyConnection, status: str | None, limit: int
) -> list[dict[str, Any]]:
    clause, params = ("WHERE status = ?", [status]) if status else ("", [])
    rows = cur.execute(
        f"SELECT {', '.join(TICKET_COLUMNS)} FROM handoff_tickets {clause} "
        "ORDER BY created_at DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [_ticket(r) for r in rows]


def answer_ticket(
    cur: duckdb.DuckDBPyConnection, ticket_id: str, reply: str, agent: str, at: datetime
) -> None:
    cur.execute(
        "UPDATE handoff_tickets SET status = 'answered', agent_reply = ?, agent = ?, "
        "updated_at = ? WHERE ticket_id = ?",
        [reply, agent, at, ticket_id],
    )


def append_transcript(
    cur: duckdb.DuckDBPyConnection, ticket_id: str, line: dict[str, Any], at: datetime
) -> None:
    ticket = get_ticket(cur, ticket_id)
    if ticket is None:
        return
    transcript = [*ticket["transcript"], line]
    cur.execute(
        "UPDATE handoff_tickets SET transcript = ?, updated_at = ? WHERE ticket_id = ?",
        [orjson.dumps(transcript, default=str).decode(), at, ticket_id],
    )


def assistant_metrics(cur: duckdb.DuckDBPyConnection, since: datetime | None) -> dict[str, Any]:
    """Containment, hand-off rate, CSAT and first-answer latency over conversations."""
    where = "WHERE c.created_at >= ?" if since else ""
    params = [since] if since else []
    row = cur.execute(
        f"""SELECT count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM handoff_tickets t
                                                  WHERE t.conversation_id = c.conversation_id))
            FROM conversations c {where}""",
        params,
    ).fetchone()
    latency = cur.execute(
        f"""SELECT quantile_cont(latency_ms, 0.5), quantile_cont(latency_ms, 0.95)
            FROM (SELECT m.latency_ms FROM conversation_messages m
                  JOIN conversations c USING (conversation_id)
                  WHERE m.role = 'assistant' AND m.latency_ms IS NOT NULL
                  {"AND c.created_at >= ?" if since else ""})""",
        params,
    ).fetchone()
    conversations, handed = (int(row[0]), int(row[1])) if row else (0, 0)
    return {
        "conversations": conversations,
        "handoffs": handed,
        "handoff_rate": round(handed / conversations, 4) if conversations else None,
        "containment_rate": round(1 - handed / conversations, 4) if conversations else None,
        "first_answer_latency_ms_p50": latency[0] if latency else None,
        "first_answer_latency_ms_p95": latency[1] if latency else None,
    }


def feedback_metrics(
    cur: duckdb.DuckDBPyConnection, surface: str, since: datetime | None
) -> dict[str, Any]:
    """CSAT (mean of 1-5 answers) and the helpful share, from ``feedback`` events."""
    where = "AND ts >= ?" if since else ""
    row = cur.execute(
        f"""SELECT avg(value), count(value),
                   avg(CASE WHEN json_extract(properties, '$.helpful')::BOOLEAN
                       THEN 1.0 ELSE 0.0 END)
                       FILTER (WHERE json_extract(properties, '$.helpful') IS NOT NULL)
            FROM events WHERE type = 'feedback'
              AND json_extract_string(properties, '$.surface') = ? {where}""",
        [surface, *([since] if since else [])],
    ).fetchone()
    return {
        "csat": round(float(row[0]), 3) if row and row[0] is not None else None,
        "csat_responses": int(row[1]) if row else 0,
        "helpful_rate": round(float(row[2]), 4) if row and row[2] is not None else None,
    }
