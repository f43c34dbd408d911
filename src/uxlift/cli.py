"""The ``uxlift`` command line: thin shells over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from uxlift.cli_assist import kb_app
from uxlift.cli_common import _emit, _services, _settings, cli_errors, console
from uxlift.cli_evaluate import evaluate_app
from uxlift.cli_experiments import experiments_app, metrics_app, simulate_app
from uxlift.cli_intent import evaluate_intent_cmd  # noqa: F401  (registers the command)
from uxlift.cli_models import models_app, recommend_cmd, train_app
from uxlift.cli_monitor import alerts_app, import_texts_cmd, monitor_app, topics_app, webhooks_app

app = typer.Typer(
    help="uxlift: language models + one event log -> better user experience.", no_args_is_help=True
)
import_app = typer.Typer(
    help="Import events or items from CSV, JSONL or Parquet.", no_args_is_help=True
)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
users_app = typer.Typer(help="Data-subject requests: erase or export a user.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(train_app, name="train")
app.add_typer(models_app, name="models")
app.add_typer(kb_app, name="kb")
app.add_typer(topics_app, name="topics")
app.add_typer(monitor_app, name="monitor")
app.add_typer(alerts_app, name="alerts")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(experiments_app, name="experiments")
app.add_typer(metrics_app, name="metrics")
app.add_typer(simulate_app, name="simulate")
import_app.command("texts")(cli_errors(import_texts_cmd))
app.command("recommend")(recommend_cmd)


@app.command()
@cli_errors
def init() -> None:
    """Create the data dir, the pseudonymization secret and the store."""
    settings = _settings()
    created = settings.ensure_secret()
    services = _services(settings)
    services.close()
    typer.echo(f"data dir: {settings.data_dir.resolve()}")
    typer.echo(f"secret key: {'created' if created else 'kept'} ({settings.secret_path})")


@app.command()
@cli_errors
def serve(
    host: Annotated[
        str | None, typer.Option(help="Bind address (default from UXLIFT_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from UXLIFT_PORT).")] = None,
) -> None:
    """Serve the REST API and the dashboard."""
    from uxlift.server import serve_forever, single_threaded_compute

    settings = _settings()
    single_threaded_compute()
    services = _services(settings)
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(f"uxlift serving on http://{bind_host}:{bind_port} (dashboard at /dashboard)")
    serve_forever(services, host=bind_host, port=bind_port)


def _progress_bar(path: Path, what: str) -> tqdm:
    return tqdm(
        desc=f"importing {what} from {path.name}", unit=" rows", unit_scale=True, file=sys.stderr
    )


@import_app.command("events")
@cli_errors
def import_events_cmd(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV, JSONL or Parquet file.")
    ],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, jsonl or parquet.")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where to write rejected rows.")] = None,
    batch_rows: Annotated[int, typer.Option(min=1)] = 50_000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import events with the same validation and privacy steps as the API."""
    from uxlift.events.importer import import_events

    services = _services()
    try:
        with _progress_bar(path, "events") as bar:
            report = import_events(
                services.events,
                path,
                fmt=fmt,
                batch_rows=batch_rows,
                rejects_path=rejects,
                progress=bar.update,
            )
    finally:
        services.close()
    _emit(report.to_dict(), as_json)


@import_app.command("items")
@cli_errors
def import_items_cmd(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    fmt: Annotated[str | None, typer.Option("--format")] = None,
    rejects: Annotated[Path | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import (upsert) catalog items, then embed the new or changed ones."""
    from uxlift.events.importer import import_items
    from uxlift.services import open_services

    services = open_services(_settings(), embed_in_background=False)
    changed: list[str] = []
    services.catalog.add_listener(changed.extend)
    try:
        with _progress_bar(path, "items") as bar:
            report = import_items(
                services.catalog, path, fmt=fmt, rejects_path=rejects, progress=bar.update
            )
        with tqdm(
            total=len(changed), desc="embedding items", unit=" items", file=sys.stderr
        ) as bar:
            services.item_embedder.embed_items(changed, progress=bar.update)
    finally:
        services.close()
    _emit({**report.to_dict(), "embedded": len(changed)}, as_json)


@keys_app.command("create")
@cli_errors
def keys_create(
    scope: Annotated[list[str], typer.Option("--scope", help="ingest, read or admin; repeatable.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "cli",
) -> None:
    """Create an API key and print it once."""
    services = _services()
    try:
        created = services.keys.create(name=name, scopes=scope)
    finally:
        services.close()
    console.print(f"key id {created.key_id}, scopes {', '.join(created.scopes)} (shown once):")
    typer.echo(created.secret)


@keys_app.command("list")
@cli_errors
def keys_list() -> None:
    services = _services()
    try:
        for r in services.keys.list():
            state = "revoked" if r.revoked_at else "active"
            scopes = ",".join(r.scopes)
            typer.echo(f"{r.key_id}  {r.name:<20} {scopes:<20} {state}  {r.created_at:%Y-%m-%d}")
    finally:
        services.close()


@keys_app.command("revoke")
@cli_errors
def keys_revoke(key_id: str) -> None:
    services = _services()
    try:
        services.keys.revoke(key_id)
    finally:
        services.close()
    typer.echo(f"revoked {key_id}")


@users_app.command("erase")
@cli_errors
def users_erase(user_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Remove every row tied to USER_ID in every table; audited."""
    services = _services()
    try:
        report = services.users.erase(user_id, actor="cli")
    finally:
        services.close()
    _emit(report.to_dict(), as_json)


@users_app.command("export")
@cli_errors
def users_export(user_id: str) -> None:
    """Print everything stored about USER_ID as JSON."""
    services = _services()
    try:
        data = services.users.export(user_id, actor="cli")
    finally:
        services.close()
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@app.command()
@cli_errors
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Keep serving when done.")
    ] = True,
    generate_only: Annotated[
        Path | None, typer.Option(help="Only write the demo data to this dir.")
    ] = None,
    seed: int = 0,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Generate the demo store, ingest it over HTTP, and serve API + dashboard."""
    from uxlift.demo.runner import run_demo, write_demo_files

    if generate_only is not None:
        paths = write_demo_files(generate_only, seed=seed)
        for name, path in paths.items():
            typer.echo(f"{name}: {path}")
        return
    settings = _settings().model_copy(update={"demo_mode": True})
    run_demo(settings, seed=seed, serve=serve_after, port=port, echo=typer.echo)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
