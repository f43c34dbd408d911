"""Parsing of JSON batch bodies: a list, or an object holding the list under one key."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError

from uxlift.errors import BadRequest, InvalidInput, PayloadTooLarge

ModelT = TypeVar("ModelT", bound=BaseModel)


async def read_json(request: Request) -> Any:
    """The body parsed as JSON (400 when it is not)."""
    raw = await request.body()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"body is not valid JSON: {exc}") from None


async def read_model(request: Request, model: type[ModelT]) -> ModelT:
    """Parse and validate a JSON object body (after authentication has run)."""
    payload = await read_json(request)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "<body>", "reason": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise InvalidInput("the request body is invalid", details=details) from None


async def read_batch(request: Request, key: str, *, max_rows: int) -> list[Any]:
    """The rows of a batch body ``[...]`` or ``{key: [...]}``."""
    payload = await read_json(request)
    rows = payload.get(key) if isinstance(payload, dict) else payload
    if not isinstance(rows, list):
        raise BadRequest(
            f"body must be a JSON array or an object with a '{key}' array",
            details=[{"field": key, "reason": "missing or not an array"}],
        )
    if len(rows) > max_rows:
        raise PayloadTooLarge(
            f"batch of {len(rows)} rows exceeds the limit of {max_rows}",
            details=[{"field": key, "reason": f"at most {max_rows} rows per request"}],
        )
    return rows
