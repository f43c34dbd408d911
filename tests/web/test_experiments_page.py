"""The experiments page in headless Chromium: list, start, forest plot with intervals,
SRM warning, lift over time, a bandit's allocation, and the interval toggle."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.web.conftest import LiveServer
from tests.web.test_browser import browser, open_signed_in, page, save_screenshot, sign_in  # noqa: F401
from uxlift.recommend.exposure import Assignment
from uxlift.services import Services

pytestmark = pytest.mark.browser

USERS = 1000
TREATMENT_SHARE = 0.3  # configured 50/50, logged 70/30: a sample ratio mismatch
RATES = {"control": 0.15, "green": 0.35}


@dataclass(frozen=True)
class Seeded:
    ab_id: str
    bandit_id: str
    users: dict[str, int]


def _seed(services: Services) -> Seeded:
    """A running A/B test with a real lift on conversion and a skewed split, and a draft
    bandit. Exposures are written straight to the log, so the split is what we choose."""
    exp = services.experiments
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=4)
    exp.clock = lambda: start.timestamp()
    ab = exp.create(
        {
            "name": "checkout button",
            "description": "green <b>button</b> on checkout",
            "variants": [{"name": "control", "weight": 1}, {"name": "green", "weight": 1}],
            "primary_metric": "conversion",
            "guardrail_metrics": ["revenue_per_user", "ctr"],
        }
    )
    exp.start(ab.experiment_id)
    bandit = exp.create(
        {
            "name": "ranking bandit",
            "kind": "bandit",
            "variants": [
                {"name": "popular", "weight": 1, "config": {"recommend.strategy": "popularity"}},
                {"name": "ranker", "weight": 1, "config": {"recommend.strategy": "model"}},
            ],
            "primary_metric": "conversion",
        }
    )
    rng = random.Random(5)
    users = {"control": 0, "green": 0}
    events = []
    for i in range(USERS):
        variant = "green" if i % 10 < TREATMENT_SHARE * 10 else "control"
        users[variant] += 1
        user = f"buyer-{i}"
        when = start + timedelta(hours=1 + i % 72)
        key = services.pseudonymizer.user_key(user)
        services.exposures.assigned(Assignment(key, ab.experiment_id, variant, when.timestamp()))
        if rng.random() < RATES[variant]:
            events.append(
                {
                    "event_id": f"buy-{i}",
                    "user_id": user,
                    "type": "purchase",
                    "item_id": "sku-1",
                    "value": 20.0,
                    "timestamp": (when + timedelta(minutes=10)).isoformat(),
                }
            )
    services.exposures.flush()
    assert services.events.ingest(events).stored == len(events)
    exp.clock = time.time
    return Seeded(ab.experiment_id, bandit.experiment_id, users)


def _interval_width(row: Locator) -> float:
    """The width of a comparison row's interval, from its "[low%, high%]" text."""
    low, high = re.findall(r"[-+]?\d+(?:\.\d+)?", row.locator(".interval").inner_text())
    return float(high) - float(low)


def _conversion(services: Services, experiment_id: str, sequential: bool) -> dict[str, Any]:
    analysis = services.experiments.results(experiment_id, sequential=sequential)["analysis"]
    return next(c for c in analysis["comparisons"] if c["metric"] == "conversion")


