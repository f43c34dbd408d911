"""Event rows: idempotent batch insert and the queries other capabilities read.

Idempotency is keyed on ``event_id``. The primary key is a 64-bit digest of the
id (``event_key``): a fixed-width key keeps the index small and inserts fast on
large logs. Digest collisions between different ids are detected and resolved
by probing the next key, so two distinct events are never merged.
"""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.store.database import Store, registered

EVENT_ARROW_SCHEMA = pa.schema(
    [
        ("event_key", pa.uint64()),
        ("event_id", pa.string()),
        ("user_key", pa.string()),
        ("item_id", pa.string()),
        ("type", pa.string()),
        ("value", pa.float64()),
        ("text", pa.string()),
        ("session_id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("properties", pa.string()),
        ("received_at", pa.timestamp("us")),
    ]
)
EVENT_COLUMNS: tuple[str, ...] = tuple(EVENT_ARROW_SCHEMA.names)
MAX_PROBES = 8


def event_key(event_id: str, probe: int = 0) -> int:
    """The 64-bit storage key of an event id (``probe`` > 0 after a collision)."""
    data = event_id.encode("utf-8") if probe == 0 else f"{event_id}\x00{probe}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def store_event_batch(store: Store, batch: pa.Table, *, maintain_users: bool = True) -> int:
    """Store a batch in one durable transaction; return how many rows were new.

    Most batches hold only new ids, and DuckDB inserts them about twice as fast
    with a plain ``INSERT`` as with ``INSERT OR IGNORE`` (8.6 s against 16.4 s for
    5M rows here). So that is tried first; a taken key (a retry, a repeated id, a
    digest collision) fails it before anything commits, and the batch is then
    stored by :func:`insert_events`, which skips what is already there.
    """
    if batch.num_rows == 0:
        return 0
    pending = in_key_order(batch)
    keys = pending.column("event_key")
    if batch.num_rows == 1 or not pc.any(pc.equal(keys[:-1], keys[1:])).as_py():
        try:
            with store.transaction() as cur:
                stored = _insert(cur, pending, ignore_taken=False)
                if maintain_users:
                    _touch_users(cur, pending)
                return stored
        except duckdb.ConstraintException:
            pass  # rolled back: nothing of this batch is stored
    with store.transaction() as cur:
        return insert_events(cur, pending, maintain_users=maintain_users)


def insert_events(
    cur: duckdb.DuckDBPyConnection, batch: pa.Table, *, maintain_users: bool = True
) -> int:
    """Store the rows whose event_id is new; return how many were stored.

    Rows repeating an event_id already stored, or repeated inside the batch,
    are skipped, which makes retries idempotent. Also keeps ``users`` current,
    unless ``maintain_users`` is False (bulk loads call :func:`refresh_users`
    once at the end instead). Call inside a transaction.
    """
    if batch.num_rows == 0:
        return 0
    stored = 0
    pending = in_key_order(batch)
    for probe in range(MAX_PROBES):
        inserted = _insert(cur, pending, ignore_taken=True)
        stored += inserted
        if inserted == pending.num_rows:
            break
        pending = _colliding_rows(cur, pending)
        if pending.num_rows == 0:
            break
        keys = [event_key(eid, probe + 1) for eid in pending.column("event_id").to_pylist()]
        pending = pending.set_column(0, "event_key", pa.array(keys, pa.uint64()))
    if maintain_users:
        _touch_users(cur, batch)
    return stored


def in_key_order(batch: pa.Table) -> pa.Table:
    """The rows by event key. Key order makes the index inserts local (about 15%
    faster on large batches); the sort is stable, so the first of repeated ids still
    wins. A batch already in order (sorted by a bulk import's reader) is returned."""
    keys = batch.column("event_key")
    if batch.num_rows < 2 or pc.all(pc.less_equal(keys[:-1], keys[1:])).as_py():
        return batch
    return batch.take(pc.sort_indices(keys))


def _insert(cur: duckdb.DuckDBPyConnection, rows: pa.Table, *, ignore_taken: bool) -> int:
    """Insert the rows not erased before; a taken key is skipped or, without
    ``ignore_taken``, fails the statement (``duckdb.ConstraintException``)."""
    with registered(cur, "incoming_events", rows):
        tombstones = cur.execute("SELECT EXISTS (SELECT 1 FROM erased_event_keys)").fetchone()
        not_erased = (
            " WHERE event_key NOT IN (SELECT event_key FROM erased_event_keys)"
            if tombstones and tombstones[0]
            else ""
        )
        verb = "INSERT OR IGNORE" if ignore_taken else "INSERT"
        result = cur.execute(
            f"{verb} INTO events SELECT {', '.join(EVENT_COLUMNS)} FROM incoming_events{not_erased}"
        ).fetchone()
    return int(result[0]) if result else 0


def _colliding_rows(cur: duckdb.DuckDBPyConnection, rows: pa.Table) -> pa.Table:
    """Rows whose key is taken by a *different* event id (a digest collision)."""
    with registered(cur, "incoming_events", rows):
        colliding = cur.sql(
            "SELECT DISTINCT i.* FROM incoming_events i JOIN events e USING (event_key) "
            "WHERE e.event_id <> i.event_id "
            "AND NOT EXISTS (SELECT 1 FROM events s WHERE s.event_id = i.event_id)"
        ).to_arrow_table()
    return colliding.cast(EVENT_ARROW_SCHEMA)


def _touch_users(cur: duckdb.DuckDBPyConnection, rows: pa.Table) -> None:
    with registered(cur, "incoming_events", rows):
        cur.execute(
            """INSERT INTO users AS u (user_key, first_seen, last_seen)
               SELECT user_key, min(ts), max(ts) FROM incoming_events GROUP BY user_key
               ON CONFLICT (user_key) DO UPDATE SET
                 first_seen = least(u.first_seen, excluded.first_seen),
                 last_seen = greatest(u.last_seen, excluded.last_seen)"""
        )


def refresh_users(cur: duckdb.DuckDBPyConnection) -> None:
    """Rebuild ``users`` (first and last seen) from the whole event log."""
    cur.execute(
        "INSERT OR REPLACE INTO users "
        "SELECT user_key, min(ts), max(ts) FROM events GROUP BY user_key"
    )


def count_events(cur: duckdb.DuckDBPyConnection, *, user_key: str | None = None) -> int:
    if user_key is None:
        row = cur.execute("SELECT count(*) FROM events").fetchone()
    else:
        row = cur.execute("SELECT count(*) FROM events WHERE user_key = ?", [user_key]).fetchone()
    return int(row[0]) if row else 0
