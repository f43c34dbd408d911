"""Turn simulated columns into the chronological list of event dicts.

Events are gathered as numpy columns per type, sorted once by timestamp, and
only then materialised as dicts with seeded uuid-like event ids and session
ids (which never contain the user id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EVENT_TYPES = ("view", "click", "add_to_cart", "purchase", "rate", "review", "search", "chat")
_TEXT_TYPES = frozenset({"review", "search", "chat"})


@dataclass
class EventColumns:
    """Accumulates events as aligned arrays: session, time, type, item, value, text."""

    parts: list[dict[str, np.ndarray]] = field(default_factory=list)

    def add(
        self,
        kind: str,
        session: np.ndarray,
        time: np.ndarray,
        *,
        item: np.ndarray | None = None,
        value: np.ndarray | None = None,
        text: np.ndarray | None = None,
    ) -> None:
        """Append ``len(session)`` events of one ``kind``; text holds indices into a list."""
        n = len(session)
        self.parts.append(
            {
                "kind": np.full(n, EVENT_TYPES.index(kind), dtype=np.int8),
                "session": np.asarray(session, dtype=np.int64),
                "time": np.asarray(time, dtype=float),
                "item": np.full(n, -1) if item is None else np.asarray(item, dtype=np.int64),
                "value": np.full(n, np.nan) if value is None else np.asarray(value, dtype=float),
                "text": np.full(n, -1) if text is None else np.asarray(text, dtype=np.int64),
            }
        )

    def sorted_columns(self) -> dict[str, np.ndarray]:
        """All events concatenated and stably sorted by time."""
        merged = {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}
        order = np.argsort(merged["time"], kind="stable")
        return {k: v[order] for k, v in merged.items()}


@dataclass(frozen=True)
class SessionTable:
    """Who owns each session and on which device it ran."""

    user: np.ndarray
    mobile: np.ndarray


def uuid_like(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` version-4-shaped UUID strings drawn from ``rng`` (deterministic)."""
    raw = rng.bytes(16 * n).hex()
    ids = []
    for i in range(0, 32 * n, 32):
        h = raw[i : i + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return ids


def session_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Opaque session ids; random, so they cannot embed the user id."""
    raw = rng.bytes(8 * n).hex()
    return [f"sess-{raw[i : i + 16]}" for i in range(0, 16 * n, 16)]


def build_events(
    rng: np.random.Generator,
    columns: EventColumns,
    sessions: SessionTable,
    user_ids: list[str],
    item_ids: list[str],
    texts: list[str],
    text_languages: list[str],
) -> list[dict]:
    """Materialise sorted event dicts matching the uxlift event shape."""
    cols = columns.sorted_columns()
    n = len(cols["time"])
    event_ids = uuid_like(rng, n)
    sids = session_ids(rng, len(sessions.user))
    devices = np.where(sessions.mobile, "mobile", "desktop").tolist()
    owners = [user_ids[u] for u in sessions.user.tolist()]
    events = []
    rows = zip(
        *(cols[k].tolist() for k in ("kind", "session", "time", "item", "value", "text")),
        strict=True,
    )
    for event_id, (kind, session, time, item, value, text) in zip(event_ids, rows, strict=True):
        kind_name = EVENT_TYPES[kind]
        properties = {"device": devices[session]}
        if kind_name in _TEXT_TYPES:
            properties["language"] = text_languages[text]
        events.append(
            {
                "event_id": event_id,
                "user_id": owners[session],
                "item_id": item_ids[item] if item >= 0 else None,
                "type": kind_name,
                "value": None if value != value else value,  # NaN -> None
                "text": texts[text] if text >= 0 else None,
                "session_id": sids[session],
                "timestamp": time,
                "properties": properties,
            }
        )
    return events