def test_experiment_page_shows_lifts_with_intervals_srm_and_timeline(
    page: Page,  # noqa: F811
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    services = live_server.services
    seeded = _seed(services)
    key = services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url("/dashboard/experiments"))
    page.wait_for_selector("body[data-state=ready]")
    expect(page.locator("nav a.active")).to_have_text("Experiments")

    rows = page.locator("#experiments-table tr.experiment-row")
    expect(rows).to_have_count(2)
    ab_row = page.locator(f"tr[data-experiment='{seeded.ab_id}']")
    expect(ab_row.locator(".experiment-name")).to_have_text("checkout button")
    expect(ab_row).to_contain_text("green <b>button</b> on checkout")  # shown as text
    expect(ab_row.locator(".experiment-status")).to_have_text("running")
    expect(ab_row.locator(".experiment-kind")).to_have_text("A/B")
    expect(ab_row.locator(".experiment-variants")).to_have_text("control (control) 50% · green 50%")
    expect(ab_row.locator("button.stop")).to_be_visible()

    # The draft bandit starts from its button; its allocation chart then has one split.
    bandit_row = page.locator(f"tr[data-experiment='{seeded.bandit_id}']")
    expect(bandit_row.locator(".experiment-status")).to_have_text("draft")
    bandit_row.locator("button.start").click()
    expect(bandit_row.locator(".experiment-status")).to_have_text("running")
    assert services.experiments.get(seeded.bandit_id).status == "running"
    bandit_row.focus()  # rows open from the keyboard too
    page.keyboard.press("Enter")
    detail = page.locator(f"#experiment-detail[data-experiment='{seeded.bandit_id}']")
    expect(detail).to_have_attribute("data-loaded", "true")
    allocation = page.locator("#allocation-chart.js-plotly-plot")
    expect(allocation.locator(".main-svg").first).to_be_visible()
    expect(allocation.locator("g.scatterlayer g.trace")).to_have_count(2)
    expect(page.locator("#srm-banner")).to_be_hidden()
    save_screenshot(page, tmp_path, "dashboard-experiments-bandit.png")

    # The A/B test: variants, forest plot with intervals, SRM warning, timeline.
    with page.expect_response(lambda r: f"/v1/experiments/{seeded.ab_id}/timeline" in r.url):
        ab_row.click()
    detail = page.locator(f"#experiment-detail[data-experiment='{seeded.ab_id}']")
    expect(detail).to_have_attribute("data-loaded", "true")
    expect(detail).to_have_attribute("data-sequential", "true")  # the server's default
    expect(page.locator("#interval-mode")).to_have_value("true")
    assert "experiment=" + seeded.ab_id in page.url
    expect(page.locator("#allocation-card")).to_be_hidden()
    for variant, n in seeded.users.items():
        expect(page.locator(f"#variants-table tr[data-variant='{variant}'] .users")).to_have_text(
            f"{n:,}"
        )

    srm = page.locator("#srm-banner")
    expect(srm).to_be_visible()
    expect(srm).to_contain_text("Sample ratio mismatch")
    expect(srm).to_contain_text("control 700 users (70.0%, expected 50.0%)")

    lift = page.locator("#lift-chart.js-plotly-plot")
    expect(lift.locator(".main-svg").first).to_be_visible()
    assert lift.get_attribute("data-comparisons") == "3"
    assert lift.get_attribute("data-intervals") == "2"  # ctr has no recommendations shown
    assert lift.get_attribute("data-insufficient") == "1"
    bars = lift.locator("g.errorbars g.errorbar path.xerror")
    expect(bars).to_have_count(2)
    for i in range(2):
        box = bars.nth(i).bounding_box()
        assert box is not None and box["width"] > 20  # a drawn interval, not a dot
    expect(lift.locator("g.annotation").filter(has_text="insufficient data")).to_have_count(1)
    expect(lift.locator("g.annotation").filter(has_text="beats control")).to_have_count(3)
    # Conversion is a significant win: drawn in the "significant win" trace, green.
    traces = lift.evaluate(
        "box => box.data.map(t => ({name: t.name, y: t.y, x: t.x, error: t.error_x}))"
    )
    win = next(t for t in traces if t["name"] == "significant win")
    assert "Conversion" in win["y"]
    sequential = _conversion(services, seeded.ab_id, True)
    at = win["y"].index("Conversion")
    assert win["x"][at] == pytest.approx(sequential["lift"])
    assert win["error"]["array"][at] == pytest.approx(sequential["ci_high"] - sequential["lift"])
    assert win["error"]["arrayminus"][at] == pytest.approx(
        sequential["lift"] - sequential["ci_low"]
    )
    conversion = page.locator("#comparisons-table tr[data-metric=conversion]")
    expect(conversion.locator(".verdict")).to_have_text("significant win")
    assert sequential["bayesian"]["chance_to_win"] > 0.999
    expect(conversion.locator(".chance")).to_have_text("> 99.9%")
    expect(page.locator("#comparisons-table tr[data-metric=ctr] .verdict")).to_contain_text(
        "insufficient data"
    )

    timeline = page.locator("#timeline-chart.js-plotly-plot")
    expect(timeline.locator(".main-svg").first).to_be_visible()
    days = len(services.experiments.timeline(seeded.ab_id)["days"])
    assert days >= 4
    assert timeline.get_attribute("data-days") == str(days)
    expect(timeline.locator("g.scatterlayer g.trace")).to_have_count(3)  # low, band, lift
    expect(timeline.locator("g.scatterlayer path.js-fill")).to_have_count(1)
    assert timeline.locator("g.scatterlayer g.points path.point").count() >= days - 1
    save_screenshot(page, tmp_path, "dashboard-experiments.png")

    # Fixed-horizon intervals: refetched with sequential=false, and narrower.
    wide = _interval_width(conversion)
    with page.expect_response(
        lambda r: f"/v1/experiments/{seeded.ab_id}/results" in r.url and "sequential=false" in r.url
    ):
        page.select_option("#interval-mode", "false")
    expect(detail).to_have_attribute("data-sequential", "false")
    expect(detail).to_have_attribute("data-loaded", "true")
    fixed = _conversion(services, seeded.ab_id, False)
    narrow = _interval_width(conversion)
    assert narrow < wide
    assert narrow == pytest.approx((fixed["ci_high"] - fixed["ci_low"]) * 100, abs=0.11)
    traces = lift.evaluate("box => box.data.map(t => ({name: t.name, y: t.y, error: t.error_x}))")
    win = next(t for t in traces if t["name"] == "significant win")
    at = win["y"].index("Conversion")
    assert win["error"]["array"][at] == pytest.approx(fixed["ci_high"] - fixed["lift"])
    expect(page.locator("#lift-label")).to_contain_text("fixed-horizon")

    # Stopping from the list.
    ab_row.locator("button.stop").click()
    expect(ab_row.locator(".experiment-status")).to_have_text("stopped")
    expect(ab_row.locator("button")).to_have_count(0)
    assert services.experiments.get(seeded.ab_id).status == "stopped"


