"""Reading knowledge-base files: FAQ tables (CSV/TSV/JSONL) and documents (Markdown/text).

A FAQ CSV has columns ``question`` or ``questions`` (several separated by
``|`` or newlines), ``answer``, and optionally ``intent``, ``tags``,
``language`` and ``id``. A JSONL file has one object per line with the same
keys (``questions`` may be a list). Markdown and text files become passages
(see :mod:`uxlift.assist.documents`), named by the file name unless
``document`` is given.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from uxlift.assist.documents import DEFAULT_MAX_CHARS, chunk_document
from uxlift.errors import InvalidInput, NotFound

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")


class BadLine:
    """A JSONL line that is not a JSON object; reported as that row's problem."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path.name} is not UTF-8 text",
            details=[{"field": "file", "reason": f"byte {exc.start} is not UTF-8"}],
        ) from exc


def faq_rows(path: Path) -> Iterator[dict[str, Any] | BadLine]:
    """Raw FAQ rows of a CSV/TSV/JSONL file (validated later, row by row)."""
    suffix = path.suffix.lower()
    text = _text(path)
    if suffix in (".csv", ".tsv"):
        reader = csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
        columns = set(reader.fieldnames or [])
        if not columns & {"question", "questions"} or "answer" not in columns:
            raise InvalidInput(
                f"{path.name}: a FAQ table needs 'question' (or 'questions') and 'answer' columns",
                details=[{"field": "columns", "reason": f"found {sorted(columns)}"}],
            )
        for row in reader:
            yield {k: v for k, v in row.items() if k and v not in (None, "")}
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadLine(f"line {number} is not JSON: {exc.msg}")
            continue
        yield value if isinstance(value, dict) else BadLine(f"line {number} is not an object")


def document_rows(
    path: Path,
    *,
    document: str | None = None,
    language: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> list[dict[str, Any]]:
    """One raw passage entry per chunk of a Markdown/text file."""
    name = document or path.name
    rows: list[dict[str, Any]] = []
    for passage in chunk_document(_text(path), max_chars=max_chars):
        source = f"{name} > {passage.heading}" if passage.heading else name
        row: dict[str, Any] = {
            "kind": "passage",
            "answer": passage.text,
            "title": passage.heading or None,
            "source": source,
            "document": name,
            "position": passage.position,
        }
        if language:
            row["language"] = language
        rows.append(row)
    return rows


def file_kind(path: Path) -> str:
    """``"faq"`` or ``"document"`` by suffix; unknown suffixes are refused."""
    if not path.is_file():
        raise NotFound(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return "faq"
    if suffix in DOCUMENT_SUFFIXES:
        return "document"
    raise InvalidInput(
        f"{path.name}: unsupported file type {suffix or '(none)'}",
        details=[
            {
                "field": "file",
                "reason": f"use {', '.join(TABLE_SUFFIXES)} for FAQ tables or "
                f"{', '.join(DOCUMENT_SUFFIXES)} for documents",
            }
        ],
    )
