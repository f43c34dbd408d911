"""``uxlift evaluate intent`` and ``evaluate sentiment``: labelled-text measurements."""

from __future__ import annotations

import time
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
from uxlift.cli_evaluate import evaluate_app
from uxlift.errors import InvalidInput

LABEL_FALLBACKS = ("label", "intent", "category")


def _read(path: Path, text_col: str, label_col: str) -> Any:
    """Labelled texts; with the default ``label`` column, ``intent`` or ``category`` also do."""
    from uxlift.text.labelled_data import read_labelled

    if label_col != "label":
        return read_labelled(path, text_col=text_col, label_col=label_col)
    error: InvalidInput | None = None
    for name in LABEL_FALLBACKS:
        try:
            return read_labelled(path, text_col=text_col, label_col=name)
        except InvalidInput as exc:
            if not any(d.get("field") == "--label-col" for d in exc.details or []):
                raise
            error = error or exc
    assert error is not None
    raise error


@evaluate_app.command("intent")
@cli_errors
def evaluate_intent_cmd(
    train: Annotated[Path, typer.Option(help="Training file: CSV text,label (or .tsv .jsonl).")],
    test: Annotated[Path, typer.Option(help="Test file in the same layout.")],
    oos_label: Annotated[
        str, typer.Option(help="The label test texts carry when they are out of scope.")
    ] = "oos",
    known_share: Annotated[
        float | None,
        typer.Option(
            help="Open-intent protocol: keep this share of intents (random, --seed); "
            "test texts of the others become out of scope, and curves are reported."
        ),
    ] = None,
    alpha: Annotated[
        float,
        typer.Option(help="Share of in-scope validation texts the threshold may refuse."),
    ] = 0.05,
    text_col: Annotated[str, typer.Option(help="Column holding the text.")] = "text",
    label_col: Annotated[
        str, typer.Option(help="Column holding the label (default: label, intent or category).")
    ] = "label",
    seed: Annotated[int, typer.Option(help="Seed of the intent draw and of training.")] = 0,
    method: Annotated[
        str, typer.Option(help="auto | finetune | embedding+logreg | tfidf+logreg")
    ] = "auto",
    epochs: EpochsOption = None,
    chart: Annotated[
        Path | None, typer.Option(help="Where to write the open-intent curve PNG.")
    ] = None,
    save: Annotated[Path | None, typer.Option(help="Save the trained model here.")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train an intent model; report accuracy, macro-F1, in-scope accuracy, OOS recall/precision."""
    from uxlift.text.classifier import TextClassifier
    from uxlift.text.intent_evaluation import curve_png, evaluate_intents, open_intent_split

    settings = _settings()
    if not 0.0 <= alpha < 1.0:
        raise InvalidInput(
            "alpha must be in [0, 1)", details=[{"field": "--alpha", "reason": f"got {alpha}"}]
        )
    train_data, test_data = _read(train, text_col, label_col), _read(test, text_col, label_col)
    known: list[str] | None = None
    if known_share is not None:
        if not 0.0 < known_share < 1.0:
            raise InvalidInput(
                "known share must be between 0 and 1",
                details=[{"field": "--known-share", "reason": f"got {known_share}"}],
            )
        train_data, test_data, known = open_intent_split(
            train_data, test_data, known_share=known_share, seed=seed, oos_label=oos_label
        )
    classifier = TextClassifier(
        out_of_scope=True,
        method=method,
        epochs=epochs,
        models_dir=str(settings.models_dir),
        progress=progress,
        random_state=seed,
    )
    report = evaluate_intents(
        classifier,
        train_data,
        test_data,
        oos_label=oos_label,
        alpha=alpha,
        curves=known is not None,
    )
    if known is not None:
        report["known_share"] = known_share
        report["known_intents"] = known
    if "curves" in report:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = chart or settings.data_dir / "reports" / f"open-intent-{train.stem}-{stamp}.png"
        title = f"{train.parent.name}: {known_share:.0%} of intents known, seed {seed}"
        report["chart_png"] = str(curve_png(report["curves"], path, title=title))
    if save is not None:
        report["saved_to"] = str(classifier.save(save))
    if as_json:
        _emit(report, True)
        return
    _print(report)


def _print(report: dict[str, Any]) -> None:
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.4f}"

    typer.echo(
        f"accuracy {fmt(report['accuracy'])}  macro-F1 {fmt(report['macro_f1'])}  "
        f"in-scope accuracy {fmt(report['in_scope_accuracy'])}  "
        f"OOS recall {fmt(report['oos_recall'])}  OOS precision {fmt(report['oos_precision'])}"
    )
    for name, points in report.get("summary", {}).items():
        for key, point in points.items():
            if point is not None:
                typer.echo(
                    f"  {name} {key}: OOS recall {point['oos_recall']:.4f} "
                    f"(known accuracy {point['known_accuracy']:.4f})"
                )
    if "chart_png" in report:
        typer.echo(f"curve: {report['chart_png']}")


TEXT_COLUMNS = ("text", "review", "sentence", "content")
SENTIMENT_LABELS = ("label", "sentiment", "polarity")


def _layout(path: Path) -> tuple[str, str, str]:
    """(text column, label column, .txt separator) found in the file's first line."""
    first = path.read_bytes()[:4096].decode("utf-8", errors="replace").splitlines()
    head = first[0] if first else ""
    sep = "\t" if "\t" in head else "@"
    if path.suffix.lower() not in (".csv", ".tsv"):
        return "text", "label", sep
    columns = [c.strip().strip('"') for c in head.split("\t" if path.suffix == ".tsv" else ",")]
    text = next((c for c in TEXT_COLUMNS if c in columns), "text")
    label = next((c for c in SENTIMENT_LABELS if c in columns), "label")
    return text, label, sep


def _evaluate_trained(
    model: str, train: Path, test: Path | None, text_col: str, label_col: str, sep: str,
    seed: int, as_json: bool,
) -> None:  # fmt: skip
    """The monitoring model on ``test`` (or on the same 20% split a trained run tests on)."""
    from uxlift.cli_common import _emit, _settings
    from uxlift.monitor.analyzer import LazyEncoders
    from uxlift.monitor.default_sentiment import load_default
    from uxlift.monitor.sentiment import SentimentModel
    from uxlift.monitor.sentiment_evaluation import evaluate_sentiment_model
    from uxlift.text.labelled_data import read_labelled
    from uxlift.text.splits import stratified_holdout

    functions = LazyEncoders(_settings().models_dir).functions()
    trained = (
        load_default(functions)
        if model == "default"
        else SentimentModel.load(Path(model), encoders=functions)
    )
    data = read_labelled(test or train, text_col=text_col, label_col=label_col, sep=sep)
    texts, labels = list(data.texts), list(data.labels)
    if test is None:
        _, held = stratified_holdout(labels, test_size=0.2, seed=seed)
        texts, labels = [texts[i] for i in held], [labels[i] for i in held]
    _emit({"model": model, **evaluate_sentiment_model(trained, texts, labels)}, as_json)


def _encoder_for(path: Path, text_col: str, label_col: str, sep: str, method: str) -> str:
    """For mostly Chinese texts multilingual-e5 (MiniLM cannot read them): with method
    auto its n-gram hybrid and its fine-tuned PyTorch copy averaged (waimai_10k 0.923,
    against 0.918 and 0.917 alone). Otherwise MiniLM and e5 fine-tuned each and
    averaged (on Financial PhraseBank 0.865, against 0.850 and 0.843 alone)."""
    from uxlift.text.labelled_data import read_labelled
    from uxlift.text.linear import mostly_chinese

    texts = read_labelled(path, text_col=text_col, label_col=label_col, sep=sep).texts
    if mostly_chinese(list(texts)):
        return {"auto": "e5+e5-torch", "finetune": "e5-torch"}.get(method, "e5")
    return "minilm+e5-torch" if method in ("auto", "finetune") else "minilm"


@evaluate_app.command("sentiment")
@cli_errors
def evaluate_sentiment_cmd(
    train: Annotated[
        Path,
        typer.Option(
            help="Labelled texts: CSV text,label (review/sentence also found), "
            ".txt text@label or text<TAB>label."
        ),
    ],
    test: Annotated[
        Path | None, typer.Option(help="Test file; without it a stratified 80/20 split, seed 0.")
    ] = None,
    method: Annotated[
        str, typer.Option(help="auto | finetune | embedding+logreg | tfidf+logreg")
    ] = "auto",
    encoder: Annotated[
        str,
        typer.Option(
            help="auto (e5+e5-torch for Chinese, minilm+e5-torch otherwise) | minilm | e5 | "
            "e5-torch (e5 in PyTorch: fine-tunable) | path to a local model; encoders "
            "joined by + are trained each (by the method's choice for that encoder) and "
            "averaged"
        ),
    ] = "auto",
    seed: Annotated[int, typer.Option(help="Seed of the split and of training.")] = 0,
    epochs: EpochsOption = None,
    max_length: MaxLengthOption = None,
    learning_rate: LearningRateOption = None,
    save: Annotated[Path | None, typer.Option(help="Save the trained model here.")] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="Measure a trained monitoring model instead of training one: 'default' "
            "(shipped) or a directory saved by `uxlift train sentiment`."
        ),
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Sentiment accuracy and macro-F1, beside TF-IDF + logistic regression from the same run."""
    from uxlift.cli_evaluate import evaluate_text_classifier_cmd

    text_col, label_col, sep = _layout(train)
    if model is not None:
        _evaluate_trained(model, train, test, text_col, label_col, sep, seed, as_json)
        return
    if encoder == "auto":
        encoder = _encoder_for(train, text_col, label_col, sep, method)
    evaluate_text_classifier_cmd(
        train=train, test=test, text_col=text_col, label_col=label_col, sep=sep,
        test_size=0.2, seed=seed, method=method, encoder=encoder, finetune_method="full",
        epochs=epochs, time_budget=None, max_length=max_length, learning_rate=learning_rate,
        peers="tfidf+lr", confusion=None, save=save, track=False, progress=progress,
        as_json=as_json,
    )  # fmt: skip
