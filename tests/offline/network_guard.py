"""Imported first by the offline check: refuses every non-loopback connection.

Each refused attempt is appended to the file named by ``UXLIFT_NETWORK_LOG``,
so the test sees attempts even where a library swallows the error.
"""

from __future__ import annotations

import os
import socket

_LOG = os.environ["UXLIFT_NETWORK_LOG"]
_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0")


def _is_local(host: object) -> bool:
    return host is None or str(host).startswith(_LOOPBACK) or str(host) == ""


def _refuse(what: str, host: object) -> None:
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{what} {host}\n")
    raise OSError(f"network blocked by test: {what} {host}")


_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if not _is_local(host):
        _refuse("getaddrinfo", host)
    return _real_getaddrinfo(host, *args, **kwargs)


def _connect(self, address):  # type: ignore[no-untyped-def]
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse("connect", address[0])
    return _real_connect(self, address)


def _connect_ex(self, address):  # type: ignore[no-untyped-def]
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse("connect_ex", address[0])
    return _real_connect_ex(self, address)


socket.getaddrinfo = _getaddrinfo
socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
