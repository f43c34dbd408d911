"""``uxlift train predictor``: from the store to registered, tracked models.

Loads the catalog (with text embeddings) and the event log, builds the
point-in-time dataset, fits each requested estimator, registers every result
with its card, logs each as an MLflow run (parameters, metrics, card,
reliability diagram, feature importance) and, on request, promotes one.
On the demo store the generator's ground truth gives each model's ceiling.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from uxlift.errors import InvalidInput
from uxlift.predict.evaluation import reliability_png
from uxlift.predict.event_log import CatalogFrame, EventLog
from uxlift.predict.event_source import load_catalog, load_event_log
from uxlift.predict.examples import Dataset, build_dataset
from uxlift.predict.features import FeatureBuilder
from uxlift.predict.model import PredictorModel
from uxlift.predict.registry import ModelCard, ModelRegistry, registry_for
from uxlift.predict.training import DEFAULT_ESTIMATORS, FitResult, check_estimators, fit_predictor
from uxlift.services import Services

log = logging.getLogger(__name__)
EXPERIMENT = "predictors"
PROMOTE_CHOICES = ("auto", "best", "none")
DEMO_TRUTH = Path("demo") / "truth.json"


@dataclass
class TrainOptions:
    target: str = "purchase"
    horizon_s: float = 86_400.0
    estimators: tuple[str, ...] = DEFAULT_ESTIMATORS
    until: datetime | None = None
    promote: str = "auto"  # auto: only when nothing serves the target yet
    track: bool = True
    progress: bool = True
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    random_state: int = 0


def _iso(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _bar(total: int, what: str, enabled: bool) -> tqdm:
    return tqdm(total=total, desc=what, unit=" rows", file=sys.stderr, disable=not enabled)


def demo_truth_probabilities(
    services: Services, log_: EventLog, catalog: CatalogFrame, dataset: Dataset, target: str
) -> np.ndarray | None:
    """The demo generator's true probabilities for the test rows (None off the demo)."""
    path = services.settings.data_dir / DEMO_TRUTH
    if not path.is_file():
        return None
    from uxlift.demo.generator import load_truth

    truth = load_truth(path)  # users named by their keys in this store
    test = dataset.rows("test")
    users = [log_.user_keys[u] for u in dataset.queries.user[test]]
    items = [catalog.item_ids[i] for i in dataset.queries.item[test]]
    known_users, known_items = set(truth.user_ids), set(truth.item_ids)
    if any(u not in known_users for u in users) or any(i not in known_items for i in items):
        log.info("the store holds users or items the demo truth does not know: no ceiling")
        return None
    return truth.funnel_probabilities(users, items, target)


def _card(
    result: FitResult, options: TrainOptions, log_: EventLog, catalog: CatalogFrame,
    dataset: Dataset,
) -> ModelCard:  # fmt: skip
    return ModelCard(
        version="",
        target=options.target,
        horizon_s=options.horizon_s,
        estimator=result.name,
        created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        training_window={
            "start": _iso(log_.start),
            "end": _iso(log_.end),
            "validation_start": _iso(dataset.split.validation_start),
            "test_start": _iso(dataset.split.test_start),
        },
        encoder_id=catalog.encoder_id,
        feature_names=list(dataset.feature_names),
        metrics=result.metrics,
        reliability=result.reliability,
        feature_importance=result.importance[:25],
        examples=dataset.counts(),
    )


