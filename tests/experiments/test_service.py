"""The experiment service on a real store: definitions, assignment and exposure events,
results computed from the event log by SQL, bandits and daily UX metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from uxlift.errors import Conflict, InvalidInput, NotFound
from uxlift.services import Services

START = datetime(2026, 10, 1, 12, tzinfo=UTC)


def _definition(**overrides) -> dict:
    return {
        "name": "ranker vs popular",
        "variants": [
            {"name": "popular", "weight": 1, "config": {"recommend.strategy": "popularity"}},
            {"name": "ranker", "weight": 1, "config": {"recommend.strategy": "model"}},
        ],
        "primary_metric": "conversion",
        "guardrail_metrics": ["revenue_per_user", "ctr"],
        **overrides,
    }


def _at(moment: datetime):
    return lambda: moment.timestamp()


def _event(user: str, kind: str, when: datetime, **fields) -> dict:
    return {
        "user_id": user,
        "type": kind,
        "timestamp": when.isoformat(),
        "event_id": f"{user}-{kind}-{when.timestamp()}-{fields.get('item_id', '')}",
        **fields,
    }


def test_definitions_are_validated_field_by_field(services: Services) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.experiments.create(
            {
                "name": "",
                "variants": [{"name": "a", "weight": -1, "config": {"recommend.speed": 2}}],
                "primary_metric": "happiness",
                "audience": {"traffic": 2},
            }
        )
    fields = {d["field"] for d in caught.value.details}
    assert {"name", "variants[0].weight", "primary_metric", "audience.traffic"} <= fields
    with pytest.raises(InvalidInput) as caught:
        services.experiments.create(
            _definition(variants=[{"name": "a", "config": {"recommend.speed": 2}}, {"name": "b"}])
        )
    assert caught.value.details[0]["field"] == "variants[0].config.recommend.speed"
    created = services.experiments.create(_definition())
    assert created.status == "draft" and created.control == "popular"
    with pytest.raises(Conflict):
        services.experiments.create(_definition())
    with pytest.raises(NotFound):
        services.experiments.get("exp_missing")


def test_assignment_is_stable_balanced_and_logged_once_as_an_exposure(
    services: Services,
) -> None:
    exp = services.experiments
    exp.clock = _at(START)
    created = exp.create(_definition())
    draft = exp.assign(created.experiment_id, "user-1")
    assert draft["variant"] is None and "draft" in draft["reason"]
    exp.start(created.experiment_id)
    first = {f"user-{i}": exp.assign(created.name, f"user-{i}")["variant"] for i in range(400)}
    again = {u: exp.assign(created.experiment_id, u)["variant"] for u in first}
    assert first == again
    shares = np.mean([v == "ranker" for v in first.values()])
    assert 0.4 < shares < 0.6
    assert exp.assign(created.experiment_id, "user-7")["config"] == {
        "recommend.strategy": "model" if first["user-7"] == "ranker" else "popularity"
    }
    services.exposures.flush()
    logged = (
        services.store.cursor()
        .execute(
            "SELECT count(*), count(DISTINCT user_key) FROM events "
            "WHERE type = 'exposure' AND item_id IS NULL"
        )
        .fetchone()
    )
    assert logged == (400, 400)


def test_audience_limits_who_takes_part(services: Services) -> None:
    exp = services.experiments
    created = exp.create(
        _definition(audience={"traffic": 0.5, "attributes": {"platform": ["ios", "android"]}})
    )
    exp.start(created.experiment_id)
    outside = exp.assign(created.experiment_id, "u1", attributes={"platform": "web"})
    assert outside["variant"] is None
    taking = [
        exp.assign(created.experiment_id, f"u{i}", attributes={"platform": "ios"})["variant"]
        for i in range(400)
    ]
    share = np.mean([t is not None for t in taking])
    assert 0.4 < share < 0.6


def test_results_come_from_the_log_and_find_a_real_lift(services: Services) -> None:
    exp = services.experiments
    exp.clock = _at(START)
    created = exp.create(_definition())
    exp.start(created.experiment_id)
    services.catalog.upsert([{"item_id": "i1", "title": "Lamp", "price": 20.0}])
    events = []
    seen = {"ranker": 0, "popular": 0}
    for i in range(1500):
        user = f"shopper-{i}"
        variant = exp.assign(created.experiment_id, user)["variant"]
        seen[variant] += 1
        # Exactly 6 in 20 ranker users buy, 3 in 20 popular ones: a true lift of +100%.
        buys = seen[variant] % 20 < (6 if variant == "ranker" else 3)
        when = START + timedelta(hours=1 + i % 48)
        events.append(_event(user, "view", when, item_id="i1"))
        if buys:
            events.append(_event(user, "purchase", when + timedelta(minutes=5), item_id="i1",
                                 value=20.0))  # fmt: skip
    # Activity before the exposure does not count.
    events.append(_event("shopper-0", "purchase", START - timedelta(days=1), item_id="i1",
                         value=20.0))  # fmt: skip
    services.exposures.flush()
    assert services.events.ingest(events).stored == len(events)
    exp.clock = _at(START + timedelta(days=3))
    result = exp.results(created.experiment_id, sequential=False)
    users = {v["name"]: v["users"] for v in result["variants"]}
    assert sum(users.values()) == 1500
    assert result["analysis"]["srm"]["mismatch"] is False
    conversion = next(c for c in result["analysis"]["comparisons"] if c["metric"] == "conversion")
    assert conversion["significant"] is True
    assert conversion["ci_low"] < 1.0 < conversion["ci_high"]
    assert conversion["lift"] == pytest.approx(1.0, abs=0.1)
    revenue = next(
        c for c in result["analysis"]["comparisons"] if c["metric"] == "revenue_per_user"
    )
    assert revenue["lift"] == pytest.approx(conversion["lift"], abs=0.05)
    ctr = next(c for c in result["analysis"]["comparisons"] if c["metric"] == "ctr")
    assert ctr["insufficient_data"]  # no recommendation was shown
    timeline = exp.timeline(created.experiment_id)
    assert len(timeline["days"]) >= 3
    assert timeline["days"][-1]["comparisons"][0]["metric"] == "conversion"


def test_a_bandit_moves_traffic_to_the_better_variant(services: Services) -> None:
    exp = services.experiments
    exp.clock = _at(START)
    created = exp.create(_definition(name="bandit", kind="bandit", min_exploration=0.1))
    exp.start(created.experiment_id)
    services.catalog.upsert([{"item_id": "i1", "title": "Lamp", "price": 20.0}])
    rng = np.random.default_rng(5)
    events = []
    for i in range(600):
        user = f"b-{i}"
        variant = exp.assign(created.experiment_id, user)["variant"]
        if rng.random() < (0.4 if variant == "ranker" else 0.05):
            events.append(_event(user, "purchase", START + timedelta(hours=1), item_id="i1",
                                 value=20.0))  # fmt: skip
    services.exposures.flush()
    services.events.ingest(events)
    exp.clock = _at(START + timedelta(hours=2))
    weights = exp.update_bandit(created.experiment_id, random_state=0)
    assert weights["ranker"] > 0.85 and weights["popular"] >= 0.1
    later = [exp.assign(created.experiment_id, f"new-{i}")["variant"] for i in range(300)]
    assert np.mean([v == "ranker" for v in later]) > 0.75
    # Earlier users keep their variant.
    assert (
        exp.assign(created.experiment_id, "b-0")["variant"]
        == exp.assign(created.experiment_id, "b-0")["variant"]
    )
    results = exp.results(created.experiment_id)
    assert len(results["allocations"]) == 2
    assert results["analysis"]["srm"] is None  # a bandit's split moves on purpose


def test_daily_metrics_per_day_and_segment(services: Services) -> None:
    services.catalog.upsert([{"item_id": "i1", "title": "Lamp", "price": 20.0}])
    day = datetime(2026, 10, 5, 9, tzinfo=UTC)
    events = [
        _event("a", "view", day, item_id="i1", properties={"platform": "ios"}),
        _event("a", "purchase", day + timedelta(minutes=3), item_id="i1", value=20.0),
        _event("b", "view", day, item_id="i1", properties={"platform": "web"}),
        _event("b", "add_to_cart", day + timedelta(minutes=1), item_id="i1"),
        _event("c", "view", day + timedelta(days=1), item_id="i1"),
    ]
    services.events.ingest(events)
    daily = services.experiments.daily_metrics(days=3, end=datetime(2026, 10, 6, 12))
    by_day = {row["day"]: row for row in daily["days"]}
    assert by_day["2026-10-05"]["users"] == 2
    assert by_day["2026-10-05"]["conversion"] == pytest.approx(0.5)
    assert by_day["2026-10-05"]["add_to_cart_rate"] == pytest.approx(0.5)
    assert by_day["2026-10-05"]["revenue_per_user"] == pytest.approx(10.0)
    assert by_day["2026-10-06"]["conversion"] == 0.0
    segmented = services.experiments.daily_metrics(
        days=3, end=datetime(2026, 10, 6, 12), segment="platform"
    )
    segments = {(r["day"], r["segment"]): r for r in segmented["days"]}
    assert segments[("2026-10-05", "ios")]["conversion"] == 1.0
    assert segments[("2026-10-05", "web")]["conversion"] == 0.0
    assert segments[("2026-10-06", "(none)")]["users"] == 1
    with pytest.raises(InvalidInput):
        services.experiments.daily_metrics(segment="x'; DROP TABLE events")


def test_erasing_a_user_removes_their_exposures_for_good(
    services: Services,
) -> None:
    exp = services.experiments
    created = exp.create(_definition(kind="bandit"))
    exp.start(created.experiment_id)
    exp.assign(created.experiment_id, "leaving")
    exp.assign(created.experiment_id, "staying")
    services.exposures.flush()
    key = services.pseudonymizer.user_key("leaving")

    def exposures() -> int:
        services.exposures.flush()
        return (
            services.store.cursor()
            .execute("SELECT count(*) FROM events WHERE type = 'exposure' AND user_key = ?", [key])
            .fetchone()[0]
        )

    assert exposures() == 1
    services.users.erase("leaving", actor="test")
    assert exposures() == 0
    assert sum(v["users"] for v in exp.results(created.experiment_id)["variants"]) == 1
    # Coming back, the user is assigned afresh, but the log keeps the erasure: the same
    # exposure (same id) is not stored again, so they stay out of the analysis.
    assert exp.assign(created.experiment_id, "leaving")["variant"] is not None
    assert exposures() == 0
