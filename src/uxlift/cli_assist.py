"""``uxlift kb ...`` and ``uxlift train assistant``: the assistant's knowledge and intents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from uxlift.cli_common import _emit, _settings, cli_errors
from uxlift.cli_models import train_app

kb_app = typer.Typer(help="The assistant's knowledge base.", no_args_is_help=True)


@kb_app.command("import")
@cli_errors
def kb_import_cmd(
    paths: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    language: Annotated[
        str | None, typer.Option(help="en or zh when entries do not say (default: detected).")
    ] = None,
    max_chars: Annotated[
        int | None, typer.Option(help="Longest passage cut from a document.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import FAQ tables (.csv .tsv .jsonl) and documents (.md .txt); re-imports update."""
    from uxlift.assist.kb_service import KnowledgeBaseService
    from uxlift.store import Store

    settings = _settings()
    reports = {}
    with Store(settings.db_path, memory_limit=settings.db_memory_limit) as store:
        kb = KnowledgeBaseService(store)
        for path in paths:
            reports[str(path)] = kb.import_file(
                path, language=language, max_chars=max_chars
            ).to_dict()
    if as_json:
        _emit(reports, True)
        return
    for path, report in reports.items():
        typer.echo(
            f"{path}: {report['rows']} rows, {report['created']} created, "
            f"{report['updated']} updated, {len(report['rejected'])} refused"
        )
        for problem in report["rejected"][:20]:
            typer.echo(f"  row {problem['row']}: {problem['field']}: {problem['reason']}")


@kb_app.command("list")
@cli_errors
def kb_list_cmd(
    kind: Annotated[str | None, typer.Option(help="faq or passage.")] = None,
    limit: Annotated[int, typer.Option()] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List knowledge-base entries."""
    from uxlift.assist.kb_service import KnowledgeBaseService
    from uxlift.store import Store

    settings = _settings()
    with Store(settings.db_path, memory_limit=settings.db_memory_limit) as store:
        entries, total = KnowledgeBaseService(store).list(kind=kind, limit=limit)
    if as_json:
        _emit({"entries": [e.to_dict() for e in entries], "total": total}, True)
        return
    for entry in entries:
        label = entry.questions[0] if entry.questions else (entry.source or "")
        typer.echo(f"{entry.entry_id}  {entry.kind:<7} {entry.language}  {label[:70]}")
    typer.echo(f"{len(entries)} of {total}")


@train_app.command("assistant")
@cli_errors
def train_assistant_cmd(
    utterances: Annotated[
        Path | None,
        typer.Option(help="Extra labelled utterances (CSV text,label); oos rows are skipped."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train the assistant's intent model on the knowledge base (a running server: POST
    /v1/assist/reload afterwards)."""
    from uxlift.assist.kb_service import KnowledgeBaseService
    from uxlift.assist.trainer import train_assistant
    from uxlift.services import assistant_dir
    from uxlift.store import Store
    from uxlift.text.labelled_data import read_labelled

    settings = _settings()
    extra = None
    if utterances is not None:
        data = read_labelled(utterances)
        extra = (data.texts, data.labels)
    with Store(settings.db_path, memory_limit=settings.db_memory_limit) as store:
        report = train_assistant(
            KnowledgeBaseService(store), assistant_dir(settings), utterances=extra, progress=True
        )
    _emit(report, as_json)
