"""Recommendation requests: audience attributes parsed and checked at the boundary."""

from __future__ import annotations

import pytest

from uxlift.errors import InvalidInput
from uxlift.recommend.request import Request, parse_attributes


def test_attributes_parse_into_sorted_pairs_and_the_last_value_wins() -> None:
    assert parse_attributes(" platform:ios , country:DE,,platform:android") == (
        ("country", "DE"),
        ("platform", "android"),
    )
    assert parse_attributes("") == ()
    assert parse_attributes("version:2:1") == (("version", "2:1"),)


@pytest.mark.parametrize("text", ["platform", ":ios", "platform:ios,web"])
def test_a_piece_without_key_and_value_names_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_attributes(text)
    assert caught.value.details[0]["field"] == "attributes"


def test_overlong_attribute_keys_are_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Request(attributes=(("k" * 65, "v"),)).check()
    assert [d["field"] for d in caught.value.details] == ["attributes"]
    Request(attributes=(("platform", "ios"),)).check()
