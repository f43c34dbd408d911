"""Database settings for one bulk import: capped memory, rarer checkpoints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from uxlift.store.database import Store
from uxlift.store.events import count_events

# During a bulk import DuckDB may hold at most this much (never more than the
# configured limit), leaving room for Arrow batches under a 1 GiB process; and
# it checkpoints less often, since each checkpoint rewrites the key index.
# The floor covers a 5M-row import into an empty store; the primary-key index
# of events already stored (about 60 bytes each) must stay in memory too.
BULK_MEMORY_LIMIT_MIB = 512
INDEX_BYTES_PER_EVENT = 60
BULK_CHECKPOINT_EXTRA_MIB = 128
BULK_CHECKPOINT_THRESHOLD = "256MB"
_SIZE = re.compile(r"^\s*([0-9.]+)\s*([KMGT]?)i?B\s*$", re.IGNORECASE)


@contextmanager
def bulk_load_settings(store: Store) -> Iterator[None]:
    """Tune the database for one bulk import; the previous settings come back after.

    Each insert stays one durable transaction; only memory use and checkpoint
    frequency change. A final checkpoint runs while memory is still capped.
    """
    cur = store.cursor()
    saved = cur.execute(
        "SELECT current_setting('memory_limit'), current_setting('checkpoint_threshold')"
    ).fetchone()
    memory, threshold = (str(v) for v in saved) if saved else ("", "")
    wanted = BULK_MEMORY_LIMIT_MIB + count_events(cur) * INDEX_BYTES_PER_EVENT / 2**20
    mib = _mebibytes(memory)
    limit = int(wanted if mib is None else min(mib, wanted))
    cur.execute(f"SET memory_limit = '{limit}MiB'")
    cur.execute(f"SET checkpoint_threshold = '{BULK_CHECKPOINT_THRESHOLD}'")
    try:
        yield
        # Arrow batches are gone now: checkpoint with more room, but still capped.
        room = limit + BULK_CHECKPOINT_EXTRA_MIB
        cur.execute(f"SET memory_limit = '{int(room if mib is None else min(mib, room))}MiB'")
        cur.execute("CHECKPOINT")
    finally:
        cur.execute(f"SET memory_limit = '{_restorable(memory)}'")
        cur.execute(f"SET checkpoint_threshold = '{_restorable(threshold)}'")
        cur.close()


def _mebibytes(size: str) -> float | None:
    """'953.6 MiB' -> 953.6; None when DuckDB words it some other way."""
    found = _SIZE.match(size)
    if not found:
        return None
    power = " KMGT".index(found.group(2).upper() or " ")
    return float(found.group(1)) * 1024 ** (power - 2)


def _restorable(size: str) -> str:
    """DuckDB shows sizes cut to one decimal; add half a step so they read back the same."""
    found = _SIZE.match(size)
    if not found:
        return size
    return f"{float(found.group(1)) + 0.05:.2f} {found.group(2).upper()}iB"
