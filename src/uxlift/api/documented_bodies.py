"""Schemas of the bodies whose rules live in a core validator, not in a pydantic model.

The knowledge base and experiments check their input by hand, so that every problem
is reported at once with its field. These models only describe that input in the
OpenAPI document; the validators stay the judges (and the API fuzz test holds the two
together: a body the schema allows must not be refused for its form).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from uxlift.assist.knowledge import MAX_POSITION, MAX_QUESTIONS, MAX_TEXT_CHARS
from uxlift.experiments.definition import MAX_VARIANTS
from uxlift.experiments.metrics import METRICS

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")]
Scalar = str | int | float


class KbEntryBody(BaseModel):
    """A FAQ entry (questions and their answer) or a passage of a document."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:\-]{1,128}$")
    kind: Literal["faq", "passage"] = "faq"
    questions: list[Text] | None = Field(
        default=None, max_length=MAX_QUESTIONS, description="a FAQ entry needs at least one"
    )
    question: Text | list[Text] | None = Field(default=None, description="same as questions")
    answer: Text
    intent: str | None = Field(default=None, pattern=r"^\s*[A-Za-z0-9_.\-]{1,64}\s*$")
    tags: list[Text] | None = None
    language: Literal["en", "zh"] | None = Field(
        default=None, description="detected from the text when left out"
    )
    title: str | None = None
    source: str | None = None
    document: str | None = None
    position: int = Field(default=0, ge=0, le=MAX_POSITION)


class VariantConfig(BaseModel):
    """What a variant changes; keys left out keep the product's default."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    strategy: Literal["model", "popularity"] | None = Field(
        default=None, alias="recommend.strategy"
    )
    model_version: str | None = Field(default=None, alias="recommend.model_version", min_length=1)
    diversity: float | None = Field(default=None, alias="recommend.diversity", ge=0, le=1)
    generation: bool | None = Field(default=None, alias="assist.generation")


class VariantBody(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
    weight: float = Field(default=1.0, gt=0)
    config: VariantConfig = Field(default_factory=lambda: VariantConfig())


Metric = Literal[tuple(sorted(METRICS))]  # the names experiments can measure


class AudienceBody(BaseModel):
    model_config = ConfigDict(extra="allow")

    traffic: float = Field(default=1.0, gt=0, le=1, description="the share of callers enrolled")
    attributes: dict[str, Scalar | Annotated[list[Scalar], Field(min_length=1)]] = Field(
        default_factory=dict, description='allowed values per attribute: {"platform": ["ios"]}'
    )


class ExperimentBody(BaseModel):
    """An experiment; the first variant is the control."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,79}$")
    description: str = Field(default="", max_length=2_000)
    kind: Literal["ab", "bandit"] = "ab"
    variants: list[VariantBody] = Field(
        min_length=2, max_length=MAX_VARIANTS, description="names must be unique"
    )
    primary_metric: Metric
    guardrail_metrics: list[Metric] = Field(default_factory=list)
    audience: AudienceBody = Field(default_factory=AudienceBody)
    min_exploration: float = Field(
        default=0.1, ge=0, le=1, description="bandits: at most 1 / number of variants"
    )


class TopicBody(BaseModel):
    """A topic to follow; its name is the path's."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="ignored: the path names the topic")
    description: str = Field(default="", max_length=2_000)
    keywords: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=200
    )
