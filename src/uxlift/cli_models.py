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


def _registry(*, version: str | None = None, target: str | None = None):
    """The predictor registry, or the recommender one for its versions and target."""
    from uxlift.predict.registry import registry_for
    from uxlift.recommend.registry import TARGET, recommender_registry_for

    data_dir = _settings().data_dir
    if (version or "").startswith(f"{TARGET}-") or target == TARGET:
        return recommender_registry_for(data_dir)
    return registry_for(data_dir)


def _row(card: Any, serving: set[str]) -> dict[str, Any]:
    test = card.metrics.get("test", {})
    row = {"version": card.version, "target": card.target, "estimator": card.estimator,
           "created_at": card.created_at, "roc_auc": test.get("roc_auc"),
           "log_loss": test.get("log_loss"), "ece": test.get("ece"),
           "serving": card.version in serving}  # fmt: skip
    offline = card.metrics.get("offline", {}).get("uxlift")
    if offline is not None:
        row["ndcg@10"] = offline["ndcg@10"]
    return row


@models_app.command("list")
@cli_errors
def models_list(
    target: Annotated[str | None, typer.Option(help="Only this target.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every registered model (predictors, then recommenders), marking those that serve."""
    rows = []
    for registry in (_registry(), _registry(target="recommendations")):
        serving = set(registry.serving_all().values())
        rows += [_row(c, serving) for c in registry.list(target)]
    if as_json:
        _emit(rows, True)
        return
    table = Table(title="models")
    for column in ("version", "target", "estimator", "created", "quality", "serving"):
        table.add_column(column)
    for r in rows:
        quality = (f"ROC-AUC {r['roc_auc']:.4f}" if r["roc_auc"] is not None
                   else f"NDCG@10 {r['ndcg@10']:.4f}" if "ndcg@10" in r else "-")  # fmt: skip
        table.add_row(r["version"], r["target"], r["estimator"], r["created_at"], quality,
                      "yes" if r["serving"] else "")  # fmt: skip
    console.print(table)


@models_app.command("show")
@cli_errors
def models_show(version: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One model's card: window, metrics, features, importance."""
    card = _registry(version=version).get(version).to_dict()
    if as_json:
        _emit(card, True)
        return
    _emit({k: v for k, v in card.items() if k not in ("reliability", "feature_names")}, False)


@models_app.command("promote")
@cli_errors
def models_promote(version: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Make VERSION serve its target; a running server switches without a restart."""
    card = _registry(version=version).promote(version, actor="cli")
    _emit({"serving": card.version, "target": card.target}, as_json)


@models_app.command("rollback")
@cli_errors
def models_rollback(
    target: Annotated[
        str, typer.Option(help="Which target to roll back (or 'recommendations').")
    ] = "purchase",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Serve the model that served TARGET before the current one."""
    card = _registry(target=target).rollback(target, actor="cli")
    _emit({"serving": card.version, "target": card.target}, as_json)


@train_app.command("recommender")
@cli_errors
def train_recommender_cmd(
    promote: Annotated[
        str, typer.Option(help="auto (only if nothing serves yet), always, or none.")
    ] = "auto",
    evaluate: Annotated[
        bool, typer.Option("--evaluate/--no-evaluate", help="Judge on a holdout first.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train the recommender on the event log, judge it, register it."""
    from uxlift.recommend.trainer import RecommenderTrainOptions, train_recommender

    services = _services(_settings())
    try:
        with console.status("training the recommender"):
            report = train_recommender(
                services, RecommenderTrainOptions(promote=promote, evaluate=evaluate)
            )
    finally:
        services.close()
    if as_json:
        _emit(report, True)
        return
    card = report["model"]
    table = Table(title=f"{card['version']} on a holdout of this store (each user's last 20%)")
    for column in ("system", "NDCG@10", "Recall@10", "HR@10", "coverage"):
        table.add_column(column)
    for name, row in card["metrics"]["offline"].items():
        table.add_row(name, f"{row['ndcg@10']:.4f}", f"{row['recall@10']:.4f}",
                      f"{row['hr@10']:.4f}", f"{row['coverage']:.4f}")  # fmt: skip
    console.print(table)
    console.print(f"{card['version']} " + ("now serves" if report["promoted"] else "registered"))


@cli_errors
def recommend_cmd(
    user_id: str,
    n: Annotated[int, typer.Option(help="How many items.")] = 10,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    item: Annotated[str | None, typer.Option(help="The item the user is looking at.")] = None,
    diversity: Annotated[float, typer.Option(help="0 (none) to 1 (most varied).")] = 0.0,
    explain: Annotated[bool, typer.Option(help="Add the ranker's feature terms.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recommendations for USER_ID from the serving recommender, with reasons."""
    from uxlift.recommend.request import Request

    services = _services(_settings())
    try:
        result = services.recommendations.recommend(
            user_id,
            Request(n=n, category=category, diversity=diversity, explain=explain,
                    log_exposure=False),
            context_item_ids=() if item is None else (item,),
        )  # fmt: skip
    finally:
        services.close()
    if as_json:
        _emit(result, True)
        return
    table = Table(title=f"for {user_id} ({result['model']})")
    for column in ("#", "item", "title", "why"):
        table.add_column(column)
    for entry in result["items"]:
        table.add_row(str(entry["position"]), entry["item_id"], entry["title"],
                      "; ".join(r["text"] for r in entry["reasons"]))  # fmt: skip
    console.print(table)
