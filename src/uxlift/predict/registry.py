"""The model registry: every trained predictor, its card, and which one serves.

Layout under the registry root (``<data_dir>/models/predictors``)::

    registry.json          cards by version, the serving stack per target, history
    purchase-0003/         one folder per version: card.json plus the model files

The registry is plain files so ``uxlift models promote`` works while a server
holds the database; a server notices the change through :meth:`token` and
swaps models without a restart. Every change takes an exclusive file lock,
writes a temporary file, fsyncs it and renames it over ``registry.json``, so a
crash leaves either the old or the new state, never a torn one.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from uxlift.errors import Conflict, InvalidInput, NotFound

FORMAT = "uxlift-models/1"


def registry_for(data_dir: Path) -> ModelRegistry:
    """The predictor registry of an installation."""
    return ModelRegistry(Path(data_dir) / "models" / "predictors")


@dataclass(frozen=True)
class ModelCard:
    """What a trained predictor is: enough to judge it without loading it."""

    version: str
    target: str
    horizon_s: float
    estimator: str
    created_at: str
    training_window: dict[str, str]
    encoder_id: str
    feature_names: list[str]
    metrics: dict[str, Any]
    reliability: list[dict[str, float]] = field(default_factory=list)
    feature_importance: list[dict[str, Any]] = field(default_factory=list)
    examples: dict[str, Any] = field(default_factory=dict)
    mlflow_run_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCard:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class ModelRegistry:
    """Versions, promotion and rollback of predictors, stored under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._file = self.root / "registry.json"

    # -- state -----------------------------------------------------------------
    def _empty(self) -> dict[str, Any]:
        return {"format": FORMAT, "models": {}, "serving": {}, "history": []}

    def _read(self) -> dict[str, Any]:
        try:
            state = json.loads(self._file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return self._empty()
        if state.get("format") != FORMAT:
            raise InvalidInput(f"{self._file} is not a uxlift model registry")
        return state

    def _write(self, state: dict[str, Any]) -> None:
        tmp = self._file.with_suffix(".json.tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._file)

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """Read-modify-write under an exclusive lock; the state is saved on success."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._read()
                yield state
                self._write(state)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def token(self) -> tuple[int, int]:
        """Changes whenever the registry changes (cheap: one stat)."""
        try:
            stat = self._file.stat()
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_size)

    # -- versions --------------------------------------------------------------
    def register(self, card: ModelCard, write_files: Callable[[Path], None]) -> ModelCard:
        """Store a new version: ``write_files(folder)`` saves the model; the card's
        version is assigned here (``<target>-<n>``, counting up per target)."""
        with self._locked() as state:
            taken = [
                int(v.rsplit("-", 1)[1]) for v, c in state["models"].items()
                if c["target"] == card.target
            ]  # fmt: skip
            version = f"{card.target}-{max(taken, default=0) + 1:04d}"
            folder = self.root / version
            staging = self.root / f".{version}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            try:
                write_files(staging)
                final = ModelCard.from_dict({**card.to_dict(), "version": version})
                (staging / "card.json").write_text(json.dumps(final.to_dict(), indent=1))
                shutil.rmtree(folder, ignore_errors=True)
                os.replace(staging, folder)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            state["models"][version] = final.to_dict()
            state["history"].append(
                {"at": _now(), "action": "register", "target": card.target, "version": version}
            )
        return final

    def annotate(self, version: str, **fields: Any) -> ModelCard:
        """Add facts known only after registering (e.g. the MLflow run id) to a card."""
        with self._locked() as state:
            card = state["models"].get(version)
            if card is None:
                raise NotFound(f"no model version {version!r}")
            unknown = set(fields) - set(ModelCard.__dataclass_fields__)
            if unknown:
                raise InvalidInput(f"cards have no field(s) {sorted(unknown)}")
            card.update(fields)
            (self.root / version / "card.json").write_text(json.dumps(card, indent=1))
        return ModelCard.from_dict(card)

    def folder(self, version: str) -> Path:
        """Where a version's files live (check it exists with :meth:`get`)."""
        return self.root / version

    def get(self, version: str) -> ModelCard:
        card = self._read()["models"].get(version)
        if card is None:
            raise NotFound(f"no model version {version!r}")
        return ModelCard.from_dict(card)

    def list(self, target: str | None = None) -> list[ModelCard]:
        cards = [ModelCard.from_dict(c) for c in self._read()["models"].values()]
        return [c for c in cards if target is None or c.target == target]

    def serving(self, target: str) -> str | None:
        """The version that serves ``target`` now, if any."""
        stack = self._read()["serving"].get(target, [])
        return stack[-1] if stack else None

    def serving_all(self) -> dict[str, str]:
        return {t: s[-1] for t, s in self._read()["serving"].items() if s}

    def history(self, target: str | None = None) -> list[dict[str, Any]]:
        entries = self._read()["history"]
        return [e for e in entries if target is None or e["target"] == target]

    # -- serving ---------------------------------------------------------------
    def promote(self, version: str, *, actor: str = "cli") -> ModelCard:
        """Make ``version`` serve its target (the one before stays for rollback)."""
        with self._locked() as state:
            card = state["models"].get(version)
            if card is None:
                raise NotFound(f"no model version {version!r}")
            stack = state["serving"].setdefault(card["target"], [])
            previous = stack[-1] if stack else None
            if previous != version:
                if version in stack:
                    stack.remove(version)
                stack.append(version)
            state["history"].append(
                {"at": _now(), "action": "promote", "target": card["target"],
                 "version": version, "previous": previous, "actor": actor}
            )  # fmt: skip
        return ModelCard.from_dict(card)

    def rollback(self, target: str, *, actor: str = "cli") -> ModelCard:
        """Serve the version that served ``target`` before the current one."""
        with self._locked() as state:
            stack = state["serving"].get(target, [])
            if len(stack) < 2:
                raise Conflict(f"no earlier {target!r} model to roll back to")
            retired = stack.pop()
            state["history"].append(
                {"at": _now(), "action": "rollback", "target": target,
                 "version": stack[-1], "previous": retired, "actor": actor}
            )  # fmt: skip
            card = state["models"][stack[-1]]
        return ModelCard.from_dict(card)
