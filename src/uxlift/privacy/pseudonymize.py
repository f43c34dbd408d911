"""Keyed pseudonymization of user identifiers.

A raw user id never reaches the store: it is replaced by a keyed HMAC-SHA256
(truncated to 128 bits, hex). The same raw id always maps to the same key under
the same secret, so events join up, but the mapping cannot be reversed or
recomputed without the secret.
"""

from __future__ import annotations

import hashlib
import hmac

USER_KEY_PREFIX = "u_"
_DIGEST_HEX_CHARS = 32
# Keys computed lately, kept in memory only (raw ids are never written anywhere). A
# plain dict, emptied when full: a hit costs a lookup, which bulk imports make
# millions of times (an LRU's bookkeeping cost ten times more per hit).
MEMO_MAX_IDS = 200_000


class Pseudonymizer:
    """Maps raw user ids to stable, non-reversible user keys."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("secret must not be empty")
        self._secret = secret
        self._memo: dict[str, str] = {}

    def user_key(self, raw_user_id: str) -> str:
        key = self._memo.get(raw_user_id)
        if key is None:
            digest = hmac.new(self._secret, raw_user_id.encode("utf-8"), hashlib.sha256)
            key = USER_KEY_PREFIX + digest.hexdigest()[:_DIGEST_HEX_CHARS]
            if len(self._memo) >= MEMO_MAX_IDS:
                self._memo = {}
            self._memo[raw_user_id] = key
        return key

    def content_digest(self, payload: bytes) -> str:
        """Keyed digest of other content that may hold raw ids or PII (e.g. an event's
        fields, to derive its id): unguessable without the secret."""
        return hmac.new(self._secret, b"content\x00" + payload, hashlib.sha256).hexdigest()

    def fingerprint(self) -> str:
        """Identifies the secret without revealing it (stored to detect a changed key)."""
        return self.content_digest(b"uxlift-secret-fingerprint")[:32]

    def user_keys(self, raw_user_ids: list[str]) -> list[str]:
        """Pseudonymize many ids (repeated ids are computed once)."""
        memo, compute = self._memo, self.user_key
        return [memo.get(raw) or compute(raw) for raw in raw_user_ids]
