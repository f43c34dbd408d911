"""Zero-shot topics with the real encoders, and keyword matching."""

from __future__ import annotations

from uxlift.monitor.topics import Topic, ZeroShotTopics, _contains
from uxlift.text.encoders import encoder_from_spec


def test_keywords_match_whole_words_with_endings_and_chinese_substrings() -> None:
    assert _contains("my refunds are late", "refund")
    assert _contains("refunded twice", "refund")
    assert not _contains("the apple was fine", "app")
    assert _contains("快递太慢了", "快递")
    assert not _contains("prefund", "refund")


def test_texts_join_the_topic_they_are_about_and_ordinary_texts_join_none() -> None:
    minilm = encoder_from_spec("minilm")
    topics = [
        Topic("delivery", "late or damaged parcels, couriers and shipping"),
        Topic("refunds", "getting money back for returns"),
        Topic("app stability", "the app crashes, freezes or will not open", ("crash",)),
    ]
    background = [
        "I bought a blue jacket last week.", "The meeting is at three.", "We like hiking.",
        "The menu has soup and salad.", "My sister lives in Paris.", "It rained all day.",
        "The book was about history.", "He plays the guitar.", "The train leaves at noon.",
        "The garden has roses.", "Our team won the match.", "The phone is black.",
    ]  # fmt: skip
    model = ZeroShotTopics(
        topics, encoders={"en": minilm.encode}, background={"en": background}, min_z=3.0
    )
    assigned = model.assign([
        "My parcel arrived two days late and the box was crushed by the courier",
        "I still have not got my money back for the return",
        "It keeps crashing when I open it",
        "I like turtles",
    ])  # fmt: skip
    assert assigned[0] == ("delivery",)
    assert assigned[1] == ("refunds",)
    assert "app stability" in assigned[2]
    assert assigned[3] == ()
