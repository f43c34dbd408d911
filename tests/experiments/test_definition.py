"""Experiment definitions and audience attributes: checked once, each problem named."""

from __future__ import annotations

import pytest

from uxlift.errors import InvalidInput
from uxlift.experiments.definition import Audience, audience_attributes, parse_definition


def test_attributes_become_sorted_text_pairs_the_audience_admits() -> None:
    pairs = audience_attributes({"platform": "ios", "build": 212})
    assert pairs == (("build", "212"), ("platform", "ios"))
    audience = Audience(traffic=1.0, attributes={"platform": ("ios",), "build": ("212",)})
    assert audience.admits(dict(pairs))
    assert not audience.admits(dict(audience_attributes({"platform": "web", "build": 212})))
    assert audience_attributes(None) == ()


@pytest.mark.parametrize(
    "raw",
    [{"": "ios"}, {"k" * 65: "x"}, {"platform": {"os": "ios"}}, {"p": "v" * 257},
     {f"k{i}": i for i in range(21)}, ["platform", "ios"]],
)  # fmt: skip
def test_bad_attributes_are_refused_naming_the_field(raw: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        audience_attributes(raw)
    assert caught.value.details[0]["field"] == "attributes"


def _definition(**changes: object) -> dict[str, object]:
    base = {"name": "ranker", "variants": [{"name": "a"}, {"name": "b"}], "primary_metric": "ctr"}
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"guardrail_metrics": [{}]}, "guardrail_metrics[0]"), ({"primary_metric": ["ctr"]},
     "primary_metric"), ({"kind": {}}, "kind"), ({"name": "ranker\n"}, "name"),
     ({"variants": [{"name": "a\n"}, {"name": "b"}]}, "variants[0].name")],
)  # fmt: skip
def test_values_of_the_wrong_type_are_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_definition(_definition(**changes))
    assert field in {d["field"] for d in caught.value.details}


def test_a_well_formed_definition_passes() -> None:
    fields = parse_definition(_definition(guardrail_metrics=["conversion", "ctr"]))
    assert fields["primary_metric"] == "ctr" and fields["guardrail_metrics"] == ("conversion",)
