"""Opinion monitoring from the command line: texts, sentiment, topics, scans, alerts, webhooks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from uxlift.cli_common import _emit, _services, _settings, cli_errors
from uxlift.cli_models import train_app
from uxlift.errors import InvalidInput

topics_app = typer.Typer(help="Topics followed by opinion monitoring.", no_args_is_help=True)
monitor_app = typer.Typer(help="Surge scans over the monitored texts.", no_args_is_help=True)
alerts_app = typer.Typer(help="Negative-opinion alerts.", no_args_is_help=True)
webhooks_app = typer.Typer(help="Where alerts are delivered.", no_args_is_help=True)


def import_texts_cmd(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV, JSONL or Parquet file.")
    ],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, jsonl or parquet.")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where to write rejected rows.")] = None,
    batch_rows: Annotated[int, typer.Option(min=1)] = 2_000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import texts to monitor (columns source, text, and optionally text_id, channel,
    timestamp, language, user_id, metadata), labelled on the way in."""
    from uxlift.events.importer import import_texts

    services = _services()
    try:
        with tqdm(desc=f"importing texts from {path.name}", unit=" rows", file=sys.stderr) as bar:
            report = import_texts(
                services.opinions, path, fmt=fmt, batch_rows=batch_rows,
                rejects_path=rejects, progress=bar.update,
            )  # fmt: skip
    finally:
        services.close()
    _emit(report.to_dict(), as_json)


