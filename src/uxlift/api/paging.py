"""The bound of paging offsets: past it an offset cannot name a row, and the database's
64-bit integers would overflow."""

from __future__ import annotations

MAX_OFFSET = 1_000_000_000
