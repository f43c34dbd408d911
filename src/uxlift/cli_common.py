"""Helpers shared by the command modules: settings, services, errors, output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from uxlift.config import Settings
from uxlift.errors import UxliftError
from uxlift.logging_setup import configure_logging

console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

# Fine-tuning options shared by the commands that train text classifiers.
EpochsOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Most fine-tuning epochs, early stopping may end sooner (default: the "
        "encoder's; MiniLM 8, e5-torch 4).",
    ),
]
LearningRateOption = Annotated[
    float | None,
    typer.Option(
        min=1e-7,
        max=1e-2,
        help="Encoder learning rate when fine-tuning (default: the encoder's; MiniLM 1e-4, "
        "e5-torch 5e-5).",
    ),
]
MaxLengthOption = Annotated[
    int | None,
    typer.Option(
        min=8,
        max=512,
        help="Tokens per text when fine-tuning (default: the first of 64, 128 and 256 "
        "that nine tenths of the texts fit); a longer text keeps its head and tail.",
    ),
]


def cli_errors(func: F) -> F:
    """Map uxlift errors to one readable line and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UxliftError as exc:
            console.print(f"[red]error[/red] ({exc.code}): {exc.message}")
            for detail in exc.details[:5]:
                console.print(f"  {detail}")
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _settings() -> Settings:
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_dir)
    return settings


def _services(settings: Settings | None = None) -> Any:
    from uxlift.services import open_services

    return open_services(settings or _settings())


def _emit(data: Any, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    else:
        for key, value in data.items():
            typer.echo(f"{key}: {value}")
