"""Erase or export everything stored about one user, with an audit trail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uxlift.errors import NotFound
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.store import Store, audit
from uxlift.store import users as user_rows
from uxlift.store.database import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErasureReport:
    user_key: str
    deleted: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.deleted.values())

    def to_dict(self) -> dict[str, Any]:
        return {"user_key": self.user_key, "deleted": self.deleted, "total": self.total}


class UserDataService:
    """Right to erasure and right of access, over every registered user table."""

    def __init__(self, store: Store, pseudonymizer: Pseudonymizer) -> None:
        self.store = store
        self.pseudonymizer = pseudonymizer
        self._listeners: list[Callable[[str], None]] = []

    def add_listener(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(user_key)`` after each erasure (in-memory state must forget too)."""
        self._listeners.append(listener)

    def erase(self, raw_user_id: str, *, actor: str) -> ErasureReport:
        """Delete every row of the user, then record the erasure (never the raw id)."""
        user_key = self.pseudonymizer.user_key(raw_user_id)
        with self.store.transaction() as cur:
            deleted = user_rows.erase_user(cur, user_key)
            audit.append(
                cur,
                at=utcnow(),
                actor=actor,
                action="user.erase",
                target=user_key,
                details={"deleted": deleted},
            )
        for listener in self._listeners:
            try:
                listener(user_key)
            except Exception:  # the erasure itself is committed; say what was left
                log.exception("an erasure listener failed for %s", user_key)
        return ErasureReport(user_key, deleted)

    def export(self, raw_user_id: str, *, actor: str) -> dict[str, Any]:
        user_key = self.pseudonymizer.user_key(raw_user_id)
        cur = self.store.cursor()
        if not user_rows.user_exists(cur, user_key):
            raise NotFound("no data stored for this user")
        data = user_rows.export_user(cur, user_key)
        with self.store.transaction() as wcur:
            audit.append(wcur, at=utcnow(), actor=actor, action="user.export", target=user_key)
        return {"user_key": user_key, "tables": data}
