"""Recommendations over real HTTP: live updates, new items, exclusions, filters, reasons,
paging, exposures and model swaps under load."""

from __future__ import annotations

import threading
import time

import httpx
import numpy as np
import pytest

from tests.conftest import auth
from uxlift.demo import DemoStore


@pytest.fixture(scope="module")
def demo(recommender_demo: DemoStore) -> DemoStore:
    return recommender_demo


def _bought(demo: DemoStore, user: str) -> set[str]:
    return {e["item_id"] for e in demo.events if e["user_id"] == user and e["type"] == "purchase"}


def _buyer(demo: DemoStore) -> str:
    counts: dict[str, int] = {}
    for e in demo.events:
        if e["type"] == "purchase":
            counts[e["user_id"]] = counts.get(e["user_id"], 0) + 1
    return max(counts, key=lambda u: (counts[u], u))


def _get(http: httpx.Client, user: str, **params) -> dict:
    response = http.get(f"/v1/users/{user}/recommendations", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_lists_have_reasons_skip_purchases_and_are_logged_as_exposures(live, demo) -> None:
    services, url, keys = live
    user = _buyer(demo)
    with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
        data = _get(http, user, n=50)
    ids = [entry["item_id"] for entry in data["items"]]
    assert len(ids) == 50 and len(set(ids)) == 50
    assert not set(ids) & _bought(demo, user)
    assert all(entry["reasons"] and entry["reasons"][0]["text"] for entry in data["items"])
    assert data["model"] == "recommendations-0001"
    services.exposures.flush()
    logged = (
        services.store.cursor()
        .sql(
            "SELECT count(*) FROM events WHERE type = 'exposure' "
            "AND json_extract_string(properties, '$.list_id') = ?",
            params=[data["list_id"]],
        )
        .fetchall()[0][0]
    )
    assert logged == 50
    assert httpx.get(f"{url}/v1/users/{user}/recommendations").status_code == 401


def test_the_server_is_ready_once_active_users_lists_are_ranked(live, demo) -> None:
    services, url, _ = live
    deadline = time.monotonic() + 60
    while (answer := httpx.get(f"{url}/readyz")).status_code == 503:
        assert time.monotonic() < deadline, "never ready"
        time.sleep(0.05)
    assert answer.json() == {"status": "ready"}
    ranked = {signature[0] for signature in services.recommendations._ranked_for}
    active = {services.pseudonymizer.user_key(e["user_id"]) for e in demo.events}
    assert len(ranked & active) >= min(len(active), services.settings.warm_lists) * 0.9


def test_after_a_click_items_like_it_rise(live, demo) -> None:
    _, url, keys = live
    user = demo.users[5]
    mine = {e["item_id"] for e in demo.events if e["user_id"] == user and e.get("item_id")}
    category_of = {item["item_id"]: item["category"] for item in demo.items}
    touched = {category_of[i] for i in mine}
    clicked = next(item["item_id"] for item in demo.items if item["category"] not in touched)
    with httpx.Client(base_url=url, timeout=60) as http:
        read = auth(keys["read"])
        similar = http.get(f"/v1/items/{clicked}/similar", params={"n": 10}, headers=read).json()
        like_it = [entry["item_id"] for entry in similar["items"]]
        assert len(like_it) == 10 and clicked not in like_it
        before = [
            e["item_id"]
            for e in http.get(
                f"/v1/users/{user}/recommendations", params={"n": 100}, headers=read
            ).json()["items"]
        ]
        now = time.time()
        events = [
            {
                "user_id": user,
                "item_id": clicked,
                "type": kind,
                "session_id": "s-click",
                "timestamp": now - 5 + k,
            }
            for k, kind in enumerate(("view", "click"))
        ]
        assert http.post("/v1/events", json=events, headers=auth(keys["ingest"])).status_code == 200
        after = [
            e["item_id"]
            for e in http.get(
                f"/v1/users/{user}/recommendations", params={"n": 100}, headers=read
            ).json()["items"]
        ]

    def mean_rank(ranked: list[str]) -> float:
        return float(np.mean([ranked.index(i) if i in ranked else len(ranked) for i in like_it]))

    assert mean_rank(after) < mean_rank(before) - 10
    assert set(after[:10]) & set(like_it)


def test_a_just_upserted_item_can_be_recommended(live, demo) -> None:
    _, url, keys = live
    user = demo.users[5]
    last = [e for e in demo.events if e["user_id"] == user and e.get("item_id")][-1]["item_id"]
    original = next(item for item in demo.items if item["item_id"] == last)
    twin = {"item_id": "sku-new-twin", "title": original["title"],
            "description": original.get("description"), "category": original["category"],
            "price": original.get("price")}  # fmt: skip
    with httpx.Client(base_url=url, timeout=60) as http:
        stored = http.post("/v1/items", json=[twin], headers=auth(keys["ingest"]))
        assert stored.status_code == 200, stored.text
        data = http.get(f"/v1/users/{user}/recommendations", params={"n": 10},
                        headers=auth(keys["read"])).json()  # fmt: skip
        similar = http.get("/v1/items/sku-new-twin/similar", headers=auth(keys["read"]))
    entry = next(e for e in data["items"] if e["item_id"] == "sku-new-twin")
    assert entry["reasons"][0]["kind"] == "new_match"
    assert similar.status_code == 200 and similar.json()["items"]


def test_filters_hold_and_bad_parameters_name_the_field(live, demo) -> None:
    _, url, keys = live
    user = demo.users[7]
    item = {i["item_id"]: i for i in demo.items}
    category = demo.items[0]["category"]
    with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
        in_category = _get(http, user, n=20, category=category)["items"]
        cheap = _get(http, user, n=20, price_max=40, price_min=10)["items"]
        nowhere = _get(http, user, category="no-such-category")["items"]
        bad = http.get(f"/v1/users/{user}/recommendations", params={"diversity": 3})
        bad_type = http.get(f"/v1/users/{user}/recommendations", params={"exclude": "teleport"})
    assert in_category and all(item[e["item_id"]]["category"] == category for e in in_category)
    assert cheap and all(10 <= item[e["item_id"]]["price"] <= 40 for e in cheap)
    assert nowhere == []
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "diversity"
    assert bad_type.status_code == 422
    assert bad_type.json()["error"]["details"][0]["field"] == "exclude"


def test_pages_continue_one_list_and_diversity_spreads_it(live, demo) -> None:
    _, url, keys = live
    user = demo.users[9]
    category_of = {i["item_id"]: i["category"] for i in demo.items}
    with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
        first = _get(http, user, n=5)
        second = _get(http, user, n=5, page=2, list_id=first["list_id"])
        focused = _get(http, user, n=10)["items"]
        varied = _get(http, user, n=10, diversity=0.9)["items"]
    with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
        again = _get(http, user, n=5)
    assert again["list_id"] != first["list_id"]  # a new list (its own exposures) ...
    assert [e["item_id"] for e in again["items"]] == [e["item_id"] for e in first["items"]]
    assert second["list_id"] == first["list_id"]
    assert [e["position"] for e in second["items"]] == [6, 7, 8, 9, 10]
    assert not {e["item_id"] for e in first["items"]} & {e["item_id"] for e in second["items"]}

    def spread(entries: list[dict]) -> int:
        return len({category_of[e["item_id"]] for e in entries})

    assert spread(varied) >= spread(focused)


def test_context_item_and_free_text_query(live, demo) -> None:
    _, url, keys = live
    user = demo.users[11]
    wish = demo.items[20]["title"]
    with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
        asked = http.post("/v1/recommendations", json={"user_id": user, "query": wish, "n": 5})
        viewing = http.post("/v1/recommendations",
                            json={"user_id": user, "item_id": demo.items[20]["item_id"],
                                  "n": 5, "explain": True})  # fmt: skip
        unknown = http.post("/v1/recommendations", json={"user_id": user, "item_id": "nope"})
    assert asked.status_code == 200, asked.text
    top = asked.json()["items"]
    assert top[0]["item_id"] == demo.items[20]["item_id"]
    assert top[0]["reasons"][0]["kind"] == "query_match"
    assert viewing.status_code == 200
    assert demo.items[20]["item_id"] not in [e["item_id"] for e in viewing.json()["items"]]
    assert all("contributions" in e for e in viewing.json()["items"])
    assert unknown.status_code == 404


def test_promote_and_rollback_under_load_lose_no_request(live, demo) -> None:
    services, url, keys = live
    registry = services.recommendations.registry
    users = demo.users[:20]
    failures: list[str] = []
    versions: set[str] = set()
    answered = 0
    stop = threading.Event()

    def hammer(offset: int) -> None:
        nonlocal answered
        with httpx.Client(base_url=url, headers=auth(keys["read"]), timeout=60) as http:
            k = offset
            while not stop.is_set():
                k += 1
                response = http.get(f"/v1/users/{users[k % len(users)]}/recommendations")
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:200]}")
                    continue
                versions.add(response.json()["model"])
                answered += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    with httpx.Client(base_url=url, headers=auth(keys["admin"]), timeout=60) as admin:
        for round_ in range(4):
            time.sleep(0.4)
            if round_ % 2 == 0:
                promoted = admin.post("/v1/models/recommendations-0002/promote")
                assert promoted.status_code == 200, promoted.text
            else:
                registry.rollback("recommendations")
        time.sleep(0.4)
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == []
    assert answered > 8
    assert versions == {"recommendations-0001", "recommendations-0002"}
