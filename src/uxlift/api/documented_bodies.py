"""Schemas of the bodies whose rules live in a core validator, not in a pydantic model.

The knowledge base and experiments check their input by hand, so that every problem
is reported at once with its field. These models only describe that input in the
OpenAPI document; the validators stay the judges. A body these schemas allow can
still be refused for a rule no schema states (unique variant names, a language that
detection cannot tell), and the answer then names the field and the rule.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel
from pydantic.json_schema import SkipJsonSchema

from uxlift.assist.knowledge import (
    ID_PATTERN,
    INTENT_PATTERN,
    LANGUAGES,
    MAX_POSITION,
    MAX_QUESTIONS,
    MAX_TEXT_CHARS,
)
from uxlift.experiments.definition import (
    KINDS,
    MAX_VARIANTS,
    NAME_PATTERN,
    STRATEGIES,
    VARIANT_PATTERN,
)
from uxlift.experiments.metrics import METRICS
from uxlift.monitor.texts import TopicIn

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")]
Scalar = str | int | float
Metric = Annotated[str, Field(json_schema_extra={"enum": sorted(METRICS)})]
Language = Annotated[str, Field(json_schema_extra={"enum": list(LANGUAGES)})]
Strategy = Annotated[str, Field(json_schema_extra={"enum": list(STRATEGIES)})]
Absent = SkipJsonSchema[None]  # may be left out, but not sent as null


class _KbEntryFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, pattern=ID_PATTERN.pattern)
    answer: Text
    intent: str | None = Field(  # the validator strips the text first
        default=None, pattern=r"^\s*" + INTENT_PATTERN.pattern.strip("^$") + r"\s*$"
    )
    tags: list[Text] | None = None
    language: Language | None = Field(
        default=None, description="detected from the text when left out"
    )
    title: str | None = None
    source: str | None = None
    document: str | None = None
    position: int = Field(default=0, ge=0, le=MAX_POSITION)


class KbFaqBody(_KbEntryFields):
    """A FAQ entry: the ways users ask, and the answer."""

    kind: Literal["faq"] = "faq"
    questions: list[Text] = Field(
        min_length=1,
        max_length=MAX_QUESTIONS,
        description="also accepted: one text with questions split by '|' or new lines",
    )


class KbPassageBody(_KbEntryFields):
    """A passage of a document (``POST /v1/kb/documents`` cuts these for you)."""

    kind: Literal["passage"]
    questions: list[Text] | None = Field(default=None, max_length=MAX_QUESTIONS)


class KbEntryBody(RootModel[KbFaqBody | KbPassageBody]):
    """A FAQ entry or a passage; ``kind`` tells which (FAQ when left out)."""


class VariantConfig(BaseModel):
    """What a variant changes; keys left out keep the product's default."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    strategy: Strategy | Absent = Field(default=None, alias="recommend.strategy")
    model_version: Annotated[str, Field(min_length=1)] | Absent = Field(
        default=None, alias="recommend.model_version"
    )
    diversity: Annotated[float, Field(ge=0, le=1)] | Absent = Field(
        default=None, alias="recommend.diversity"
    )
    generation: bool | Absent = Field(default=None, alias="assist.generation")


class VariantBody(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=VARIANT_PATTERN.pattern)
    weight: float = Field(default=1.0, gt=0)
    config: VariantConfig = Field(default_factory=lambda: VariantConfig())


class AudienceBody(BaseModel):
    model_config = ConfigDict(extra="allow")

    traffic: float = Field(default=1.0, gt=0, le=1, description="the share of callers enrolled")
    attributes: dict[str, Scalar | Annotated[list[Scalar], Field(min_length=1)]] = Field(
        default_factory=dict, description='allowed values per attribute: {"platform": ["ios"]}'
    )


class ExperimentBody(BaseModel):
    """An experiment; the first variant is the control."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=NAME_PATTERN.pattern)
    description: str = Field(default="", max_length=2_000)
    kind: Annotated[str, Field(json_schema_extra={"enum": list(KINDS)})] = "ab"
    variants: list[VariantBody] = Field(
        min_length=2, max_length=MAX_VARIANTS, description="names must be unique"
    )
    primary_metric: Metric
    guardrail_metrics: list[Metric] = Field(default_factory=list)
    audience: AudienceBody = Field(default_factory=AudienceBody)
    min_exploration: float = Field(
        default=0.1, ge=0, le=1, description="bandits: at most 1 / number of variants"
    )


class TopicBody(TopicIn):
    """A topic to follow; its name is the path's."""

    name: str | Absent = Field(default=None, description="ignored: the path names the topic")
