"""Running the API server: in the foreground (CLI) or in a thread (demo, tests)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from uxlift.api.app import create_app
from uxlift.services import Services

log = logging.getLogger(__name__)


def uvicorn_config(services: Services, *, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(services),
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=5,
    )


def serve_forever(services: Services, *, host: str, port: int) -> None:
    """Serve until interrupted, then close the store cleanly."""
    server = uvicorn.Server(uvicorn_config(services, host=host, port=port))
    try:
        server.run()
    finally:
        services.close()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving_in_thread(
    services: Services, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve in a background thread; yields the base URL; stops on exit."""
    port = port or free_port(host)
    server = uvicorn.Server(uvicorn_config(services, host=host, port=port))
    thread = threading.Thread(target=server.run, name="uxlift-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_compute() -> None:
    """One thread per numeric call in a server process (unless the environment says
    otherwise). Requests run concurrently already; BLAS and OpenMP pools inside each
    request only spin: on two cores they tripled the CPU time of a recommendation.
    Call before the model libraries load."""
    import os

    if any(os.environ.get(name) for name in _THREAD_VARIABLES):
        return
    for name in _THREAD_VARIABLES:
        os.environ[name] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # libraries already loaded read the variables too late
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
