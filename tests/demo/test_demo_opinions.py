"""The demo follows its reviews and chats with topics, like a team would set up."""

from __future__ import annotations

from uxlift.demo import DemoStore
from uxlift.demo.runner import DEMO_TOPICS, follow_demo_opinions, load_directly
from uxlift.services import Services


def test_demo_reviews_and_chats_are_monitored_by_topic(
    services: Services, recommender_demo: DemoStore
) -> None:
    load_directly(services, recommender_demo)
    said: list[str] = []
    follow_demo_opinions(services, said.append)
    assert [t["name"] for t in services.opinions.topics()] == sorted(t["name"] for t in DEMO_TOPICS)
    texts, total = services.opinions.texts(limit=500)
    expected = sum(1 for e in recommender_demo.events if e["type"] in ("review", "chat"))
    assert total == expected
    assert any(t.topics for t in texts)
    assert {t.source for t in texts} == {"reviews", "chat"}
    assert "3 topics" in said[0]
