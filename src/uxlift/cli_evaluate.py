"""``uxlift evaluate ...``: quality measurements on labelled data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from uxlift.cli_common import (
    EpochsOption,
    LearningRateOption,
    MaxLengthOption,
    _emit,
    _settings,
    cli_errors,
)
from uxlift.errors import InvalidInput

evaluate_app = typer.Typer(help="Measure quality on labelled data.", no_args_is_help=True)


@evaluate_app.command("redaction")
@cli_errors
def evaluate_redaction_cmd(
    seed: Annotated[int, typer.Option(help="Case-set seed; 0 is the development set.")] = 1,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recall and precision of PII redaction on the labelled en+zh test set."""
    from uxlift.privacy.evaluation import evaluate_redaction
    from uxlift.privacy.redact import Redactor
    from uxlift.privacy.redaction_cases import redaction_cases

    report = evaluate_redaction(Redactor(), redaction_cases(seed))
    data = report.to_dict()
    if as_json:
        _emit(data, True)
        return
    typer.echo(
        f"cases {data['n_cases']}  recall {data['recall']:.4f}  precision {data['precision']:.4f}"
    )
    for entity, score in sorted(data["per_entity"].items()):
        typer.echo(f"  {entity:<8} {score}")


@evaluate_app.command("text-classifier")
@cli_errors
def evaluate_text_classifier_cmd(
    train: Annotated[
        Path, typer.Option(help="Labelled training file (.csv .tsv .jsonl .parquet .txt).")
    ],
    test: Annotated[
        Path | None, typer.Option(help="Test file; without it a stratified split of --train.")
    ] = None,
    text_col: Annotated[str, typer.Option(help="Column holding the text.")] = "text",
    label_col: Annotated[str, typer.Option(help="Column holding the label.")] = "label",
    sep: Annotated[str, typer.Option(help="Separator in .txt files (text<sep>label).")] = "@",
    test_size: Annotated[float, typer.Option(help="Share held out when --test is absent.")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the split and of training.")] = 0,
    method: Annotated[
        str, typer.Option(help="auto | finetune | embedding+logreg | tfidf+logreg")
    ] = "auto",
    encoder: Annotated[
        str,
        typer.Option(
            help="minilm | e5 | e5-torch | path to a local model; encoders joined by + "
            "(minilm+e5-torch) are fine-tuned each and their probabilities averaged"
        ),
    ] = "minilm",
    finetune_method: Annotated[str, typer.Option(help="full | lora")] = "full",
    epochs: EpochsOption = None,
    time_budget: Annotated[
        float | None, typer.Option(help="Stop fine-tuning before this many seconds.")
    ] = None,
    max_length: MaxLengthOption = None,
    learning_rate: LearningRateOption = None,
    peers: Annotated[
        str, typer.Option(help="Peers run beside it: tfidf+lr,minilm+lr or none.")
    ] = "tfidf+lr,minilm+lr",
    confusion: Annotated[
        Path | None, typer.Option(help="Where to write the confusion-matrix PNG.")
    ] = None,
    save: Annotated[
        Path | None, typer.Option(help="Save the trained model to this directory.")
    ] = None,
    track: Annotated[
        bool, typer.Option("--track/--no-track", help="Log the run to MLflow in the data dir.")
    ] = True,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train a text classifier and report accuracy, macro-F1 and a per-class report beside peers."""
    from uxlift.text.classifier import TextClassifier
    from uxlift.text.classifier_evaluation import PEERS, evaluate_classifier
    from uxlift.text.labelled_data import read_labelled
    from uxlift.text.splits import stratified_holdout

    settings = _settings()
    chosen_peers = (
        []
        if peers.strip().lower() == "none"
        else [p.strip() for p in peers.split(",") if p.strip()]
    )
    unknown = [p for p in chosen_peers if p not in PEERS]
    if unknown:
        raise InvalidInput(
            f"unknown peer(s) {unknown}; choose from {list(PEERS)}",
            details=[{"field": "--peers", "reason": "unknown peer"}],
        )
    train_data = read_labelled(train, text_col=text_col, label_col=label_col, sep=sep)
    if test is None:
        train_index, test_index = stratified_holdout(
            train_data.labels, test_size=test_size, seed=seed
        )
        train_data, test_data = (
            train_data.subset(train_index.tolist()),
            train_data.subset(test_index.tolist()),
        )
    else:
        test_data = read_labelled(test, text_col=text_col, label_col=label_col, sep=sep)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    confusion = confusion or settings.data_dir / "reports" / f"confusion-{train.stem}-{stamp}.png"
    classifier = TextClassifier(
        method=method,
        encoder=encoder,
        finetune_method=finetune_method,
        epochs=epochs,
        time_budget_s=time_budget,
        max_length=max_length,
        learning_rate=learning_rate,
        models_dir=str(settings.models_dir),
        progress=progress,
        random_state=seed,
    )
    title = f"{train.parent.name}/{train.stem}"
    with _maybe_tracked(settings.data_dir, f"{train.stem}-{stamp}", track) as tracker:
        if tracker is not None:
            tracker.set_tags(
                {"train_file": train.name, "test_file": test.name if test else f"split {test_size}"}
            )
        report = evaluate_classifier(
            classifier,
            train_data,
            test_data,
            peers=chosen_peers,
            confusion_path=confusion,
            tracker=tracker,
            title=title,
        )
        if tracker is not None:
            report["mlflow_run_id"] = tracker.run_id
    if save is not None:
        report["saved_to"] = str(classifier.save(save))
    _print_report(report, as_json)


@contextmanager
def _maybe_tracked(data_dir: Path, run_name: str, track: bool) -> Iterator[Any]:
    """An MLflow run in the data dir's store, or None when tracking is off."""
    if not track:
        yield None
        return
    from uxlift.text.tracking import start_run, tracking_dir

    with start_run(tracking_dir(data_dir), "text-classifier", run_name=run_name) as tracker:
        yield tracker


def _print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _emit(report, True)
        return
    model = report["model"]
    typer.echo(
        f"{model['method']}: accuracy {report['accuracy']:.4f}  "
        f"macro-F1 {report['macro_f1']:.4f}  (train {report['fit_seconds']:.0f} s)"
    )
    for name, peer in report["peers"].items():
        typer.echo(
            f"  peer {name}: accuracy {peer['accuracy']:.4f}  macro-F1 {peer['macro_f1']:.4f}"
        )
    typer.echo(f"{'class':<40} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
    for label, row in report["per_class"].items():
        typer.echo(
            f"{label[:40]:<40} {row['precision']:>9.3f} {row['recall']:>7.3f} "
            f"{row['f1']:>7.3f} {row['support']:>8}"
        )
    if "confusion_png" in report:
        typer.echo(f"confusion matrix: {report['confusion_png']}")


def _item_vectors(texts: list[str], *, progress: bool, batch: int = 256):
    """Text embeddings of the items (the configured encoder), for the content source."""
    import numpy as np
    from tqdm import tqdm

    from uxlift.config import Settings
    from uxlift.text.encoders import encoder_from_spec

    settings = Settings.from_env()
    encoder = encoder_from_spec(settings.encoder, models_dir=settings.models_dir)
    parts = []
    for start in tqdm(range(0, len(texts), batch), desc="item texts", disable=not progress,
                      leave=False):  # fmt: skip
        parts.append(encoder.encode(texts[start : start + batch]))
    return np.vstack(parts)


@evaluate_app.command("recommender")
@cli_errors
def evaluate_recommender_cmd(
    interactions: Annotated[
        Path | None,
        typer.Option(help="CSV: user_id,item_id,timestamp[,rating][,event_type]."),
    ] = None,
    items: Annotated[
        Path | None, typer.Option(help="CSV: item_id plus text columns (optional).")
    ] = None,
    text_cols: Annotated[
        str | None, typer.Option(help="Comma-separated item text columns (default: all).")
    ] = None,
    movielens: Annotated[
        Path | None,
        typer.Option(help="A MovieLens folder (ratings.csv, movies.csv, tags.csv) instead."),
    ] = None,
    systems: Annotated[
        str,
        typer.Option(help="Systems to run: uxlift and the peers popularity,als,bpr,item_knn,ease."),
    ] = "uxlift,popularity,als,bpr,item_knn,ease",
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Offline top-10 ranking benchmark: uxlift beside every peer, one split, one run."""
    from tqdm import tqdm

    from uxlift.recommend.datasets import read_interactions, read_movielens
    from uxlift.recommend.offline import benchmark_recommenders, uxlift_recommender
    from uxlift.recommend.peers import benchmark_peers

    if (interactions is None) == (movielens is None):
        raise InvalidInput(
            "give --interactions (with --items) or --movielens",
            details=[{"field": "--interactions", "reason": "exactly one data source"}],
        )
    if movielens is not None:
        data = read_movielens(movielens)
    else:
        columns = [c.strip() for c in text_cols.split(",")] if text_cols else None
        data = read_interactions(interactions, items, columns)
    available = {"uxlift": uxlift_recommender(), **benchmark_peers()}
    chosen = [s.strip() for s in systems.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in available]
    if unknown or not chosen:
        raise InvalidInput(
            f"unknown system(s) {unknown}; choose from {list(available)}",
            details=[{"field": "--systems", "reason": "unknown system"}],
        )
    bar = tqdm(total=len(chosen), desc="systems", disable=not progress or as_json, leave=False)

    def step(name: str) -> None:
        bar.set_postfix_str(f"{name} done")
        bar.update(1)

    vectors = None
    if "uxlift" in chosen and any(data.item_texts):
        vectors = _item_vectors(data.item_texts, progress=progress and not as_json)
    report = benchmark_recommenders(
        data, systems={name: available[name] for name in chosen}, progress=step,
        item_vectors=vectors,
    )  # fmt: skip
    bar.close()
    if as_json:
        _emit(report, True)
        return
    k = report["k"]
    typer.echo(
        f"{report['users']} users, {report['items']} items, "
        f"{report['train_interactions']} train / {report['test_interactions']} test interactions"
    )
    header = f"{'system':<12} " + " ".join(
        f"{m:>10}" for m in (f"ndcg@{k}", f"recall@{k}", f"hr@{k}", f"mrr@{k}", "coverage", "fit s")
    )
    typer.echo(header)
    for name, row in report["results"].items():
        values = [row[f"ndcg@{k}"], row[f"recall@{k}"], row[f"hr@{k}"], row[f"mrr@{k}"],
                  row["coverage"], row["fit_seconds"]]  # fmt: skip
        typer.echo(f"{name:<12} " + " ".join(f"{v:>10.4f}" for v in values[:-1])
                   + f" {values[-1]:>10.1f}")  # fmt: skip
    if "best_peer" in report:
        typer.echo(
            f"uxlift / best peer ({report['best_peer']}) NDCG@{k}: "
            f"{report['ndcg_ratio_to_best_peer']:.3f}"
        )
