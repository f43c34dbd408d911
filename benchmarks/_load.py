"""An open-loop HTTP/1.1 load generator for GET requests (what ``wrk2`` does, in asyncio).

Requests are due on a fixed schedule; each is handed to the next free keep-alive
connection, and its latency counts from when it was *due*, so a slow server is
charged for the requests that waited behind a slow answer (no coordinated
omission). Requests and responses are plain bytes on asyncio streams: a
general-purpose client spends about a millisecond of CPU per request, which on
a small machine would make the client, not the server, the bottleneck.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    latencies_s: list[float] = field(default_factory=list)  # successful requests
    due_s: list[float] = field(default_factory=list)  # when each was due, from the start
    failures: int = 0
    elapsed_s: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one response; return its status code (bodies need a Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None:
        raise ConnectionError("response without Content-Length")
    await reader.readexactly(length)
    return status


async def open_loop(
    url: str,
    paths: Sequence[str],
    rps: float,
    *,
    headers: dict[str, str] | None = None,
    connections: int = 64,
    timeout_s: float = 60.0,
) -> LoadResult:
    """GET each of ``paths`` in turn, ``rps`` per second, over ``connections``
    keep-alive connections to ``url`` (``http://host:port``)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode() for p in paths]
    queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
    result = LoadResult()

    async def connection() -> None:
        reader = writer = None
        while True:
            job = await queue.get()
            if job is None:
                break
            due, request = job
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                status = await asyncio.wait_for(_read_response(reader), timeout_s)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                result.failures += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == 200:
                result.latencies_s.append(time.perf_counter() - due)
                result.due_s.append(due - start)
            else:
                result.failures += 1
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    start = time.perf_counter()
    for k, request in enumerate(requests):
        due = start + k / rps
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, request))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    result.elapsed_s = time.perf_counter() - start
    return result