def _track(services: Services, card: ModelCard, result: FitResult) -> str:
    from uxlift.text.tracking import start_run, tracking_dir

    root = tracking_dir(services.settings.data_dir)
    with start_run(root, EXPERIMENT, run_name=card.version) as run:
        run.log_params(
            {"target": card.target, "horizon_s": card.horizon_s, "estimator": card.estimator,
             "encoder": card.encoder_id, "version": card.version,
             **{f"param.{k}": v for k, v in result.estimator.get_params().items()}}
        )  # fmt: skip
        flat = {f"{part}_{k}": v for part in ("validation", "test")
                for k, v in card.metrics[part].items()}  # fmt: skip
        flat["fit_seconds"] = card.metrics["fit_seconds"]
        if "ceiling_roc_auc" in card.metrics:
            flat["ceiling_roc_auc"] = card.metrics["ceiling_roc_auc"]
        run.log_metrics(flat)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "card.json").write_text(json.dumps(card.to_dict(), indent=1))
            run.log_artifact(folder / "card.json")
            if card.reliability:
                run.log_artifact(reliability_png({card.estimator: card.reliability},
                                                 folder / "reliability.png"))  # fmt: skip
        run.set_tags({"uxlift.model_version": card.version})
        return run.run_id


def train_predictors(services: Services, options: TrainOptions) -> dict[str, Any]:
    """Train, register (and maybe promote) predictors; returns the report."""
    names = check_estimators(list(options.estimators))
    if options.promote not in PROMOTE_CHOICES:
        raise InvalidInput(f"promote must be one of {list(PROMOTE_CHOICES)}")
    with _bar(0, "embedding catalog", options.progress) as bar:
        catalog = load_catalog(services.store, services.embeddings, progress=bar.update)
    if not len(catalog):
        raise InvalidInput("the catalog is empty: add items before training")
    log_ = load_event_log(services.store, catalog, until=options.until)
    builder = FeatureBuilder().fit(catalog)
    with _bar(0, "building features", options.progress) as bar:
        dataset = build_dataset(log_, catalog, builder, target=options.target,
                                horizon_s=options.horizon_s, progress=bar.update)  # fmt: skip
    truth_test = demo_truth_probabilities(services, log_, catalog, dataset, options.target)
    registry = registry_for(services.settings.data_dir)
    models: list[dict[str, Any]] = []
    for name in names:
        result = fit_predictor(
            name, dataset, log_, catalog, params=options.params.get(name),
            truth_test=truth_test, random_state=options.random_state,
        )  # fmt: skip
        card = _card(result, options, log_, catalog, dataset)
        model = PredictorModel(card, builder, result.estimator)
        card = registry.register(card, model.save_files)
        if options.track:
            run_id = _track(services, card, result)
            card = registry.annotate(card.version, mlflow_run_id=run_id)
        models.append(_summary(card))
    promoted = _promote(registry, models, options)
    return {
        "target": options.target,
        "horizon_s": options.horizon_s,
        "events": len(log_),
        "items": len(catalog),
        "examples": dataset.counts(),
        "training_window": models[0]["training_window"] if models else {},
        "ceiling_roc_auc": None if truth_test is None else models[0].get("ceiling_roc_auc"),
        "models": models,
        "promoted": promoted,
        "serving": registry.serving(options.target),
    }


def _summary(card: ModelCard) -> dict[str, Any]:
    test = card.metrics["test"]
    summary = {
        "version": card.version,
        "estimator": card.estimator,
        "roc_auc": test["roc_auc"],
        "pr_auc": test["pr_auc"],
        "log_loss": test["log_loss"],
        "accuracy": test["accuracy"],
        "ece": test["ece"],
        "validation_log_loss": card.metrics["validation"]["log_loss"],
        "fit_seconds": card.metrics["fit_seconds"],
        "training_window": card.training_window,
        "mlflow_run_id": card.mlflow_run_id,
    }
    ceiling = card.metrics.get("ceiling_roc_auc")
    if ceiling is not None:
        summary["ceiling_roc_auc"] = ceiling
        summary["share_of_ceiling_lift"] = (test["roc_auc"] - 0.5) / (ceiling - 0.5)
    return summary


def _promote(registry: ModelRegistry, models: list[dict[str, Any]], options: TrainOptions):
    if options.promote == "none" or not models:
        return None
    if options.promote == "auto" and registry.serving(options.target) is not None:
        return None
    best = min(models, key=lambda m: m["validation_log_loss"])
    registry.promote(best["version"], actor="train")
    return best["version"]