def test_experiments_page_without_experiments_says_how_to_create_one(
    page: Page,  # noqa: F811
    live_server: LiveServer,
) -> None:
    open_signed_in(page, live_server, "/dashboard/experiments")
    page.wait_for_selector("body[data-state=empty]")
    expect(page.locator("#empty-state")).to_be_visible()
    expect(page.locator("#empty-state code").first).to_have_text("POST /v1/experiments")
    expect(page.locator("#experiments-card")).to_be_hidden()


def test_a_failed_action_shows_an_error_line(
    page: Page,  # noqa: F811
    live_server: LiveServer,
) -> None:
    services = live_server.services
    created = services.experiments.create(
        {"name": "lonely", "variants": [{"name": "a"}, {"name": "b"}],
         "primary_metric": "conversion"}
    )  # fmt: skip
    key = services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url("/dashboard/experiments"))
    page.wait_for_selector("body[data-state=ready]")
    # The network fails on the way: the page says so and lets the user try again.
    page.route("**/v1/experiments/*/start", lambda route: route.abort())
    button = page.locator(f"tr[data-experiment='{created.experiment_id}'] button.start")
    button.click()
    error = page.locator("#page-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Could not start lonely")
    expect(button).to_be_enabled()
    assert services.experiments.get(created.experiment_id).status == "draft"


