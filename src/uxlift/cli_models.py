"""``uxlift train predictor`` and ``uxlift models list|show|promote|rollback``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from uxlift.cli_common import _emit, _services, _settings, cli_errors, console
from uxlift.errors import InvalidInput

train_app = typer.Typer(help="Train models from the event log.", no_args_is_help=True)
models_app = typer.Typer(help="The model registry: list, inspect, promote, roll back.",
                         no_args_is_help=True)  # fmt: skip

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_duration(text: str) -> float:
    """'1d', '12h', '30m', '90s', '2w' or plain seconds -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise InvalidInput(
            f"horizon {text!r} is not a duration like 1d, 12h or 30m",
            details=[{"field": "horizon", "message": "use a positive number with s/m/h/d/w"}],
        )
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def _parse_until(text: str | None) -> datetime | None:
    if text is None:
        return None
    from uxlift.events.schema import parse_timestamp

    try:
        return parse_timestamp(text).astimezone(UTC).replace(tzinfo=None)
    except ValueError as exc:
        raise InvalidInput(f"--until: {exc}") from None


@train_app.command("predictor")
@cli_errors
def train_predictor(
    target: Annotated[str, typer.Option(help="click, add_to_cart or purchase")] = "purchase",
    horizon: Annotated[str, typer.Option(help="How long after a view counts (1d, 12h...).")] = "1d",
    estimators: Annotated[
        str, typer.Option(help="Comma-separated: logreg, lightgbm, cross-encoder.")
    ] = "logreg,lightgbm,cross-encoder",
    until: Annotated[str | None, typer.Option(help="Use events before this time only.")] = None,
    promote: Annotated[
        str, typer.Option(help="auto (only if nothing serves yet), best, or none.")
    ] = "auto",
    cross_encoder_budget: Annotated[
        float, typer.Option(help="Seconds of fine-tuning for the cross-encoder.")
    ] = 900.0,
    track: Annotated[bool, typer.Option("--track/--no-track", help="Log MLflow runs.")] = True,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train behaviour predictors on a chronological split and register them."""
    from uxlift.predict.trainer import TrainOptions, train_predictors

    settings = _settings()
    options = TrainOptions(
        target=target,
        horizon_s=parse_duration(horizon),
        estimators=tuple(e.strip() for e in estimators.split(",") if e.strip()),
        until=_parse_until(until),
        promote=promote,
        track=track,
        progress=progress,
        params={"cross-encoder": {"time_budget_s": cross_encoder_budget,
                                  "models_dir": str(settings.models_dir), "progress": progress}},
    )  # fmt: skip
    services = _services(settings)
    try:
        report = train_predictors(services, options)
    finally:
        services.close()
    if as_json:
        _emit(report, True)
        return
    _print_models(report["models"], title=f"{target} within {horizon} (test set)")
    if report["promoted"]:
        console.print(f"promoted {report['promoted']}: it now serves '{target}'")
    else:
        console.print(f"serving '{target}': {report['serving'] or 'nothing yet'}")


def _print_models(models: list[dict[str, Any]], *, title: str) -> None:
    table = Table(title=title)
    for column in ("version", "estimator", "ROC-AUC", "PR-AUC", "log loss", "ECE", "ceiling"):
        table.add_column(column)
    for m in models:
        ceiling = m.get("ceiling_roc_auc")
        table.add_row(
            m["version"], m["estimator"], f"{m['roc_auc']:.4f}", f"{m['pr_auc']:.4f}",
            f"{m['log_loss']:.4f}", f"{m['ece']:.4f}", "-" if ceiling is None else f"{ceiling:.4f}",
        )  # fmt: skip
    console.print(table)


def _registry():
    from uxlift.predict.registry import registry_for

    return registry_for(_settings().data_dir)


@models_app.command("list")
@cli_errors
def models_list(
    target: Annotated[str | None, typer.Option(help="Only this target.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every registered model, newest last, marking those that serve."""
    registry = _registry()
    serving = set(registry.serving_all().values())
    rows = [
        {
            "version": c.version,
            "target": c.target,
            "estimator": c.estimator,
            "created_at": c.created_at,
            "roc_auc": c.metrics["test"]["roc_auc"],
            "log_loss": c.metrics["test"]["log_loss"],
            "ece": c.metrics["test"]["ece"],
            "serving": c.version in serving,
        }
        for c in registry.list(target)
    ]
    if as_json:
        _emit(rows, True)
        return
    table = Table(title="models")
    for column in ("version", "target", "estimator", "created", "ROC-AUC", "log loss", "serving"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["version"],
            r["target"],
            r["estimator"],
            r["created_at"],
            f"{r['roc_auc']:.4f}",
            f"{r['log_loss']:.4f}",
            "yes" if r["serving"] else "",
        )
    console.print(table)


@models_app.command("show")
@cli_errors
def models_show(version: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One model's card: window, metrics, features, importance."""
    card = _registry().get(version).to_dict()
    if as_json:
        _emit(card, True)
        return
    _emit({k: v for k, v in card.items() if k not in ("reliability", "feature_names")}, False)


@models_app.command("promote")
@cli_errors
def models_promote(version: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Make VERSION serve its target; a running server switches without a restart."""
    card = _registry().promote(version, actor="cli")
    _emit({"serving": card.version, "target": card.target}, as_json)


@models_app.command("rollback")
@cli_errors
def models_rollback(
    target: Annotated[str, typer.Option(help="Which target to roll back.")] = "purchase",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Serve the model that served TARGET before the current one."""
    card = _registry().rollback(target, actor="cli")
    _emit({"serving": card.version, "target": card.target}, as_json)
