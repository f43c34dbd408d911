"""Settings: one object, validated where it is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from uxlift.config import Settings


def test_the_data_dir_is_fixed_as_an_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()  # the default, ./uxlift-data
    assert settings.data_dir == tmp_path.resolve() / "uxlift-data"
    monkeypatch.setenv("UXLIFT_DATA_DIR", "elsewhere/data")
    assert Settings().data_dir == tmp_path.resolve() / "elsewhere" / "data"
    assert Settings(data_dir=Path("~/x")).data_dir == Path.home().resolve() / "x"
