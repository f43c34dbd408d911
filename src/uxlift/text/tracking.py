"""Training runs logged to MLflow, in a local store under the data directory.

The tracking store is a SQLite file (``<data_dir>/mlflow/mlflow.db``) with
artifacts beside it, so runs survive restarts and any MLflow UI pointed at the
file shows them; nothing leaves the machine. ``RunTracker`` is the small surface
trainers use: parameters, metrics by step, and files as artifacts.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def metric_name(name: str) -> str:
    """A name MLflow accepts: letters, digits and ``_-. :/``; ``+`` is spelled out."""
    return re.sub(r"[^\w\-. :/]", "_", str(name).replace("+", "_plus_"))


def tracking_dir(data_dir: Path) -> Path:
    return data_dir / "mlflow"


class RunTracker:
    """One MLflow run; use :func:`start_run` to open it."""

    def __init__(self, client: Any, run_id: str) -> None:
        self._client = client
        self.run_id = run_id

    def log_params(self, params: Mapping[str, Any]) -> None:
        from mlflow.entities import Param

        items = [Param(metric_name(k), str(v)[:6000]) for k, v in params.items()]
        self._client.log_batch(self.run_id, params=items)

    def log_metrics(self, metrics: Mapping[str, float], *, step: int = 0) -> None:
        import math
        import time

        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        items = [
            Metric(metric_name(k), float(v), now, step)
            for k, v in metrics.items()
            if isinstance(v, int | float) and math.isfinite(float(v))
        ]
        if items:
            self._client.log_batch(self.run_id, metrics=items)

    def log_artifact(self, path: Path) -> None:
        self._client.log_artifact(self.run_id, str(path))

    def set_tags(self, tags: Mapping[str, str]) -> None:
        for key, value in tags.items():
            self._client.set_tag(self.run_id, key, value)


def _client(root: Path) -> Any:
    os.environ.setdefault("MLFLOW_ENABLE_TELEMETRY", "false")
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from mlflow.tracking import MlflowClient

    root.mkdir(parents=True, exist_ok=True)
    return MlflowClient(tracking_uri=f"sqlite:///{root / 'mlflow.db'}")


def _experiment_id(client: Any, root: Path, name: str) -> str:
    found = client.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    artifacts = (root.resolve() / "artifacts" / name).as_uri()  # a file URI needs a full path
    return str(client.create_experiment(name, artifact_location=artifacts))


@contextmanager
def start_run(root: Path, experiment: str, *, run_name: str | None = None) -> Iterator[RunTracker]:
    """Open a run in the store at ``root``; it ends FINISHED, or FAILED on error."""
    client = _client(root)
    run = client.create_run(_experiment_id(client, root, experiment), run_name=run_name)
    tracker = RunTracker(client, run.info.run_id)
    try:
        yield tracker
    except BaseException:
        client.set_terminated(run.info.run_id, status="FAILED")
        raise
    client.set_terminated(run.info.run_id, status="FINISHED")


def list_runs(root: Path, experiment: str) -> list[dict[str, Any]]:
    """Runs of ``experiment``, newest first: id, name, status, params and metrics."""
    client = _client(root)
    found = client.get_experiment_by_name(experiment)
    if found is None:
        return []
    runs = client.search_runs([found.experiment_id], order_by=["attributes.start_time DESC"])
    return [
        {
            "run_id": r.info.run_id,
            "name": r.info.run_name,
            "status": r.info.status,
            "params": dict(r.data.params),
            "metrics": dict(r.data.metrics),
        }
        for r in runs
    ]
