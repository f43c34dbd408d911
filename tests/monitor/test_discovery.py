"""Topic discovery (BERTopic over multilingual-e5) finds the themes of an unlabelled stream."""

from __future__ import annotations

import random

import pytest

from uxlift.errors import InvalidInput
from uxlift.monitor.discovery import discover_topics
from uxlift.text.encoders import encoder_from_spec

THEMES = {
    "delivery": [
        "my parcel arrived {d} days late", "the courier left the parcel in the rain",
        "parcel still not delivered after {d} days", "the courier lost my parcel",
        "delivery was {d} days late and the parcel was crushed",
    ],
    "refund": [
        "still waiting for my refund after {d} weeks", "the refund never reached my card",
        "they refused my refund request", "refund took {d} weeks to arrive",
        "no refund yet for the returned shoes",
    ],
    "battery": [
        "the battery drains in {d} hours", "battery life is terrible, {d} hours at most",
        "the phone battery dies by noon", "battery gets hot while charging",
        "after {d} months the battery barely holds a charge",
    ],
}  # fmt: skip


def _stream(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, themes = [], []
    for theme, templates in THEMES.items():
        for _ in range(30):
            texts.append(rng.choice(templates).format(d=rng.randint(2, 9)))
            themes.append(theme)
    return texts, themes


def test_discovery_recovers_the_themes_with_telling_keywords() -> None:
    texts, _themes = _stream(0)
    found = discover_topics(texts, encoder_from_spec("e5").encode, min_topic_size=8)
    assert 2 <= len(found) <= 6
    words = [set(t.keywords) for t in found]
    for theme, marker in (("delivery", "parcel"), ("refund", "refund"), ("battery", "battery")):
        assert any(marker in w for w in words), (theme, [t.keywords for t in found])
    assert sum(t.size for t in found) >= 0.6 * len(texts)
    assert found == sorted(found, key=lambda t: -t.size)


def test_too_few_texts_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="at least"):
        discover_topics(["one", "two"], encoder_from_spec("e5").encode)
