"""Wire schemas of events and catalog items, as users send them."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

CORE_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "view",
        "click",
        "add_to_cart",
        "purchase",
        "rate",
        "review",
        "search",
        "exposure",
        "chat",
        "feedback",
    }
)
CUSTOM_TYPE_PATTERN = re.compile(r"^custom:[a-z0-9_][a-z0-9_.\-]{0,63}$")
# what the OpenAPI document shows of an event type (the validator below decides)
EVENT_TYPE_SHAPE = "^({}|{})$".format(
    "|".join(sorted(CORE_EVENT_TYPES)), CUSTOM_TYPE_PATTERN.pattern.strip("^$")
)
ITEM_REQUIRED_TYPES = frozenset({"view", "click", "add_to_cart", "purchase", "rate"})
TEXT_REQUIRED_TYPES = frozenset({"review", "search", "chat"})
VALUE_REQUIRED_TYPES = frozenset({"rate"})
EARLIEST_TIMESTAMP = datetime(2000, 1, 1, tzinfo=UTC)


def _id_to_str(value: Any) -> Any:
    """Accept integer ids (common in exports) as their decimal string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Identifier = Annotated[str, BeforeValidator(_id_to_str), Field(min_length=1, max_length=256)]


def json_object_text(value: Any) -> Any:
    """Exports often carry a JSON object as text; accept that form too."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise ValueError("is not a valid JSON object") from None
    return value


def parse_timestamp(value: Any) -> datetime:
    """RFC 3339 text or epoch seconds -> aware UTC datetime. Raises ValueError."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError("must be a finite number of epoch seconds")
        if value > 1e11:
            raise ValueError("epoch seconds expected; this looks like milliseconds")
        if value < 0:
            raise ValueError("is before 2000-01-01")
        moment = datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.replace(".", "", 1).isdigit():
            return parse_timestamp(float(text))
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError(
                "must be RFC 3339 (e.g. 2026-05-01T12:00:00Z) or epoch seconds"
            ) from None
        if moment.tzinfo is None:
            raise ValueError("RFC 3339 timestamps need a UTC offset (e.g. 'Z' or '+08:00')")
    else:
        raise ValueError("must be RFC 3339 text or epoch seconds")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 falls before year 1
        raise ValueError("is before 2000-01-01" if moment.year < 2000 else "is too late") from None
    if moment < EARLIEST_TIMESTAMP:
        raise ValueError("is before 2000-01-01")
    return moment


class EventIn(BaseModel):
    """One thing a user did or said."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    user_id: Identifier
    item_id: Identifier | None = None
    type: str = Field(max_length=71, json_schema_extra={"pattern": EVENT_TYPE_SHAPE})
    value: float | None = Field(default=None, allow_inf_nan=False)
    text: str | None = None
    session_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    timestamp: datetime | None = None
    properties: dict[str, Any] | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value in CORE_EVENT_TYPES or CUSTOM_TYPE_PATTERN.fullmatch(value):
            return value
        raise ValueError(
            f"unknown event type {value!r}; "
            f"use one of {sorted(CORE_EVENT_TYPES)} or 'custom:<name>'"
        )

    @field_validator("timestamp", mode="before")
    @classmethod
    def _parse_timestamp(cls, value: Any) -> datetime | None:
        return None if value is None else parse_timestamp(value)

    @field_validator("properties", mode="before")
    @classmethod
    def _json_text_properties(cls, value: Any) -> Any:
        return json_object_text(value)

    @model_validator(mode="after")
    def _required_by_type(self) -> EventIn:
        if self.type in ITEM_REQUIRED_TYPES and self.item_id is None:
            raise ValueError(f"item_id: required for '{self.type}' events")
        if self.type in TEXT_REQUIRED_TYPES and not (self.text and self.text.strip()):
            raise ValueError(f"text: required for '{self.type}' events")
        if self.type in VALUE_REQUIRED_TYPES and self.value is None:
            raise ValueError(f"value: required for '{self.type}' events")
        return self


class ItemIn(BaseModel):
    """A catalog item: what a user can view, click and buy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: Identifier
    title: str = Field(min_length=1, max_length=1_000)
    description: str | None = Field(default=None, max_length=20_000)
    category: str | None = Field(default=None, max_length=256)
    tags: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        default_factory=list, max_length=100
    )
    price: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    attributes: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None

    @field_validator("created_at", mode="before")
    @classmethod
    def _parse_created(cls, value: Any) -> datetime | None:
        return None if value is None else parse_timestamp(value)
