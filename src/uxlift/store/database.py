"""The DuckDB-backed store: one writer, many readers, numbered migrations.

DuckDB allows one writing process per file. Inside that process, writes go
through :meth:`Store.transaction` (serialized by a lock, committed atomically,
durable once it returns); reads use short-lived cursors and may run in
parallel threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from uxlift.errors import StorageError
from uxlift.store.migrations import MIGRATIONS, Migration

log = logging.getLogger(__name__)


class Store:
    """An open uxlift database file."""

    def __init__(self, path: Path | str, *, memory_limit: str = "1GB", threads: int = 2) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(
                str(self.path),
                config={
                    "memory_limit": memory_limit,
                    "threads": threads,
                    "autoinstall_known_extensions": False,
                    "autoload_known_extensions": False,
                },
            )
        except duckdb.IOException as exc:
            raise StorageError(
                f"cannot open the store at {self.path}: {exc}. "
                "Is a uxlift server already running on this data dir? Use its API, or stop it."
            ) from exc
        self._write_lock = threading.RLock()
        self._closed = False
        self.migrate()

    # -- connections -------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor for reads; safe to use from the calling thread."""
        if self._closed:
            raise StorageError("the store is closed")
        return self._conn.cursor()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Serialize a write: commit on success, roll back on any error."""
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    def close(self) -> None:
        if not self._closed:
            with self._write_lock:
                self._conn.execute("CHECKPOINT")
                self._conn.close()
                self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations --------------------------------------------------------
    def schema_version(self) -> int:
        cur = self.cursor()
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or exists[0] == 0:
            return 0
        row = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(row[0]) if row else 0

    def migrate(self, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
        """Apply every migration newer than the current schema version."""
        with self._write_lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
            current = self.schema_version()
            applied: list[int] = []
            for migration in sorted(migrations, key=lambda m: m.version):
                if migration.version <= current:
                    continue
                try:
                    with self.transaction() as cur:
                        for statement in migration.statements:
                            cur.execute(statement)
                        cur.execute(
                            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                            [migration.version, migration.name, utcnow()],
                        )
                except duckdb.Error as exc:
                    raise StorageError(
                        f"migration {migration.version} ({migration.name}) failed: {exc}"
                    ) from exc
                log.info("applied migration %d (%s)", migration.version, migration.name)
                applied.append(migration.version)
            return applied

    def ping(self) -> None:
        """Raise StorageError unless the database answers."""
        try:
            self.cursor().execute("SELECT 1").fetchone()
        except duckdb.Error as exc:
            raise StorageError(f"the store does not answer: {exc}") from exc

    def user_tables(self) -> list[tuple[str, str]]:
        """Every (table, user column) registered as holding per-user rows."""
        from uxlift.store.users import user_tables

        return user_tables(self.cursor())


def utcnow() -> datetime:
    """Current UTC time as a naive datetime (the store keeps UTC without zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def registered(
    cur: duckdb.DuckDBPyConnection, name: str, table: object
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Expose an Arrow table to SQL as ``name`` for the duration of the block."""
    cur.register(name, table)
    try:
        yield cur
    except BaseException:
        # An aborted transaction refuses even this; the error that aborted it counts.
        with suppress(duckdb.Error):
            cur.unregister(name)
        raise
    cur.unregister(name)


def read_meta(cur: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else None


def write_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
