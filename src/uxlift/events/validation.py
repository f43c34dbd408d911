"""Row-by-row validation of batches: keep the valid rows, explain the rest.

Each rejected row yields one or more ``RowError(index, field, reason)`` naming
its position in the batch, the offending field and why, so a client can fix
exactly those rows and re-send them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from uxlift.events.schema import EventIn, ItemIn

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class RowError:
    index: int
    field: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Limits:
    """Size limits applied on top of the schema (from Settings)."""

    max_text_chars: int = 10_000
    max_properties_bytes: int = 8 * 1024
    max_future_skew_s: float = 86_400.0


@dataclass(frozen=True)
class ValidatedBatch(Generic[ModelT]):
    rows: list[ModelT]
    indices: list[int]
    errors: list[RowError]


def errors_from_exception(index: int, exc: ValidationError) -> list[RowError]:
    """Translate pydantic's errors into (index, field, reason) rows."""
    found: list[RowError] = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in err.get("loc", ())]
        message = str(err.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        if not loc and ": " in message:
            field, message = message.split(": ", 1)
            loc = [field]
        if err.get("type") == "extra_forbidden":
            message = "unknown field"
        found.append(RowError(index, ".".join(loc) or "<row>", message))
    return found


def _limit_errors(index: int, event: EventIn, limits: Limits, now: datetime) -> list[RowError]:
    errors: list[RowError] = []
    if event.text is not None and len(event.text) > limits.max_text_chars:
        errors.append(RowError(index, "text", f"longer than {limits.max_text_chars} characters"))
    if event.properties is not None:
        try:
            size = len(orjson.dumps(event.properties))
        except orjson.JSONEncodeError:
            return [RowError(index, "properties", "nested too deeply")]
        if size > limits.max_properties_bytes:
            errors.append(
                RowError(
                    index,
                    "properties",
                    f"{size} bytes as JSON; limit {limits.max_properties_bytes}",
                )
            )
    if event.timestamp is not None and event.timestamp > now + timedelta(
        seconds=limits.max_future_skew_s
    ):
        errors.append(RowError(index, "timestamp", "is too far in the future"))
    return errors


def validate_rows(
    rows: Sequence[Any],
    model: type[ModelT],
    start_index: int,
    extra_checks: Callable[[int, ModelT], list[RowError]] | None = None,
) -> ValidatedBatch[ModelT]:
    valid: list[ModelT] = []
    indices: list[int] = []
    errors: list[RowError] = []
    for offset, raw in enumerate(rows):
        index = start_index + offset
        if not isinstance(raw, dict):
            errors.append(RowError(index, "<row>", _not_an_object(raw)))
            continue
        try:
            row = model.model_validate(_drop_nulls(raw))
        except ValidationError as exc:
            errors.extend(errors_from_exception(index, exc))
            continue
        problems = extra_checks(index, row) if extra_checks else []
        if problems:
            errors.extend(problems)
            continue
        valid.append(row)
        indices.append(index)
    return ValidatedBatch(valid, indices, errors)


def validate_events(
    rows: Sequence[Any], limits: Limits, *, start_index: int = 0
) -> ValidatedBatch[EventIn]:
    """Validate raw event rows (dicts from JSON, CSV or Parquet)."""
    now = datetime.now(UTC)
    return validate_rows(
        rows, EventIn, start_index, lambda i, event: _limit_errors(i, event, limits, now)
    )


def validate_items(rows: Sequence[Any], *, start_index: int = 0) -> ValidatedBatch[ItemIn]:
    """Validate raw catalog rows."""
    return validate_rows(rows, ItemIn, start_index)


def _not_an_object(raw: Any) -> str:
    """Readers pass unparseable lines as objects with a ``reason``."""
    return str(getattr(raw, "reason", "must be a JSON object"))


def _drop_nulls(raw: dict[str, Any]) -> dict[str, Any]:
    """Treat explicit nulls (and empty CSV cells) as absent fields."""
    return {k: v for k, v in raw.items() if v is not None and v != ""}
