"""Reading benchmark files: generic CSVs, MovieLens as shipped, and bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from uxlift.errors import InvalidInput
from uxlift.recommend.datasets import read_interactions, read_items, read_movielens


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_generic_files_with_iso_times_text_columns_and_bad_rows(tmp_path: Path) -> None:
    interactions = _write(
        tmp_path / "i.csv",
        "user_id,item_id,timestamp,rating\n"
        "u1,sku-2,2026-01-02T10:00:00,5\n"
        "u1,sku-1,2026-01-01T10:00:00,4\n"
        ",sku-1,2026-01-01T11:00:00,3\n"  # no user: skipped
        "u2,sku-9,,3\n",
    )
    items = _write(
        tmp_path / "items.csv",
        "item_id,title,colour,price\n"
        "sku-1,Linen shirt,blue,30\nsku-2,Wool coat,grey,120\nsku-3,Cap,,9\n",
    )
    data = read_interactions(interactions, items, ["title", "colour"])
    assert data.skipped_rows == 2
    assert data.catalog.tolist() == ["sku-1", "sku-2", "sku-3"]
    assert data.item_texts == ["Linen shirt blue", "Wool coat grey", "Cap"]
    log = data.interactions
    assert log.item_ids[log.item].tolist() == ["sku-1", "sku-2"]  # time order
    assert log.time[1] - log.time[0] == 86_400


def test_items_default_to_every_non_id_column(tmp_path: Path) -> None:
    items = _write(tmp_path / "items.csv", "item_id,title,genres\n7,Heat,Crime|Drama\n")
    ids, texts = read_items(items)
    assert ids.tolist() == ["7"] and texts == ["Heat Crime|Drama"]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    interactions = _write(tmp_path / "i.csv", "user,item_id\nu1,a\n")
    with pytest.raises(InvalidInput) as error:
        read_interactions(interactions)
    assert {d["field"] for d in error.value.details} == {"user_id", "timestamp"}
    good = _write(tmp_path / "g.csv", "user_id,item_id,timestamp\nu1,a,1\n")
    items = _write(tmp_path / "items.csv", "item_id,title\na,A\n")
    with pytest.raises(InvalidInput, match="text columns"):
        read_interactions(good, items, ["title", "plot"])
    with pytest.raises(InvalidInput, match="no such file"):
        read_interactions(tmp_path / "absent.csv")


def test_movielens_folder_joins_titles_genres_and_tags(tmp_path: Path) -> None:
    _write(tmp_path / "ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.0,5\n1,2,3.0,6\n")
    _write(
        tmp_path / "movies.csv",
        'movieId,title,genres\n2,"Heat (1995)",Action|Crime\n'
        "10,GoldenEye (1995),Action\n30,Unseen (2001),Drama\n",
    )
    _write(tmp_path / "tags.csv", "userId,movieId,tag,timestamp\n1,2,heist,7\n1,2,heist,8\n")
    data = read_movielens(tmp_path)
    assert data.catalog.tolist() == ["2", "10", "30"]  # numeric order
    assert data.item_texts[0] == "Heat (1995) Action Crime heist"
    assert len(data.interactions) == 2
