"""Experiments over real HTTP: definitions with field errors, scopes, assignment that
changes what users really get, results and daily metrics."""

from __future__ import annotations

import httpx

from tests.conftest import auth
from uxlift.demo import DemoStore

DEFINITION = {
    "name": "ranker-vs-popularity",
    "variants": [
        {"name": "popularity", "config": {"recommend.strategy": "popularity"}},
        {"name": "ranker", "config": {"recommend.strategy": "model", "recommend.diversity": 0.2}},
    ],
    "primary_metric": "conversion",
    "guardrail_metrics": ["ctr", "revenue_per_user"],
}


def test_definitions_scopes_and_lifecycle(live) -> None:
    _, url, keys = live
    with httpx.Client(base_url=url, timeout=60) as http:
        bad = http.post("/v1/experiments", json={"name": "x", "variants": [{"name": "a"}],
                        "primary_metric": "nope"}, headers=auth(keys["admin"]))  # fmt: skip
        assert bad.status_code == 422
        fields = {d["field"] for d in bad.json()["error"]["details"]}
        assert {"variants", "primary_metric"} <= fields
        denied = http.post("/v1/experiments", json=DEFINITION, headers=auth(keys["read"]))
        assert denied.status_code == 403
        created = http.post("/v1/experiments", json=DEFINITION, headers=auth(keys["admin"]))
        assert created.status_code == 201, created.text
        exp = created.json()
        assert exp["status"] == "draft" and exp["control"] == "popularity"
        again = http.post("/v1/experiments", json=DEFINITION, headers=auth(keys["admin"]))
        assert again.status_code == 409
        listed = http.get("/v1/experiments", headers=auth(keys["read"])).json()["experiments"]
        assert [e["id"] for e in listed] == [exp["id"]]
        started = http.post(f"/v1/experiments/{exp['id']}/start", headers=auth(keys["admin"]))
        assert started.json()["status"] == "running"
        busy = http.delete(f"/v1/experiments/{exp['id']}", headers=auth(keys["admin"]))
        assert busy.status_code == 409
        http.post(f"/v1/experiments/{exp['id']}/stop", headers=auth(keys["admin"]))
        gone = http.delete(f"/v1/experiments/{exp['id']}", headers=auth(keys["admin"]))
        assert gone.status_code == 204
        missing = http.get(f"/v1/experiments/{exp['id']}", headers=auth(keys["read"]))
        assert missing.status_code == 404


def test_variants_change_what_users_get_and_results_follow(live, recommender_demo: DemoStore):
    services, url, keys = live
    users = sorted({e["user_id"] for e in recommender_demo.events})[:60]
    with httpx.Client(base_url=url, timeout=60) as http:
        exp = http.post("/v1/experiments", json=DEFINITION, headers=auth(keys["admin"])).json()
        http.post(f"/v1/experiments/{exp['id']}/start", headers=auth(keys["admin"]))
        served: dict[str, dict] = {}
        for user in users:
            response = http.get(f"/v1/users/{user}/recommendations", params={"n": 10},
                                headers=auth(keys["read"]))  # fmt: skip
            assert response.status_code == 200, response.text
            served[user] = response.json()
        assign = f"/v1/experiments/{exp['id']}/assign"
        assigned = {
            user: http.post(assign, json={"user_id": user}, headers=auth(keys["ingest"])).json()[
                "variant"
            ]
            for user in users
        }
        for user, data in served.items():
            assert data["experiments"] == [{"experiment": exp["id"], "variant": assigned[user]}]
            if assigned[user] == "popularity":
                assert data["model"] == "popularity"
            else:
                assert data["model"] == "recommendations-0001"
        popular_lists = {
            tuple(i["item_id"] for i in d["items"][:3])
            for u, d in served.items()
            if assigned[u] == "popularity"
        }
        personal_lists = {
            tuple(i["item_id"] for i in d["items"][:3])
            for u, d in served.items()
            if assigned[u] == "ranker"
        }
        assert len(personal_lists) > len(popular_lists)  # the same few lists for everyone
        services.exposures.flush()
        results = http.get(f"/v1/experiments/{exp['id']}/results",
                           headers=auth(keys["read"])).json()  # fmt: skip
        users_by_variant = {v["name"]: v["users"] for v in results["variants"]}
        assert sum(users_by_variant.values()) == len(users)
        assert results["variants"][0]["metrics"]["ctr"] == 0.0  # exposures, no clicks yet
        assert {c["metric"] for c in results["analysis"]["comparisons"]} == {
            "conversion", "ctr", "revenue_per_user"
        }  # fmt: skip
        daily = http.get("/v1/metrics/daily", params={"days": 7},
                         headers=auth(keys["read"])).json()  # fmt: skip
        assert daily["days"] and "ctr" in daily["days"][-1]
        bad = http.get("/v1/metrics/daily", params={"days": 0}, headers=auth(keys["read"]))
        assert bad.status_code == 422


