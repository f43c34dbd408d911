"""Experiments and UX metrics from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from uxlift.cli_common import _emit, _services, cli_errors
from uxlift.errors import InvalidInput

experiments_app = typer.Typer(
    help="A/B tests and bandits over uxlift's own strategies.", no_args_is_help=True
)
metrics_app = typer.Typer(help="UX metrics from the event log.", no_args_is_help=True)


def _call(method: str, *args: Any, **kwargs: Any) -> Any:
    services = _services()
    try:
        return getattr(services.experiments, method)(*args, **kwargs)
    finally:
        services.close()


@experiments_app.command("create")
@cli_errors
def create_cmd(
    definition: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="The experiment as a JSON file.")
    ],
    start: Annotated[bool, typer.Option(help="Start it right away.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create an experiment from a JSON definition (see the API's POST /v1/experiments)."""
    try:
        raw = json.loads(definition.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"{definition.name} is not valid JSON: {exc}",
            details=[{"field": "definition", "reason": str(exc)}],
        ) from None
    services = _services()
    try:
        created = services.experiments.create(raw)
        if start:
            created = services.experiments.start(created.experiment_id)
    finally:
        services.close()
    _emit(created.to_dict(), as_json)


@experiments_app.command("list")
@cli_errors
def list_cmd(
    status: Annotated[str | None, typer.Option(help="draft, running or stopped.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Experiments, newest first."""
    found = _call("list", status)
    if as_json:
        _emit([e.to_dict() for e in found], True)
        return
    for e in found:
        variants = ", ".join(v.name for v in e.variants)
        typer.echo(f"{e.experiment_id} [{e.status}] {e.name} ({e.kind}: {variants})")


def _status_cmd(method: str, help_text: str) -> None:
    @experiments_app.command(method, help=help_text)
    @cli_errors
    def command(
        experiment: Annotated[str, typer.Argument(help="Experiment id or name.")],
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        _emit(_call(method, experiment).to_dict(), as_json)


_status_cmd("show", "An experiment's definition.")
_status_cmd("start", "Start assigning users.")
_status_cmd("stop", "Stop assigning users (results stay).")


@experiments_app.command("delete")
@cli_errors
def delete_cmd(experiment: Annotated[str, typer.Argument(help="Experiment id or name.")]) -> None:
    """Delete a draft or stopped experiment."""
    _call("delete", experiment)
    typer.echo(f"deleted {experiment}")


@experiments_app.command("assign")
@cli_errors
def assign_cmd(
    experiment: Annotated[str, typer.Argument(help="Experiment id or name.")],
    user_id: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The variant a user gets (logged as their exposure)."""
    _emit(_call("assign", experiment, user_id), as_json)


@experiments_app.command("results")
@cli_errors
def results_cmd(
    experiment: Annotated[str, typer.Argument(help="Experiment id or name.")],
    fixed_horizon: Annotated[
        bool,
        typer.Option(
            "--fixed-horizon",
            help="Classical intervals, valid for one look at a planned end (default: "
            "always-valid ones, as configured).",
        ),
    ] = False,
    cuped: Annotated[bool, typer.Option(help="Adjust with pre-period activity.")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Metrics per variant and every lift against control, with intervals."""
    result = _call("results", experiment, sequential=False if fixed_horizon else None, cuped=cuped)
    if as_json:
        _emit(result, True)
        return
    _print_results(result)


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:+.2f}%"


def _print_results(result: dict[str, Any]) -> None:
    console = Console()
    exp = result["experiment"]
    console.print(f"[bold]{exp['name']}[/bold] ({exp['status']}, as of {result['as_of']})")
    users = ", ".join(f"{v['name']}: {v['users']}" for v in result["variants"])
    console.print(f"users: {users}")
    analysis = result.get("analysis") or {}
    srm = analysis.get("srm") or {}
    if srm.get("mismatch"):
        console.print(f"[red]sample ratio mismatch[/red] (p = {srm.get('p_value'):.2g})")
    table = Table("metric", "variant", "control", "variant value", "lift", "interval",
                  "p (adj.)", "P(beats control)")  # fmt: skip
    for c in analysis.get("comparisons", []):
        freq, bayes = c.get("frequentist") or {}, c.get("bayesian") or {}
        if c.get("insufficient_data"):
            table.add_row(c["metric"], c["variant"], "", "", "insufficient data", "", "", "")
            continue
        table.add_row(
            c["metric"],
            c["variant"],
            f"{c['control_mean']:.4g}",
            f"{c['variant_mean']:.4g}",
            _percent(freq.get("estimate")),
            f"[{_percent(freq.get('ci_low'))}, {_percent(freq.get('ci_high'))}]",
            _number(c.get("adjusted_p_value"), ".3g"),
            _number(bayes.get("chance_to_win"), ".3f"),
        )
    console.print(table)


@metrics_app.command("daily")
@cli_errors
def daily_cmd(
    days: Annotated[int, typer.Option(min=1, max=366)] = 30,
    segment: Annotated[str | None, typer.Option(help="An event property to split by.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """CTR, conversion, revenue per user and the other UX metrics per day."""
    result = _call("daily_metrics", days=days, segment=segment)
    if as_json:
        _emit(result, True)
        return
    names = [m["name"] for m in result["metrics"]]
    table = Table("day", "segment", "users", *names)
    for row in result["days"]:
        table.add_row(
            row["day"],
            row["segment"],
            str(row["users"]),
            *("-" if row[n] is None else f"{row[n]:.4g}" for n in names),
        )
    Console().print(table)


simulate_app = typer.Typer(help="Closed-loop simulations on the demo store.", no_args_is_help=True)


@simulate_app.command("experiment")
@cli_errors
def simulate_experiment_cmd(
    days: Annotated[int, typer.Option(min=1, max=60, help="Simulated days.")] = 14,
    users: Annotated[int, typer.Option(min=50, max=20_000, help="Demo shoppers.")] = 1500,
    items: Annotated[int, typer.Option(min=100, max=20_000, help="Demo items.")] = 1000,
    visit_rate: Annotated[float, typer.Option(help="Chance a shopper visits on a day.")] = 0.3,
    kind: Annotated[str, typer.Option(help="ab or bandit.")] = "ab",
    seed: int = 0,
    workdir: Annotated[
        Path | None, typer.Option(help="Data dir to build the store in (default: a temp dir).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The learned ranker against popularity on the demo store, through the real API:
    uxlift assigns, serves and analyses; the store's ground truth decides what shoppers
    do. Reports the measured lift in conversion with its interval beside the true lift."""
    import sys
    import tempfile

    from tqdm import tqdm

    from uxlift.cli_common import _settings
    from uxlift.demo.experiment_simulation import (
        SimulationOptions,
        prepare_store,
        run_experiment_simulation,
    )
    from uxlift.server import serving_in_thread
    from uxlift.services import open_services

    options = SimulationOptions(
        days=days, users=users, items=items, visit_rate=visit_rate, kind=kind, seed=seed
    )
    options.check()
    with tempfile.TemporaryDirectory(prefix="uxlift-sim-") as scratch:
        settings = _settings().model_copy(
            update={
                "data_dir": workdir or Path(scratch),
                "warm_lists": 0,
                "retrain_every_h": 0.0,
                "monitor_scan_every_s": 0.0,
                "bandit_update_every_s": 0.0,
            }
        )
        settings.ensure_secret()
        services = open_services(settings)
        echo = (lambda line: typer.echo(line, err=True)) if as_json else typer.echo
        try:
            prepared = prepare_store(services, options, echo=echo)
            admin = services.keys.create(name="simulation", scopes=["admin"])
            expected = int(users * visit_rate * days)
            with (
                serving_in_thread(services) as url,
                tqdm(
                    total=expected, desc="simulated visits", unit=" visits", file=sys.stderr
                ) as bar,
            ):
                report = run_experiment_simulation(
                    services, prepared, url, admin.secret, options, echo=echo,
                    progress=bar.update,
                )  # fmt: skip
        finally:
            services.close()
    if as_json:
        _emit(report, True)
        return
    typer.echo(
        f"conversion lift {_percent(report['lift'])} "
        f"[{_percent(report['ci_low'])}, {_percent(report['ci_high'])}], "
        f"significant: {report['significant']}; true lift {_percent(report['true_lift'])} "
        f"({'inside' if report['true_lift_in_ci'] else 'outside'} the interval)"
    )
