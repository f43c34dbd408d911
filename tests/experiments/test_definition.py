"""Audience attributes: checked once, in the form the audience filter compares."""

from __future__ import annotations

import pytest

from uxlift.errors import InvalidInput
from uxlift.experiments.definition import Audience, audience_attributes


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