def test_a_variant_can_be_served_by_another_recommender_version(
    live, recommender_demo: DemoStore
) -> None:
    _, url, keys = live
    users = sorted({e["user_id"] for e in recommender_demo.events})[:30]
    definition = {
        "name": "ranker-versions",
        "variants": [
            {"name": "serving", "config": {"recommend.model_version": "recommendations-0001"}},
            {"name": "candidate", "config": {"recommend.model_version": "recommendations-0002"}},
        ],
        "primary_metric": "ctr",
    }
    with httpx.Client(base_url=url, timeout=60) as http:
        unknown = {**definition, "variants": [definition["variants"][0], {"name": "x",
                   "config": {"recommend.model_version": "recommendations-0099"}}]}  # fmt: skip
        refused = http.post("/v1/experiments", json=unknown, headers=auth(keys["admin"]))
        assert refused.status_code == 422
        assert refused.json()["error"]["details"][0]["field"] == (
            "variants[1].config.recommend.model_version"
        )
        exp = http.post("/v1/experiments", json=definition, headers=auth(keys["admin"])).json()
        http.post(f"/v1/experiments/{exp['id']}/start", headers=auth(keys["admin"]))
        served = set()
        for user in users:
            data = http.get(f"/v1/users/{user}/recommendations", headers=auth(keys["read"])).json()
            variant = data["experiments"][0]["variant"]
            served.add((variant, data["model"]))
    assert served == {
        ("serving", "recommendations-0001"),
        ("candidate", "recommendations-0002"),
    }


def test_recommendation_requests_carry_audience_attributes(
    live, recommender_demo: DemoStore
) -> None:
    services, url, keys = live
    users = sorted({e["user_id"] for e in recommender_demo.events})[:12]
    mobile_only = {"traffic": 1.0, "attributes": {"platform": ["ios", "android"]}}
    definition = {**DEFINITION, "name": "mobile-only", "audience": mobile_only}
    with httpx.Client(base_url=url, timeout=60) as http:
        exp = http.post("/v1/experiments", json=definition, headers=auth(keys["admin"])).json()
        http.post(f"/v1/experiments/{exp['id']}/start", headers=auth(keys["admin"]))
        path = "/v1/users/{}/recommendations"
        web, mobile = users[:6], users[6:]
        for user in web:
            data = http.get(path.format(user), params={"attributes": "platform:web"},
                            headers=auth(keys["read"])).json()  # fmt: skip
            assert "experiments" not in data
        for user in mobile[:3]:
            data = http.get(path.format(user), params={"attributes": "platform:ios, app:2.1"},
                            headers=auth(keys["read"])).json()  # fmt: skip
            assert [p["experiment"] for p in data["experiments"]] == [exp["id"]]
        for user in mobile[3:]:
            body = {"user_id": user, "attributes": {"platform": "android"}}
            data = http.post("/v1/recommendations", json=body, headers=auth(keys["read"])).json()
            assert [p["experiment"] for p in data["experiments"]] == [exp["id"]]
        bad = http.get(path.format(users[0]), params={"attributes": "platform"},
                       headers=auth(keys["read"]))  # fmt: skip
        assert bad.status_code == 422
        assert bad.json()["error"]["details"][0]["field"] == "attributes"
        services.exposures.flush()
        results = http.get(f"/v1/experiments/{exp['id']}/results", headers=auth(keys["read"]))
        assert sum(v["users"] for v in results.json()["variants"]) == len(mobile)
