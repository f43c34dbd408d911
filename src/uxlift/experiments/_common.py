"""Validation and JSON helpers shared by the experiment statistics (private)."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput


def check_count(name: str, value: object) -> int:
    """``value`` as a non-negative whole number, or :class:`InvalidInput` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{name} must be a whole number, got {value!r}")
    if not math.isfinite(float(value)) or float(value) != int(value):
        raise InvalidInput(f"{name} must be a whole number, got {value!r}")
    if int(value) < 0:
        raise InvalidInput(f"{name} must not be negative, got {value!r}")
    return int(value)


def check_finite(name: str, value: object) -> float:
    """``value`` as a finite float, or :class:`InvalidInput` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInput(f"{name} must be finite, got {value!r}")
    return number


def check_alpha(alpha: object, name: str = "alpha") -> float:
    """A significance level strictly between 0 and 1."""
    value = check_finite(name, alpha)
    if not 0.0 < value < 1.0:
        raise InvalidInput(f"{name} must lie strictly between 0 and 1, got {alpha!r}")
    return value


def check_positive(name: str, value: object) -> float:
    number = check_finite(name, value)
    if number <= 0.0:
        raise InvalidInput(f"{name} must be positive, got {value!r}")
    return number


def json_safe(value: Any) -> Any:
    """``value`` with every float made JSON-safe (NaN and infinities become ``None``),
    numpy scalars made Python ones, tuples made lists and nested results made dicts."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, Sequence | np.ndarray | frozenset | set):
        return [json_safe(item) for item in value]
    return value


def to_dict(obj: Any, properties: Sequence[str] = ()) -> dict[str, Any]:
    """The fields of dataclass ``obj`` and the named ``properties``, JSON-safe."""
    out = {field.name: json_safe(getattr(obj, field.name)) for field in dataclasses.fields(obj)}
    out.update({name: json_safe(getattr(obj, name)) for name in properties})
    return out