@train_app.command("sentiment")
@cli_errors
def train_sentiment_cmd(
    data: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Labelled texts: CSV/TSV text,label or .txt text<TAB>label "
            "(labels negative/neutral/positive or 0/1).",
        ),
    ] = None,
    default: Annotated[
        bool,
        typer.Option("--default", help="Rebuild the shipped default model from shipped data."),
    ] = False,
    output: Annotated[
        Path | None, typer.Option(help="Where to save (default: the installation's models dir).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train the sentiment model on your labels; languages you have no labels for keep
    the default model's head."""
    from uxlift.monitor.analyzer import LazyEncoders, sentiment_dir
    from uxlift.monitor.default_sentiment import load_default, shipped_model_dir, train_default
    from uxlift.monitor.sentiment import SentimentModel

    if (data is None) == (not default):
        raise InvalidInput(
            "give either --data FILE or --default",
            details=[{"field": "data", "reason": "exactly one of --data and --default"}],
        )
    settings = _settings()
    encoders = LazyEncoders(settings.models_dir)
    functions = encoders.functions()

    def say(message: str) -> None:
        typer.echo(message, err=True)

    if default:
        model = train_default(functions, encoders.ids())
        target = output or shipped_model_dir()
        info = {"trained_on": "uxlift default data (UCI sentences + own seed sentences)"}
    else:
        assert data is not None
        texts, labels = _read_labelled(data)
        model = SentimentModel(encoders=functions).fit(
            texts, labels, encoder_ids=encoders.ids(), progress=say
        )
        model.with_fallback(load_default(functions))
        target = output or sentiment_dir(settings.models_dir)
        info = {"trained_on": str(data), "texts": len(texts)}
    model.save(target, info=info)
    _emit({"saved": str(target), **model.describe()}, as_json)


@train_app.command("topics")
@cli_errors
def train_topics_cmd(
    data: Annotated[
        Path,
        typer.Option(
            exists=True, dir_okay=False, help="CSV/TSV text,label (the topic; 'none' for no topic)."
        ),
    ],
    min_probability: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Learn topics from labelled texts; stored texts are relabelled."""
    from uxlift.monitor.analyzer import topics_dir
    from uxlift.monitor.supervised_topics import SupervisedTopics

    texts, labels = _read_labelled(data)
    services = _services()
    try:
        encoders = services.opinions.analyzer.encoders
        model = SupervisedTopics(encoders=encoders.functions(), min_probability=min_probability)
        model.fit(texts, labels)
        saved = model.save(topics_dir(services.settings.models_dir))
        relabelled = services.opinions.learned_topics(model.topics)
    finally:
        services.close()
    _emit({"saved": str(saved), "topics": model.topics, "texts_relabelled": relabelled,
           "validation_accuracy": {h: round(s["validation_accuracy"], 4)
                                   for h, s in model.heads_.items()}}, as_json)  # fmt: skip


def _read_labelled(path: Path) -> tuple[list[str], list[str]]:
    from uxlift.cli_intent import _layout
    from uxlift.text.labelled_data import read_labelled

    text_col, label_col, sep = _layout(path)
    data = read_labelled(path, text_col=text_col, label_col=label_col, sep=sep)
    return list(data.texts), list(data.labels)


@topics_app.command("add")
@cli_errors
def topics_add_cmd(
    name: str,
    description: Annotated[str, typer.Option(help="What the topic is about.")] = "",
    keyword: Annotated[
        list[str] | None, typer.Option("--keyword", help="A word that signals it; repeatable.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create or replace a topic, then relabel the stored texts."""
    services = _services()
    try:
        result = services.opinions.put_topic(
            {"name": name, "description": description, "keywords": keyword or []}
        )
    finally:
        services.close()
    _emit(result, as_json)


@topics_app.command("list")
@cli_errors
def topics_list_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The topics followed."""
    services = _services()
    try:
        topics = services.opinions.topics()
    finally:
        services.close()
    if as_json:
        _emit(topics, True)
        return
    for topic in topics:
        typer.echo(f"{topic['name']}: {topic['description']} [{', '.join(topic['keywords'])}]")


@topics_app.command("discover")
@cli_errors
def topics_discover_cmd(
    limit: Annotated[int, typer.Option(min=20, help="Latest texts to look at.")] = 5_000,
    min_size: Annotated[int, typer.Option(min=2, help="Fewest texts a topic may have.")] = 10,
    keep: Annotated[bool, typer.Option("--keep", help="Save them as topics.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find the topics of the stored texts (BERTopic over multilingual-e5 embeddings)."""
    services = _services()
    try:
        found = services.opinions.discover_topics(limit=limit, min_topic_size=min_size, keep=keep)
    finally:
        services.close()
    if as_json:
        _emit(found, True)
        return
    for topic in found:
        typer.echo(f"{topic['name']} ({topic['size']} texts): {', '.join(topic['keywords'])}")


@topics_app.command("remove")
@cli_errors
def topics_remove_cmd(name: str) -> None:
    """Stop following a topic."""
    services = _services()
    try:
        services.opinions.delete_topic(name)
    finally:
        services.close()
    typer.echo(f"removed {name}")


@monitor_app.command("scan")
@cli_errors
def monitor_scan_cmd(
    granularity: Annotated[str, typer.Option(help="hour or day.")] = "hour",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Run the surge detectors now; new alerts are stored and sent to webhooks."""
    services = _services()
    try:
        alerts = services.opinions.scan(granularity=granularity)
        services.opinions.webhooks.deliver_due()
    finally:
        services.close()
    if as_json:
        _emit([a.to_dict() for a in alerts], True)
        return
    typer.echo(f"{len(alerts)} new alert(s)")
    for alert in alerts:
        typer.echo(f"  {alert.alert_id}: {alert.summary()}")


@alerts_app.command("list")
@cli_errors
def alerts_list_cmd(
    status: Annotated[str | None, typer.Option(help="open, acknowledged or resolved.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Alerts, newest window first."""
    services = _services()
    try:
        alerts = services.opinions.alerts(status=status, limit=limit)
    finally:
        services.close()
    if as_json:
        _emit([a.to_dict() for a in alerts], True)
        return
    for alert in alerts:
        typer.echo(f"{alert.alert_id} [{alert.status}] {alert.window_start}: {alert.summary()}")


def _set_status(alert_id: str, status: str, note: str | None, as_json: bool) -> None:
    services = _services()
    try:
        alert = services.opinions.set_status(alert_id, status, actor="cli", note=note)
    finally:
        services.close()
    _emit(alert.to_dict() if as_json else {"alert": alert.alert_id, "status": alert.status},
          as_json)  # fmt: skip


@alerts_app.command("ack")
@cli_errors
def alerts_ack_cmd(
    alert_id: str,
    note: Annotated[str | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Acknowledge an alert (someone is on it)."""
    _set_status(alert_id, "acknowledged", note, as_json)


@alerts_app.command("resolve")
@cli_errors
def alerts_resolve_cmd(
    alert_id: str,
    note: Annotated[str | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Resolve an alert."""
    _set_status(alert_id, "resolved", note, as_json)


@webhooks_app.command("add")
@cli_errors
def webhooks_add_cmd(
    url: str,
    description: Annotated[str | None, typer.Option()] = None,
    max_attempts: Annotated[int | None, typer.Option(min=1, max=50)] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Send every new alert to URL (signed); prints the signing secret."""
    services = _services()
    try:
        hook, secret = services.opinions.webhooks.create(
            url, description=description, max_attempts=max_attempts
        )
    finally:
        services.close()
    _emit({**hook.to_dict(), "secret": secret}, as_json)


@webhooks_app.command("list")
@cli_errors
def webhooks_list_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    services = _services()
    try:
        hooks = services.opinions.webhooks.list()
    finally:
        services.close()
    if as_json:
        _emit([h.to_dict() for h in hooks], True)
        return
    for hook in hooks:
        state = "active" if hook.active else "removed"
        typer.echo(f"{hook.webhook_id} {hook.url} [{state}, {hook.max_attempts} attempts]")


@webhooks_app.command("remove")
@cli_errors
def webhooks_remove_cmd(webhook_id: str) -> None:
    services = _services()
    try:
        services.opinions.webhooks.delete(webhook_id)
    finally:
        services.close()
    typer.echo(f"removed {webhook_id}")


@webhooks_app.command("deliveries")
@cli_errors
def webhooks_deliveries_cmd(
    status: Annotated[str | None, typer.Option(help="pending, delivered or dead.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Deliveries and their attempts; ``--status dead`` is the dead-letter list."""
    services = _services()
    try:
        found = services.opinions.webhooks.deliveries(status=status)
    finally:
        services.close()
    if as_json:
        _emit([d.to_dict() for d in found], True)
        return
    for d in found:
        typer.echo(
            f"{d.delivery_id} alert {d.alert_id} -> {d.url}: {d.status} after {d.attempts} "
            f"attempt(s){' (' + d.last_error + ')' if d.last_error else ''}"
        )


@webhooks_app.command("redeliver")
@cli_errors
def webhooks_redeliver_cmd(delivery_id: str) -> None:
    """Give a dead delivery a fresh set of attempts."""
    services = _services()
    try:
        services.opinions.webhooks.requeue(delivery_id)
        services.opinions.webhooks.deliver_due()
    finally:
        services.close()
    typer.echo(f"requeued {delivery_id}")
