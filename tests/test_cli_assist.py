"""``uxlift kb`` and ``uxlift train assistant`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.assist.kb_data import FAQ, GUIDE
from tests.test_cli import data_dir, run  # noqa: F401


def test_import_list_and_train_the_assistant(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    faq = tmp_path / "faq.jsonl"
    rows = [*FAQ, {"questions": ["orphan"], "answer": ""}]
    faq.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    imported = run(data_dir, "kb", "import", str(faq), str(guide), "--json")
    assert imported.returncode == 0, imported.stderr
    reports = json.loads(imported.stdout)
    assert reports[str(faq)]["created"] == len(FAQ)
    assert reports[str(faq)]["rejected"] == [
        {"row": len(FAQ), "field": "answer", "reason": "missing or empty"}
    ]
    assert reports[str(guide)]["created"] == 2
    listed = run(data_dir, "kb", "list", "--kind", "passage")
    assert listed.returncode == 0 and "guide.md > Shipping guide > Packaging" in listed.stdout
    trained = run(data_dir, "train", "assistant", "--json")
    assert trained.returncode == 0, trained.stderr
    report = json.loads(trained.stdout)
    assert report["intents"] == 8  # four FAQ intents and four built-in ones
    assert (Path(report["saved_to"]) / "textclassifier.json").is_file()
    missing = run(data_dir, "kb", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode != 0 and "nope.csv" in missing.stderr
