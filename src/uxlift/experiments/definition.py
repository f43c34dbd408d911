"""What an experiment is: variants bound to configurations of uxlift itself.

A variant's ``config`` changes what its users really get. The keys:

* ``recommend.strategy``: ``model`` (the serving recommender) or ``popularity``
  (the most popular items the user has not bought, a non-personal baseline);
* ``recommend.model_version``: a recommender version from the registry, served
  to this variant instead of the one promoted for everyone;
* ``recommend.diversity``: the MMR diversity lambda, 0 to 1;
* ``assist.generation``: whether the assistant writes grounded answers with its
  LLM (true) or answers with the retrieved FAQ text only (false).

The audience limits who takes part: ``traffic`` (the share of users, 0 to 1)
and ``attributes`` (every listed attribute the caller passes at assignment must
match one of the allowed values, e.g. ``{"platform": ["ios"]}``).

An ``ab`` experiment keeps its weights; a ``bandit`` moves traffic towards the
variant that is doing best on the primary metric (Thompson sampling), keeping at
least ``min_exploration`` for every variant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from uxlift.errors import InvalidInput
from uxlift.experiments.metrics import METRICS

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,79}$")
VARIANT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
STRATEGIES = ("model", "popularity")
KINDS = ("ab", "bandit")
STATUSES = ("draft", "running", "stopped")
MAX_VARIANTS = 8
CONFIG_KEYS = (
    "recommend.strategy",
    "recommend.model_version",
    "recommend.diversity",
    "assist.generation",
)


@dataclass(frozen=True)
class Variant:
    name: str
    weight: float
    config: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "weight": self.weight, "config": dict(self.config)}


MAX_ATTRIBUTES = 20


def audience_attributes(raw: Any) -> tuple[tuple[str, str], ...]:
    """A caller's audience attributes (``{"platform": "ios"}``) as sorted (name,
    text) pairs, the form :meth:`Audience.admits` compares; up to 20 names of 1-64
    characters with string or number values of up to 256, else an
    :class:`InvalidInput` naming ``attributes``."""
    if raw is None:
        return ()
    ok = isinstance(raw, dict) and len(raw) <= MAX_ATTRIBUTES
    pairs = []
    for key, value in raw.items() if ok else ():
        text = str(value) if isinstance(value, str | int | float | bool) else None
        if not isinstance(key, str) or not 1 <= len(key) <= 64 or text is None or len(text) > 256:
            ok = False
            break
        pairs.append((key, text))
    if not ok:
        raise InvalidInput(
            "invalid audience attributes",
            details=[{"field": "attributes", "reason": f"up to {MAX_ATTRIBUTES} names of "
                      "1-64 characters, values strings or numbers of up to 256 characters"}],
        )  # fmt: skip
    return tuple(sorted(pairs))


@dataclass(frozen=True)
class Audience:
    traffic: float = 1.0
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def admits(self, attributes: dict[str, Any] | None) -> bool:
        """Whether a caller with ``attributes`` belongs to the audience (the traffic
        share is decided by the user's bucket, not here)."""
        given = attributes or {}
        return all(str(given.get(key)) in allowed for key, allowed in self.attributes.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "traffic": self.traffic,
            "attributes": {k: list(v) for k, v in self.attributes.items()},
        }


@dataclass(frozen=True)
class Experiment:
    experiment_id: str
    name: str
    salt: str
    variants: tuple[Variant, ...]
    primary_metric: str
    guardrail_metrics: tuple[str, ...] = ()
    audience: Audience = Audience()
    kind: str = "ab"
    min_exploration: float = 0.1
    status: str = "draft"
    description: str = ""
    created_at: datetime | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None

    @property
    def control(self) -> str:
        """The first variant is the control every other is compared with."""
        return self.variants[0].name

    @property
    def metrics(self) -> tuple[str, ...]:
        return (self.primary_metric, *self.guardrail_metrics)

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        raise InvalidInput(
            f"experiment {self.experiment_id!r} has no variant {name!r}",
            details=[{"field": "variant", "reason": "not a variant of this experiment"}],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.experiment_id,
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "status": self.status,
            "variants": [v.to_dict() for v in self.variants],
            "control": self.control,
            "primary_metric": self.primary_metric,
            "guardrail_metrics": list(self.guardrail_metrics),
            "audience": self.audience.to_dict(),
            "min_exploration": self.min_exploration,
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "stopped_at": _iso(self.stopped_at),
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat() + "Z"


def parse_definition(raw: Any) -> dict[str, Any]:
    """Validate what a caller sends to create an experiment; returns the checked
    fields (names, variants, metrics, audience, kind). Every problem is reported
    with its field and reason at once."""
    if not isinstance(raw, dict):
        raise InvalidInput(
            "an experiment must be a JSON object",
            details=[{"field": "body", "reason": "not an object"}],
        )
    problems: list[dict[str, str]] = []
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        problems.append({"field": "name", "reason": "1-80 letters, digits, space, _ . -"})
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > 2000:
        problems.append({"field": "description", "reason": "text up to 2000 characters"})
    kind = raw.get("kind", "ab")
    if not isinstance(kind, str) or kind not in KINDS:
        problems.append({"field": "kind", "reason": f"one of {list(KINDS)}"})
    variants = _variants(raw.get("variants"), problems)
    metrics = _metrics(raw, problems)
    audience = _audience(raw.get("audience", {}), problems)
    min_exploration = raw.get("min_exploration", 0.1)
    if (
        not isinstance(min_exploration, int | float)
        or isinstance(min_exploration, bool)
        or not 0 <= min_exploration <= 1
        or (variants and min_exploration * len(variants) > 1)
    ):
        problems.append(
            {"field": "min_exploration", "reason": "0 to 1, and at most 1 / number of variants"}
        )
    if problems:
        raise InvalidInput("invalid experiment", details=problems)
    return {
        "name": name,
        "description": description,
        "kind": kind,
        "variants": tuple(variants),
        "primary_metric": metrics[0],
        "guardrail_metrics": tuple(metrics[1:]),
        "audience": audience,
        "min_exploration": float(min_exploration),
    }


def _variants(raw: Any, problems: list[dict[str, str]]) -> list[Variant]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_VARIANTS:
        problems.append({"field": "variants", "reason": f"a list of 2 to {MAX_VARIANTS} variants"})
        if not isinstance(raw, list):
            return []
    out: list[Variant] = []
    for i, entry in enumerate(raw):
        where = f"variants[{i}]"
        if not isinstance(entry, dict):
            problems.append({"field": where, "reason": "not an object"})
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not VARIANT_PATTERN.fullmatch(name):
            problems.append({"field": f"{where}.name", "reason": "1-40 letters, digits, _ . -"})
            continue
        weight = entry.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
            problems.append({"field": f"{where}.weight", "reason": "a positive number"})
            continue
        config = entry.get("config", {})
        if not isinstance(config, dict):
            problems.append({"field": f"{where}.config", "reason": "not an object"})
            continue
        bad = _config_problems(config, f"{where}.config")
        problems.extend(bad)
        if not bad:
            out.append(Variant(name, float(weight), dict(config)))
    names = [v.name for v in out]
    if len(set(names)) != len(names):
        problems.append({"field": "variants", "reason": "variant names must be unique"})
    return out


def _config_problems(config: dict[str, Any], where: str) -> list[dict[str, str]]:
    problems = []
    for key, value in config.items():
        field_name = f"{where}.{key}"
        if key not in CONFIG_KEYS:
            problems.append(
                {"field": field_name, "reason": f"unknown key; use {list(CONFIG_KEYS)}"}
            )
        elif key == "recommend.strategy" and value not in STRATEGIES:
            problems.append({"field": field_name, "reason": f"one of {list(STRATEGIES)}"})
        elif key == "recommend.model_version" and (not isinstance(value, str) or not value):
            problems.append({"field": field_name, "reason": "a recommender version"})
        elif key == "recommend.diversity" and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1
        ):
            problems.append({"field": field_name, "reason": "a number from 0 to 1"})
        elif key == "assist.generation" and not isinstance(value, bool):
            problems.append({"field": field_name, "reason": "true or false"})
    return problems


def _metrics(raw: dict[str, Any], problems: list[dict[str, str]]) -> list[str]:
    primary = raw.get("primary_metric")
    if not isinstance(primary, str) or primary not in METRICS:
        problems.append({"field": "primary_metric", "reason": f"one of {sorted(METRICS)}"})
        primary = None
    guardrails = raw.get("guardrail_metrics", [])
    if not isinstance(guardrails, list):
        problems.append({"field": "guardrail_metrics", "reason": "a list of metric names"})
        guardrails = []
    kept = []
    for i, name in enumerate(guardrails):
        if not isinstance(name, str) or name not in METRICS:
            problems.append(
                {"field": f"guardrail_metrics[{i}]", "reason": f"one of {sorted(METRICS)}"}
            )
        elif name != primary and name not in kept:
            kept.append(name)
    return [primary or "", *kept]


def _audience(raw: Any, problems: list[dict[str, str]]) -> Audience:
    if not isinstance(raw, dict):
        problems.append({"field": "audience", "reason": "not an object"})
        return Audience()
    traffic = raw.get("traffic", 1.0)
    if isinstance(traffic, bool) or not isinstance(traffic, int | float) or not 0 < traffic <= 1:
        problems.append({"field": "audience.traffic", "reason": "a share above 0, at most 1"})
        traffic = 1.0
    attributes = raw.get("attributes", {})
    if not isinstance(attributes, dict):
        problems.append({"field": "audience.attributes", "reason": "an object of allowed values"})
        attributes = {}
    allowed: dict[str, tuple[str, ...]] = {}
    for key, values in attributes.items():
        values = values if isinstance(values, list) else [values]
        if not values or not all(isinstance(v, str | int | float) for v in values):
            problems.append(
                {"field": f"audience.attributes.{key}", "reason": "a value or list of values"}
            )
            continue
        allowed[str(key)] = tuple(str(v) for v in values)
    return Audience(float(traffic), allowed)