def test_daily_metrics_chart_per_segment_matches_the_service(
    page: Page,  # noqa: F811
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    services = live_server.services
    first = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=3)
    # Per day and platform: (users who viewed, of them purchased). Zero buyers on one day.
    plan = {
        (0, "ios"): (4, 2),
        (0, "android"): (3, 1),
        (1, "ios"): (2, 0),
        (1, "android"): (4, 3),
    }
    events = []
    for (day, platform), (viewers, buyers) in plan.items():
        when = first + timedelta(days=day)
        for i in range(viewers):
            user = f"{platform}-{day}-{i}"
            base = {"user_id": user, "item_id": "sku-1", "properties": {"platform": platform}}
            events.append(
                {**base, "event_id": f"v-{user}", "type": "view",
                 "timestamp": (when + timedelta(minutes=i)).isoformat()}
            )  # fmt: skip
            if i < buyers:
                events.append(
                    {**base, "event_id": f"p-{user}", "type": "purchase", "value": 10.0,
                     "timestamp": (when + timedelta(minutes=30 + i)).isoformat()}
                )  # fmt: skip
    assert services.events.ingest(events).stored == len(events)
    expected = services.experiments.daily_metrics(days=7, segment="platform")
    want: dict[str, dict[str, Any]] = {}
    for row in expected["days"]:
        want.setdefault(row["segment"], {})[row["day"]] = (row["conversion"], row["users"])
    assert sorted(want) == ["android", "ios"]
    assert all(len(days) == 2 for days in want.values())
    assert want["ios"][(first + timedelta(days=1)).date().isoformat()] == (0.0, 2)

    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/v1/metrics/daily" in r.url else None)
    key = services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url("/dashboard/experiments"))
    page.wait_for_selector("body[data-state=empty]")  # the chart needs no experiment
    chart = page.locator("#daily-chart")
    expect(chart).to_have_attribute("data-loaded", "true")
    labels = page.locator("#daily-metric option").all_inner_texts()
    assert labels == [m["label"] for m in expected["metrics"]]

    with page.expect_response(lambda r: "/v1/metrics/daily?days=7" in r.url):
        page.select_option("#daily-days", "7")
    page.select_option("#daily-metric", label="Conversion")
    # A segment that is no property name is refused here, without asking the server.
    before = len(asked)
    page.fill("#daily-segment", "plat form")
    page.press("#daily-segment", "Enter")
    expect(page.locator("#daily-error")).to_contain_text("letters, digits and _")
    assert len(asked) == before
    page.fill("#daily-segment", "platform")
    page.press("#daily-segment", "Enter")
    expect(page.locator("#daily-error")).to_be_hidden()
    expect(chart).to_have_attribute("data-segment", "platform")
    expect(chart).to_have_attribute("data-metric", "conversion")
    expect(chart).to_have_attribute("data-loaded", "true")
    expect(chart).to_have_attribute("data-traces", "2")
    assert any("days=7" in u and "segment=platform" in u for u in asked)

    plotted = chart.evaluate(
        "box => ({traces: box.data.map(t => ({name: t.name, x: t.x, y: t.y, c: t.customdata})),"
        " tickformat: box.layout.yaxis.tickformat})"
    )
    assert plotted["tickformat"].endswith("%")  # conversion is shown as a percentage
    assert sorted(t["name"] for t in plotted["traces"]) == ["android", "ios"]
    for trace in plotted["traces"]:
        days = want[trace["name"]]
        assert trace["x"] == sorted(days)
        assert trace["y"] == pytest.approx([days[d][0] for d in trace["x"]])
        assert [c[1] for c in trace["c"]] == [str(days[d][1]) for d in trace["x"]]  # users
        assert [c[0] for c in trace["c"]] == [f"{days[d][0] * 100:.2f}%" for d in trace["x"]]
    expect(chart.locator("g.scatterlayer g.trace")).to_have_count(2)
    save_screenshot(page, tmp_path, "dashboard-experiments-daily.png")
