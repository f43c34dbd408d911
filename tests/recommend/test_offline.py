"""The offline benchmark, end to end through the CLI a user runs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.recommend.data import drifting_users
from tests.test_cli import run


def _write_csvs(tmp_path: Path) -> tuple[Path, Path]:
    data = drifting_users(seed=4, n_users=80)
    rows = ["user_id,item_id,timestamp"] + [
        f"{data.user_ids[u]},{data.item_ids[i]},{int(t)}"
        for u, i, t in zip(data.user, data.item, data.time, strict=True)
    ]
    interactions = tmp_path / "interactions.csv"
    interactions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    items = tmp_path / "items.csv"
    items.write_text(
        "item_id,title\n"
        + "".join(f"{i},item {i} of group {int(i) // 8}\n" for i in data.item_ids),
        encoding="utf-8",
    )
    return interactions, items


def test_one_command_reports_uxlift_beside_every_peer(tmp_path: Path) -> None:
    interactions, items = _write_csvs(tmp_path)
    result = run(
        tmp_path / "data",
        "evaluate",
        "recommender",
        "--interactions",
        str(interactions),
        "--items",
        str(items),
        "--json",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert set(report["results"]) == {"uxlift", "popularity", "als", "bpr", "item_knn", "ease"}
    for row in report["results"].values():
        assert {"ndcg@10", "recall@10", "hr@10", "mrr@10", "coverage"} <= set(row)
        assert 0 <= row["ndcg@10"] <= 1 and 0 < row["coverage"] <= 1
    assert report["users"] == 80 and report["items"] == 100
    best = max(r["ndcg@10"] for n, r in report["results"].items() if n != "uxlift")
    assert report["ndcg_ratio_to_best_peer"] == round(
        report["results"]["uxlift"]["ndcg@10"] / best, 3
    )
    assert report["results"]["uxlift"]["ndcg@10"] > report["results"]["popularity"]["ndcg@10"]


def test_table_output_and_clear_errors(tmp_path: Path) -> None:
    interactions, _ = _write_csvs(tmp_path)
    result = run(
        tmp_path / "data",
        "evaluate",
        "recommender",
        "--interactions",
        str(interactions),
        "--systems",
        "uxlift,popularity",
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "uxlift / best peer (popularity)" in result.stdout
    bad = run(
        tmp_path / "data",
        "evaluate",
        "recommender",
        "--interactions",
        str(interactions),
        "--systems",
        "uxlift,gorse",
    )
    assert bad.returncode != 0 and "gorse" in bad.stderr
    neither = run(tmp_path / "data", "evaluate", "recommender")
    assert neither.returncode != 0 and "--movielens" in neither.stderr
