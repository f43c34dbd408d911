"""API keys: creation, authentication and revocation.

A key looks like ``uxl_<key id>_<secret>``. Only its SHA-256 is stored: keys are
long random strings, so a fast hash is enough and lookups stay cheap on every
request. ``admin`` implies every other scope.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Final

from uxlift.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from uxlift.store import Store, audit
from uxlift.store import keys as key_rows
from uxlift.store.database import utcnow
from uxlift.store.keys import ApiKeyRecord

SCOPES: Final = ("ingest", "read", "assist", "agent", "admin")
KEY_PREFIX: Final = "uxl_"


@dataclass(frozen=True)
class CreatedKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]
    secret: str


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def has_scope(record: ApiKeyRecord, scope: str) -> bool:
    return "admin" in record.scopes or scope in record.scopes


class KeyService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, ApiKeyRecord] = {}
        self._lock = threading.Lock()
        self._generation = 0  # bumped by revoke: a lookup begun before must not be cached

    def create(self, *, name: str, scopes: list[str], actor: str = "cli") -> CreatedKey:
        unknown = sorted(set(scopes) - set(SCOPES))
        if not scopes or unknown:
            raise InvalidInput(
                f"scopes must be a non-empty subset of {list(SCOPES)}",
                details=[
                    {"field": "scopes", "reason": f"unknown: {unknown}" if unknown else "empty"}
                ],
            )
        key_id = secrets.token_hex(6)
        plaintext = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        ordered = [s for s in SCOPES if s in scopes]
        with self.store.transaction() as cur:
            key_rows.insert_key(
                cur,
                key_id=key_id,
                key_hash=hash_key(plaintext),
                name=name,
                scopes=ordered,
                created_at=utcnow(),
            )
            audit.append(
                cur,
                at=utcnow(),
                actor=actor,
                action="key.create",
                target=key_id,
                details={"name": name, "scopes": ordered},
            )
        return CreatedKey(key_id, name, tuple(ordered), plaintext)

    def authenticate(self, plaintext: str | None) -> ApiKeyRecord:
        """The key's record, or Unauthorized when missing, unknown or revoked."""
        if not plaintext:
            raise Unauthorized("missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'")
        digest = hash_key(plaintext)
        record = self._cache.get(digest)
        if record is None:
            generation = self._generation
            record = key_rows.find_by_hash(self.store.cursor(), digest)
            if record is None or record.revoked_at is not None:
                raise Unauthorized("invalid or revoked API key")
            with self._lock:
                if generation == self._generation:
                    self._cache[digest] = record
        return record

    def authorize(self, plaintext: str | None, scope: str) -> ApiKeyRecord:
        record = self.authenticate(plaintext)
        if not has_scope(record, scope):
            raise Forbidden(f"this API key lacks the '{scope}' scope")
        return record

    def list(self) -> list[ApiKeyRecord]:
        return key_rows.list_keys(self.store.cursor())

    def revoke(self, key_id: str, *, actor: str = "cli") -> None:
        with self.store.transaction() as cur:
            if not key_rows.revoke_key(cur, key_id, utcnow()):
                raise NotFound(f"no active API key with id {key_id!r}")
            audit.append(cur, at=utcnow(), actor=actor, action="key.revoke", target=key_id)
        with self._lock:
            self._generation += 1
            self._cache.clear()
