"""The API against its own OpenAPI document, over real HTTP.

Schemathesis reads ``/openapi.json`` and sends what it describes: boundary values of
every parameter and body field, then random requests, then short chains of calls.
Every answer must be documented (status, media type, error shape), no request may
cause a server error, and an undeclared method must get 405 with ``Allow``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET, auth
from uxlift.config import Settings
from uxlift.server import serving_in_thread
from uxlift.services import open_services

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "unsupported_method",
)


@pytest.fixture
def fuzzed(recommenders_dir: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A server over a copy of the small demo store, with a rate limit that a few
    thousand requests cannot reach (429s would hide the answers under test)."""
    data_dir = tmp_path / "data"
    shutil.copytree(recommenders_dir, data_dir)
    settings = Settings(
        data_dir=data_dir, secret_key=TEST_SECRET, rate_limit_per_s=10_000, rate_limit_burst=100_000
    )
    services = open_services(settings)
    key = services.keys.create(name="fuzz", scopes=["admin"]).secret
    services.recommendations.registry.promote("recommendations-0001")
    try:
        with serving_in_thread(services) as url:
            yield url, key
    finally:
        services.close()


@pytest.mark.slow
@pytest.mark.timeout(1_500)
def test_every_operation_answers_as_its_document_says(
    fuzzed: tuple[str, str], tmp_path: Path
) -> None:
    url, key = fuzzed
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{url}/openapi.json",
        "--header", f"Authorization: Bearer {key}",
        "--checks", ",".join(CHECKS),
        "--max-examples", "10",
        "--seed", "1",
        "--exclude-path", "/v1/alerts/stream",  # an endless event stream
        "--request-timeout", "60",
        "--no-color",
    ]  # fmt: skip
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=1_200)
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]

    # The requests reached the routes' logic: most operations answered 2xx at least once.
    metrics = httpx.get(f"{url}/metrics", headers=auth(key), timeout=30).text
    succeeded: Counter[str] = Counter()
    pattern = r'uxlift_http_requests_total\{method="(\w+)",route="([^"]+)",status="2\d\d"\}'
    for method, route in re.findall(pattern, metrics):
        succeeded[f"{method} {route}"] += 1
    assert len(succeeded) >= 35, sorted(succeeded)
