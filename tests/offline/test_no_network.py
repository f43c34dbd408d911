"""No code path reaches the network: model loading, training, tracking, serving.

The workload runs in a fresh interpreter with every non-loopback connection
and name lookup refused and logged, and without the Hugging Face offline
variables, so uxlift itself must keep the libraries off the network.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_workload_makes_no_network_attempt(tmp_path: Path) -> None:
    log = tmp_path / "network.log"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "MLFLOW_"))
    }
    env.update({"UXLIFT_NETWORK_LOG": str(log), "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)})
    done = subprocess.run(
        [sys.executable, "-m", "tests.offline.offline_workload"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "offline workload done" in done.stdout
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    assert attempts == "", f"network attempts:\n{attempts}"
