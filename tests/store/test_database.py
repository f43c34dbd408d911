"""The store: migrations, idempotent inserts, collisions, crash durability."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pytest

from uxlift.errors import StorageError
from uxlift.store import Store
from uxlift.store import events as event_rows
from uxlift.store.events import EVENT_ARROW_SCHEMA, insert_events, store_event_batch
from uxlift.store.migrations import MIGRATIONS, Migration, register_user_table


def _batch(ids: list[str], user: str = "u_1") -> pa.Table:
    n = len(ids)
    return pa.table(
        {
            "event_key": [event_rows.event_key(i) for i in ids],
            "event_id": ids,
            "user_key": [user] * n,
            "item_id": ["sku-1"] * n,
            "type": ["view"] * n,
            "value": [None] * n,
            "text": [None] * n,
            "session_id": [None] * n,
            "ts": pa.array([1_700_000_000_000_000] * n, pa.timestamp("us")),
            "properties": [None] * n,
            "received_at": pa.array([1_700_000_000_000_000] * n, pa.timestamp("us")),
        },
        schema=EVENT_ARROW_SCHEMA,
    )


def test_migrations_run_once_and_record_their_version(tmp_path: Path) -> None:
    with Store(tmp_path / "a.duckdb") as store:
        assert store.schema_version() == MIGRATIONS[-1].version
        assert store.migrate() == []
    with Store(tmp_path / "a.duckdb") as store:
        assert store.migrate() == []
        assert ("events", "user_key") in store.user_tables()


def test_a_new_migration_adds_a_user_table_that_erasure_then_covers(tmp_path: Path) -> None:
    extra = Migration(
        999,
        "test_table",
        ("CREATE TABLE notes (user_key VARCHAR, note VARCHAR)", register_user_table("notes")),
    )
    with Store(tmp_path / "b.duckdb") as store:
        assert store.migrate((*MIGRATIONS, extra)) == [999]
        assert ("notes", "user_key") in store.user_tables()


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    broken = Migration(998, "broken", ("CREATE TABLE half (x INT)", "THIS IS NOT SQL"))
    with Store(tmp_path / "c.duckdb") as store:
        with pytest.raises(StorageError, match="migration 998"):
            store.migrate((*MIGRATIONS, broken))
        assert store.schema_version() == MIGRATIONS[-1].version
        tables = (
            store.cursor().execute("SELECT table_name FROM information_schema.tables").fetchall()
        )
        assert ("half",) not in tables


def test_insert_is_idempotent_within_and_across_batches(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        with store.transaction() as cur:
            assert insert_events(cur, _batch(["a", "b", "a"])) == 2
        with store.transaction() as cur:
            assert insert_events(cur, _batch(["b", "c"])) == 1
        assert event_rows.count_events(store.cursor()) == 3


def _ids(store: Store) -> list[str]:
    rows = store.cursor().execute("SELECT event_id FROM events ORDER BY event_id").fetchall()
    return [r[0] for r in rows]


def test_stored_batches_skip_what_is_already_there_and_touch_users(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert store_event_batch(store, _batch(["a", "b"])) == 2  # all new: plain insert
        assert store_event_batch(store, _batch(["a", "b"])) == 0  # a retry
        assert store_event_batch(store, _batch(["c", "b", "d"], user="u_2")) == 2  # overlap
        assert store_event_batch(store, _batch(["e", "e"])) == 1  # repeated inside
        assert store_event_batch(store, _batch([])) == 0
        assert _ids(store) == ["a", "b", "c", "d", "e"]
        users = store.cursor().execute("SELECT user_key FROM users ORDER BY 1").fetchall()
        assert users == [("u_1",), ("u_2",)]


def test_a_failed_plain_insert_leaves_nothing_half_done(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        store_event_batch(store, _batch(["m"]))
        # "m" sorts into the middle of the key order: rows before it were inserted
        # by the first attempt, which must have been rolled back, not kept twice.
        many = [f"n{i}" for i in range(2_000)] + ["m"]
        assert store_event_batch(store, _batch(many)) == 2_000
        assert event_rows.count_events(store.cursor()) == 2_001
        assert store_event_batch(store, _batch(many, user="u_3"), maintain_users=False) == 0
        users = store.cursor().execute("SELECT user_key FROM users").fetchall()
        assert users == [("u_1",)]


def test_digest_collisions_never_merge_distinct_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_key = event_rows.event_key

    def colliding_key(event_id: str, probe: int = 0) -> int:
        return 42 if probe == 0 else real_key(event_id, probe)

    monkeypatch.setattr(event_rows, "event_key", colliding_key)
    with Store(tmp_path / "e.duckdb") as store:
        batch = _batch(["x"]).set_column(0, "event_key", pa.array([42], pa.uint64()))
        with store.transaction() as cur:
            assert insert_events(cur, batch) == 1
        other = _batch(["y", "z"]).set_column(0, "event_key", pa.array([42, 42], pa.uint64()))
        with store.transaction() as cur:
            assert insert_events(cur, other) == 2
        with store.transaction() as cur:
            assert insert_events(cur, other) == 0
        assert store_event_batch(store, other) == 0
        assert _ids(store) == ["x", "y", "z"]
        colliding = _batch(["w"]).set_column(0, "event_key", pa.array([42], pa.uint64()))
        assert store_event_batch(store, colliding) == 1  # plain insert fails, probing stores it
        assert _ids(store) == ["w", "x", "y", "z"]


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "crash.duckdb"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_database import _batch
        from uxlift.store import Store
        from uxlift.store.events import insert_events
        store = Store({str(db)!r})
        for b in range(5):
            with store.transaction() as cur:
                insert_events(cur, _batch([f"e{{b}}-{{i}}" for i in range(100)]))
            print("ack", b, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout.count("ack") == 5
    with Store(db) as store:
        assert event_rows.count_events(store.cursor()) == 500
    assert os.path.exists(db)


def test_second_process_gets_a_clear_storage_error(tmp_path: Path) -> None:
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from uxlift.store import Store; import time; "
            f"s = Store({str(db)!r}); print('open', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        from uxlift.errors import StorageError

        with pytest.raises(StorageError, match="already running"):
            Store(db)
    finally:
        holder.kill()
        holder.wait()
