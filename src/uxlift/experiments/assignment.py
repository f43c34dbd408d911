"""Deterministic assignment of users to variants.

A user's bucket in an experiment is a keyed hash of (pseudonymized user key,
experiment salt): HMAC-SHA256 with the salt as key, its first 8 bytes read as an
integer and divided by 2**64, a number uniform on [0, 1). The same user always
lands in the same bucket of the same experiment, buckets of different
experiments are independent (each has its own salt), and nobody can steer
their own assignment without the salt.

Two independent draws come from the one hash: the first 8 bytes decide whether
the user is in the experiment's traffic share at all, the next 8 which variant
they get (by cumulative weights), so shrinking the traffic share does not move
anyone between variants.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import numpy as np

_SCALE = float(2**64)


def buckets(user_key: str, salt: str) -> tuple[float, float]:
    """The user's two uniform draws in [0, 1) for the experiment with ``salt``:
    (traffic, variant)."""
    digest = hmac.new(salt.encode("utf-8"), user_key.encode("utf-8"), hashlib.sha256).digest()
    return (
        int.from_bytes(digest[:8], "big") / _SCALE,
        int.from_bytes(digest[8:16], "big") / _SCALE,
    )


def variant_index(draw: float, weights: Sequence[float]) -> int:
    """The variant whose slice of [0, 1) holds ``draw``; slices are proportional to
    ``weights`` (which need not sum to one)."""
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    cumulative /= cumulative[-1]
    return min(int(np.searchsorted(cumulative, draw, side="right")), len(cumulative) - 1)


def assign(user_key: str, salt: str, weights: Sequence[float], traffic: float = 1.0) -> int | None:
    """The index of the user's variant, or None when the user falls outside the
    experiment's traffic share."""
    in_traffic, draw = buckets(user_key, salt)
    if in_traffic >= traffic:
        return None
    return variant_index(draw, weights)
