"""Wire schema of opinion texts: reviews, posts, news and chats to monitor."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from uxlift.events.schema import Identifier, json_object_text, parse_timestamp

NAME_PATTERN = re.compile(r"^[\w][\w .:/\-]{0,63}$")
LANGUAGE_CODES = ("en", "zh", "ja", "ko", "other")


def _name(value: str, field: str) -> str:
    text = value.strip()
    if not NAME_PATTERN.fullmatch(text):
        raise ValueError(
            f"{field}: 1-64 letters, digits, spaces or . : / - _ (starting with a letter or digit)"
        )
    return text


class TextIn(BaseModel):
    """One text to monitor. ``source`` says where it came from (``app_store``,
    ``news``, ``reviews``), ``channel`` narrows it (a product, a newspaper)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    source: str = Field(
        min_length=1, max_length=64, json_schema_extra={"pattern": NAME_PATTERN.pattern}
    )
    channel: Annotated[str, Field(json_schema_extra={"pattern": NAME_PATTERN.pattern})] | None = (
        Field(default=None, min_length=1, max_length=64)
    )
    timestamp: datetime | None = None
    language: str | None = None
    text: str = Field(min_length=1)
    user_id: Identifier | None = None
    metadata: dict[str, Any] | None = None

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return _name(value, "source").lower()

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        return None if value is None else _name(value, "channel")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().lower().split("-")[0]
        if code not in LANGUAGE_CODES:
            raise ValueError(f"must be one of {list(LANGUAGE_CODES)} (or a tag like zh-CN)")
        return code

    @field_validator("timestamp", mode="before")
    @classmethod
    def _parse_timestamp(cls, value: Any) -> datetime | None:
        return None if value is None else parse_timestamp(value)

    @field_validator("metadata", mode="before")
    @classmethod
    def _json_text_metadata(cls, value: Any) -> Any:
        return json_object_text(value)


class TopicIn(BaseModel):
    """A topic the team wants followed: a name, what it is about, words that signal it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        min_length=1, max_length=64, json_schema_extra={"pattern": NAME_PATTERN.pattern}
    )
    description: str = Field(default="", max_length=2_000)
    keywords: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=200
    )

    @field_validator("name")
    @classmethod
    def _topic_name(cls, value: str) -> str:
        name = _name(value, "name")
        if name == ALL_TOPICS:
            raise ValueError(f"name: {ALL_TOPICS!r} is reserved for all texts")
        return name


ALL_TOPICS = "*"
