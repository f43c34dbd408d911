"""The closed-loop experiment on a small demo store: uxlift assigns and analyses through
the real API, and the log holds exactly what the simulated shoppers did."""

from __future__ import annotations

from tests.conftest import TEST_SECRET
from uxlift.config import Settings
from uxlift.demo.experiment_simulation import (
    CONTROL,
    TREATMENT,
    SimulationOptions,
    prepare_store,
    run_experiment_simulation,
)
from uxlift.server import serving_in_thread
from uxlift.services import open_services


def test_a_small_simulation_logs_what_shoppers_did_and_reports_the_true_lift(tmp_path) -> None:
    options = SimulationOptions(days=2, users=120, items=150, history_days=14, visit_rate=0.5,
                                assistant_share=0.0, kind="bandit", seed=4)  # fmt: skip
    settings = Settings(data_dir=tmp_path / "data", secret_key=TEST_SECRET, warm_lists=0,
                        monitor_scan_every_s=0, bandit_update_every_s=0)  # fmt: skip
    services = open_services(settings)
    try:
        prepared = prepare_store(services, options, echo=lambda _line: None)
        admin = services.keys.create(name="sim", scopes=["admin"]).secret
        with serving_in_thread(services) as url:
            report = run_experiment_simulation(
                services, prepared, url, admin, options, echo=lambda _line: None
            )
    finally:
        services.close()
    variants = report["variants"]
    assert report["visits"] > 100
    assert variants[CONTROL]["users"] + variants[TREATMENT]["users"] == report["exposed_users"]
    for name in (CONTROL, TREATMENT):
        # The conversion read back from the event log is exactly what was drawn.
        assert variants[name]["conversion"] == variants[name]["drawn_conversion"]
        assert 0.0 <= variants[name]["true_conversion"] <= 1.0
    # The ranker knows the shoppers: its true conversion beats the same list for everyone.
    assert variants[TREATMENT]["true_conversion"] > variants[CONTROL]["true_conversion"]
    assert report["true_lift"] > 0
    assert [p["day"] for p in report["peeks"]] == [1, 2]
    assert len(report["allocations"]) == 3  # at the start and after each day
    assert report["srm"] is None  # a bandit has no fixed split to check
