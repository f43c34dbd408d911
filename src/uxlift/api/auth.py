"""Authentication and authorization as FastAPI dependencies.

``require("ingest")`` guards a route: 401 without a valid key, 403 when the key
lacks the scope, 429 past the key's rate limit. Keys come as
``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from uxlift.store.keys import ApiKeyRecord

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: <API key>")


async def _presented_key(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    header: Annotated[str | None, Security(_header)],
) -> str | None:
    if bearer is not None and bearer.credentials:
        return bearer.credentials
    return header


def require(scope: str) -> Callable[..., ApiKeyRecord]:
    """Dependency factory: the caller's key record, if it holds ``scope``."""

    # Async on purpose: the checks are in-memory (a key's record is cached after its
    # first use), so running them on the event loop saves two thread hops a request.
    async def dependency(
        request: Request, key: Annotated[str | None, Depends(_presented_key)]
    ) -> ApiKeyRecord:
        state = request.app.state
        record = state.services.keys.authorize(key, scope)
        state.rate_limiter.check(record.key_id)
        request.state.actor = f"key:{record.key_id}"
        return record

    dependency.__name__ = f"require_{scope}"
    return dependency
