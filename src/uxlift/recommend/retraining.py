"""Scheduled retraining inside the server, without slowing its requests.

Every ``UXLIFT_RETRAIN_EVERY_H`` hours a thread of the server takes the item
events from its memory of the log (the store stays with the server: DuckDB
admits one writer process) and, if any came since the serving model was
trained, writes them to a file and fits a new recommender in a *separate*,
lower-priority process (``python -m uxlift.recommend.retraining FILE DATA_DIR``).
Fitting there takes no interpreter time from requests, and the operating system
gives requests the cores first. The new version is registered and promoted if it
ranks a holdout of the same events better than popularity does (``checked``); the
server swaps to it without a restart, as after ``uxlift train recommender``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import NotFound
from uxlift.recommend.interactions import Interactions
from uxlift.recommend.registry import TARGET

log = logging.getLogger(__name__)
NICENESS = 10  # the fitting process yields the cores to the server's requests


def save_interactions(
    path: Path, data: Interactions, encoder_id: str, item_vectors: np.ndarray | None = None
) -> None:
    """Interactions (and the items' text vectors) as a plain ``.npz`` (ids as unicode
    arrays: no pickles)."""
    extra = {} if item_vectors is None else {"item_vectors": item_vectors}
    np.savez(
        path,
        **extra,
        user=data.user,
        item=data.item,
        time=data.time,
        user_ids=np.array([str(u) for u in data.user_ids.tolist()], dtype=str),
        item_ids=np.array([str(i) for i in data.item_ids.tolist()], dtype=str),
        encoder_id=np.array(encoder_id),
    )


def load_interactions(path: Path) -> tuple[Interactions, str, np.ndarray | None]:
    with np.load(path, allow_pickle=False) as saved:
        data = Interactions(
            saved["user"],
            saved["item"],
            saved["time"],
            saved["user_ids"].astype(object),
            saved["item_ids"].astype(object),
        )
        vectors = saved["item_vectors"] if "item_vectors" in saved.files else None
        return data, str(saved["encoder_id"]), vectors


class RetrainScheduler:
    def __init__(self, service: Any, data_dir: Path, *, every_s: float) -> None:
        """``service``: the server's
        :class:`~uxlift.recommend.service.RecommendationService`."""
        self.service = service
        self.data_dir = Path(data_dir)
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def run_once(self) -> dict[str, Any] | None:
        """Retrain now if the log has item events the serving model has not seen;
        the job's report, or None when there was nothing new."""
        from uxlift.recommend.trainer import interactions_of

        live = self.service.live
        catalog = live.catalog()
        data = interactions_of(live.snapshot(catalog).log, catalog)
        if len(data) == 0 or len(data) == self._serving_interactions():
            return None
        with tempfile.TemporaryDirectory(prefix="uxlift-retrain-") as tmp:
            path = Path(tmp) / "interactions.npz"
            save_interactions(path, data, catalog.encoder_id, catalog.embeddings)
            command = [sys.executable, "-m", "uxlift.recommend.retraining", str(path),
                       str(self.data_dir)]  # fmt: skip
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_lower_priority
            )
            out, err = self._process.communicate()
            code, self._process = self._process.returncode, None
        if code != 0:
            detail = err.decode(errors="replace")[-2000:]
            raise RuntimeError(f"retraining failed ({code}): {detail}")
        report = json.loads(out)
        log.info("retrained %s (promoted: %s)", report["model"]["version"], report["promoted"])
        return report

    def _serving_interactions(self) -> int | None:
        registry = self.service.registry
        version = registry.serving(TARGET)
        if version is None:
            return None
        try:
            return int(registry.get(version).examples.get("interactions", -1))
        except (NotFound, OSError, ValueError):
            return None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="retrain", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        process = self._process
        if process is not None:
            process.terminate()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.run_once()
            except Exception:
                log.exception("scheduled retraining failed")


def _lower_priority() -> None:  # pragma: no cover - runs in the child
    os.nice(NICENESS)


def main(argv: list[str] | None = None) -> None:
    """The job: fit, register and (checked) promote from a saved interactions file."""
    from uxlift.recommend.registry import recommender_registry_for
    from uxlift.recommend.trainer import RecommenderTrainOptions, fit_and_register
    from uxlift.server import single_threaded_compute

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        raise SystemExit("usage: python -m uxlift.recommend.retraining INTERACTIONS DATA_DIR")
    single_threaded_compute()  # one core: the server keeps the other
    data, encoder_id, vectors = load_interactions(Path(args[0]))
    registry = recommender_registry_for(Path(args[1]))
    options = RecommenderTrainOptions(promote="checked")
    report = fit_and_register(data, encoder_id, registry, options, item_vectors=vectors)
    print(json.dumps(report))


if __name__ == "__main__":  # pragma: no cover
    main()
