"""Runs the model-loading and training paths under the network guard."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import tests.offline.network_guard  # noqa: F401  (must come first)
from tests.text.intent_data import HELD_OUT, intent_examples


def main() -> None:
    import httpx

    from uxlift.config import Settings
    from uxlift.server import serving_in_thread
    from uxlift.services import open_services
    from uxlift.text.classifier import TextClassifier
    from uxlift.text.encoders import encoder_from_spec
    from uxlift.text.tokenize import tokenize
    from uxlift.text.tracking import start_run

    texts, labels = intent_examples()
    probes = [t for t, _ in HELD_OUT]
    encoder_from_spec("minilm").encode(probes)
    assert tokenize("我想退款", language="zh")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with start_run(root / "mlflow", "offline") as run:
            model = TextClassifier(method="finetune", epochs=1).fit(texts, labels, tracker=run)
        TextClassifier.load(model.save(root / "model")).predict(probes)
        TextClassifier(method="embedding+logreg").fit(texts, labels).predict(probes)
        try:
            encoder_from_spec("e5").encode(probes)
        except Exception as exc:  # the extra may be absent; a network attempt is still logged
            print(f"e5 skipped: {exc}", file=sys.stderr)
        settings = Settings(data_dir=root / "data", secret_key="offline-" + "k" * 40)
        services = open_services(settings)
        try:
            with serving_in_thread(services) as url:
                assert httpx.get(f"{url}/healthz").status_code == 200
                assert httpx.get(f"{url}/dashboard/login").status_code == 200
        finally:
            services.close()
    print("offline workload done")


if __name__ == "__main__":
    main()
