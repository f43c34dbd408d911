"""Reading labelled texts from the file formats the evaluate command accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uxlift.errors import InvalidInput, NotFound
from uxlift.text.labelled_data import read_labelled


def test_csv_with_named_columns_skips_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("label,review\n1,好吃\n0,太慢了\n1,\n", encoding="utf-8")
    data = read_labelled(path, text_col="review", label_col="label")
    assert data.texts == ["好吃", "太慢了"] and data.labels == ["1", "0"] and data.skipped == 1


def test_phrasebank_lines_in_latin1_split_on_the_last_separator(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_bytes(
        "Profit rose @ 5 % in Q1@positive\nSales fell \xa3 2m@negative\n".encode("latin-1")
    )
    data = read_labelled(path)
    assert data.texts == ["Profit rose @ 5 % in Q1", "Sales fell \xa3 2m"]
    assert data.labels == ["positive", "negative"]


def test_jsonl_and_missing_column_error_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        "\n".join(json.dumps({"q": f"t{i}", "y": i % 2}) for i in range(4)), encoding="utf-8"
    )
    assert read_labelled(path, text_col="q", label_col="y").labels == ["0", "1", "0", "1"]
    with pytest.raises(InvalidInput) as caught:
        read_labelled(path, text_col="text", label_col="y")
    assert caught.value.details[0]["field"] == "--text-col"


def test_unknown_type_and_missing_file_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("?", encoding="utf-8")
    with pytest.raises(InvalidInput, match="unsupported file type"):
        read_labelled(bad)
    with pytest.raises(NotFound):
        read_labelled(tmp_path / "absent.csv")
