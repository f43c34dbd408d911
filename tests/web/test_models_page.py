"""The models page in headless Chromium: versions, charts, promotion, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer
from tests.web.test_browser import browser, open_signed_in, page, save_screenshot, sign_in  # noqa: F401
from uxlift.demo import generate_store
from uxlift.demo.runner import load_directly
from uxlift.predict.trainer import TrainOptions, train_predictors

pytestmark = pytest.mark.browser


def _train(live_server: LiveServer) -> dict:
    services = live_server.services
    load_directly(services, generate_store(seed=11, n_items=300, n_users=200, days=21))
    return train_predictors(
        services,
        TrainOptions(estimators=("logreg", "lightgbm"), promote="best", track=False,
                     progress=False),
    )  # fmt: skip


def test_models_page_shows_versions_calibration_and_promotes(
    page: Page,  # noqa: F811
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    report = _train(live_server)
    key = live_server.services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url("/dashboard/models"))
    page.wait_for_selector("body[data-state=ready]")

    rows = page.locator("#models-table tbody tr")
    expect(rows).to_have_count(2)
    serving = report["serving"]
    expect(page.locator("[data-target=purchase] .serving-version")).to_have_text(serving)
    expect(page.locator(f"tr[data-version='{serving}'] .badge-serving")).to_be_visible()
    lightgbm = next(m for m in report["models"] if m["estimator"] == "lightgbm")
    expect(page.locator(f"tr[data-version='{lightgbm['version']}'] .roc-auc")).to_have_text(
        f"{lightgbm['roc_auc']:.4f}"
    )

    calibration = page.locator("#calibration-chart.js-plotly-plot")
    expect(calibration.locator(".main-svg").first).to_be_visible()
    expect(calibration.locator("g.scatterlayer g.trace")).to_have_count(2)
    assert calibration.locator("g.scatterlayer g.points path.point").count() >= 5
    expect(page.locator("#auc-chart.js-plotly-plot .main-svg").first).to_be_visible()
    save_screenshot(page, tmp_path, "dashboard-models.png")

    other = next(m["version"] for m in report["models"] if m["version"] != serving)
    page.locator(f"tr[data-version='{other}'] button.promote").click()
    expect(page.locator("[data-target=purchase] .serving-version")).to_have_text(other)
    expect(page.locator("#history li[data-action=promote]")).to_have_count(2)
    assert live_server.services.predictions.registry.serving("purchase") == other


def test_models_page_without_models_says_how_to_train(
    page: Page,  # noqa: F811
    live_server: LiveServer,
) -> None:
    open_signed_in(page, live_server, "/dashboard/models")
    page.wait_for_selector("body[data-state=empty]")
    expect(page.locator("#empty-state")).to_be_visible()
    expect(page.locator("#empty-state code")).to_contain_text("uxlift train predictor")
