"""Reading labelled texts from files: CSV/TSV, JSON Lines, Parquet, or text lines.

Text lines hold ``text<sep>label`` (the Financial PhraseBank layout, ``sep="@"``;
the last separator splits, so texts may contain it). Files that are not UTF-8
are read as Latin-1, which is what older corpora use. Rows with an empty text
or label are skipped and counted, never silently merged.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from uxlift.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class LabelledTexts:
    texts: list[str]
    labels: list[str]
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index: list[int]) -> LabelledTexts:
        return LabelledTexts([self.texts[i] for i in index], [self.labels[i] for i in index])


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_labelled(
    path: Path, *, text_col: str = "text", label_col: str = "label", sep: str = "@"
) -> LabelledTexts:
    """Texts and labels (as strings) from ``path``; the format follows the suffix."""
    if not path.is_file():
        raise NotFound(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        rows = [line.rsplit(sep, 1) for line in _decode(path).splitlines() if line.strip()]
        pairs = [(r[0], r[1]) if len(r) == 2 else ("", "") for r in rows]
    elif suffix in (".csv", ".tsv"):
        reader = csv.DictReader(
            _decode(path).splitlines(), delimiter="\t" if suffix == ".tsv" else ","
        )
        records = list(reader)
        _check_columns(path, reader.fieldnames or [], text_col, label_col)
        pairs = [(r.get(text_col) or "", r.get(label_col) or "") for r in records]
    elif suffix in (".jsonl", ".ndjson"):
        records = [json.loads(line) for line in _decode(path).splitlines() if line.strip()]
        _check_columns(path, sorted({k for r in records for k in r}), text_col, label_col)
        pairs = [
            (
                str(r.get(text_col) or ""),
                str(r.get(label_col, "") if r.get(label_col) is not None else ""),
            )
            for r in records
        ]
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        _check_columns(path, table.column_names, text_col, label_col)
        pairs = list(
            zip(
                table.column(text_col).to_pylist(), table.column(label_col).to_pylist(), strict=True
            )
        )
    else:
        raise InvalidInput(
            f"{path.name}: unsupported file type {suffix or '(none)'} "
            "(use .csv, .tsv, .jsonl, .parquet or .txt)"
        )
    kept = [
        (str(t).strip(), str(lab).strip())
        for t, lab in pairs
        if t is not None and lab is not None and str(t).strip() and str(lab).strip()
    ]
    if not kept:
        raise InvalidInput(f"{path.name}: no labelled rows found")
    return LabelledTexts(
        [t for t, _ in kept], [lab for _, lab in kept], skipped=len(pairs) - len(kept)
    )


def _check_columns(path: Path, columns: list[str], text_col: str, label_col: str) -> None:
    for field, name in (("--text-col", text_col), ("--label-col", label_col)):
        if name not in columns:
            raise InvalidInput(
                f"{path.name}: no column {name!r} (columns: {', '.join(columns)})",
                details=[{"field": field, "reason": f"column {name!r} not in file"}],
            )
