"""Lists ranked ahead: the most recently active users first, served without ranking
again, never stale after the user's own event, and never kept for an erased user."""

from __future__ import annotations

import time

import pytest

from uxlift.demo import DemoStore
from uxlift.recommend.request import Request
from uxlift.recommend.warming import ListWarmer
from uxlift.services import Services


@pytest.fixture
def services(serving) -> Services:
    return serving("recommendations-0001")


def _last_active(demo: DemoStore, n: int) -> list[str]:
    last: dict[str, float] = {}
    for event in demo.events:
        if event["type"] != "exposure":
            last[event["user_id"]] = max(last.get(event["user_id"], 0.0), event["timestamp"])
    return sorted(last, key=lambda u: -last[u])[:n]


def _count_rankings(services: Services, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ranked: list[str] = []
    service = services.recommendations
    original = service._new_list

    def counting(loaded, user_key, *args):
        ranked.append(user_key)
        return original(loaded, user_key, *args)

    monkeypatch.setattr(service, "_new_list", counting)
    return ranked


def test_the_most_recently_active_users_are_ranked_once_per_pass(
    services: Services, recommender_demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked = _count_rankings(services, monkeypatch)
    warmer = ListWarmer(services.recommendations, users=15, duty=1.0)
    assert warmer.run_once() == 15
    expected = [services.pseudonymizer.user_key(u) for u in _last_active(recommender_demo, 15)]
    assert set(ranked) == set(expected)
    assert warmer.run_once() == 0  # still fresh

    ranked.clear()
    user = _last_active(recommender_demo, 1)[0]
    page = services.recommendations.recommend(user, Request(log_exposure=False))
    assert ranked == [] and len(page["items"]) == 10  # served from the list ranked ahead


def test_the_users_own_event_makes_the_next_request_rank_again(
    services: Services, recommender_demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ListWarmer(services.recommendations, users=5, duty=1.0).run_once()
    ranked = _count_rankings(services, monkeypatch)
    user = _last_active(recommender_demo, 1)[0]
    item = recommender_demo.items[0]["item_id"]
    services.events.ingest([{"user_id": user, "item_id": item, "type": "click",
                             "timestamp": time.time()}])  # fmt: skip
    services.recommendations.recommend(user, Request(log_exposure=False))
    assert ranked == [services.pseudonymizer.user_key(user)]


def test_an_erased_user_gets_no_list_ranked_ahead(
    services: Services, recommender_demo: DemoStore
) -> None:
    user = _last_active(recommender_demo, 1)[0]
    key = services.pseudonymizer.user_key(user)
    services.users.erase(user, actor="test")
    assert key not in services.live.active_users(1000)
    ListWarmer(services.recommendations, users=1000, duty=1.0).run_once()
    kept = {signature[0] for signature in services.recommendations._ranked_for}
    assert key not in kept and kept
