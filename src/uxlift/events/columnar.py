"""Vectorized event checks over Arrow batches: the fast path of file imports.

``check_batch`` marks the rows that the per-row validator (``EventIn`` plus
``Limits``) would *certainly* accept, using pyarrow compute kernels, and hands
back their values already normalized (ids as text, value as float, timestamp
as epoch microseconds, properties parsed). The checks are deliberately
stricter than the schema: any row in doubt (unusual types, whitespace around
numbers, custom formats) is left to the per-row validator, which stays the one
source of error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.events.schema import (
    CORE_EVENT_TYPES,
    EARLIEST_TIMESTAMP,
    ITEM_REQUIRED_TYPES,
    TEXT_REQUIRED_TYPES,
    VALUE_REQUIRED_TYPES,
    EventIn,
)
from uxlift.events.validation import Limits

EVENT_FIELDS: tuple[str, ...] = tuple(EventIn.model_fields)
# RE2 patterns; each accepts a subset of what the schema accepts.
CUSTOM_TYPE_RE = r"^custom:[a-z0-9_][a-z0-9_.\-]{0,63}$"
NUMBER_RE = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$"
EPOCH_RE = r"^[0-9]{1,11}(\.[0-9]+)?$"
RFC3339_RE = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]"
    r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
# Exactly the characters for which Python's ``str.isspace`` is true.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
NON_BLANK_RE = "[^" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE) + "]"
EARLIEST_US = int(EARLIEST_TIMESTAMP.timestamp()) * 1_000_000
MAX_EPOCH_S = 1e11
MICROS = 1_000_000


@dataclass(frozen=True)
class CheckedBatch:
    """Which rows passed, and every field normalized (meaningful on passed rows)."""

    accepted: pa.BooleanArray
    columns: dict[str, pa.Array]
    properties: list[dict[str, Any] | None]

    def take_accepted(self) -> CheckedBatch:
        """Only the accepted rows."""
        if self.accepted.false_count == 0:
            return self
        keep = np.flatnonzero(self.accepted.to_numpy(zero_copy_only=False))
        index = pa.array(keep, pa.int64())
        return CheckedBatch(
            pc.take(self.accepted, index),
            {name: pc.take(col, index) for name, col in self.columns.items()},
            [self.properties[i] for i in keep.tolist()],
        )


def check_batch(batch: pa.RecordBatch | pa.Table, limits: Limits, now: datetime) -> CheckedBatch:
    """Vectorized validation of raw event rows (CSV text columns or typed Parquet)."""
    n = batch.num_rows
    oks: list[pa.Array] = []
    cols: dict[str, pa.Array] = {}
    for name, max_len, ints in (
        ("event_id", 128, False),
        ("user_id", 256, True),
        ("item_id", 256, True),
        ("session_id", 128, False),
    ):
        cols[name], ok = _identifier(batch, name, max_len, ints=ints)
        oks.append(ok)
    cols["type"], ok = _strings(batch, "type")
    oks += [ok, _known_type(cols["type"]), pc.is_valid(cols["user_id"])]
    cols["text"], ok = _strings(batch, "text")
    oks += [ok, _at_most(cols["text"], limits.max_text_chars)]
    cols["value"], ok = _value(batch)
    oks.append(ok)
    now_us = int(now.timestamp() * MICROS) + int(limits.max_future_skew_s * MICROS)
    cols["timestamp"], ok = _timestamp(batch, now_us)
    oks += [ok, _required_by_type(cols)]
    raw_properties, ok = _strings(batch, "properties")
    properties, parsed_ok = parse_properties(raw_properties, limits.max_properties_bytes)
    oks += [ok, parsed_ok]
    oks += [_absent(batch, name) for name in batch.schema.names if name not in EVENT_FIELDS]
    accepted = _all_true(oks, n)
    return CheckedBatch(accepted, cols, properties)


def _all_true(masks: list[pa.Array], n: int) -> pa.BooleanArray:
    result = pa.array(np.ones(n, dtype=bool))
    for mask in masks:
        result = pc.and_(result, pc.fill_null(mask, False))
    return result


def _column(batch: pa.RecordBatch | pa.Table, name: str) -> pa.Array | None:
    if name not in batch.schema.names:
        return None
    col = batch.column(name)
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    return col


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or kind == pa.string_view()


def _blank_to_null(values: pa.Array) -> pa.Array:
    """Empty strings count as absent, as ``_drop_nulls`` treats them."""
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _strings(
    batch: pa.RecordBatch | pa.Table, name: str, *, ints: bool = False
) -> tuple[pa.Array, pa.Array]:
    """(the column as text, empty -> null; rows whose raw value is of a usable type)."""
    n = batch.num_rows
    col = _column(batch, name)
    if col is None or pa.types.is_null(col.type):
        return pa.nulls(n, pa.string()), pa.array(np.ones(n, dtype=bool))
    if _is_text(col.type):
        return _blank_to_null(col.cast(pa.string())), pa.array(np.ones(n, dtype=bool))
    if ints and pa.types.is_integer(col.type):
        return col.cast(pa.string()), pa.array(np.ones(n, dtype=bool))
    return pa.nulls(n, pa.string()), pc.is_null(col)


def _identifier(
    batch: pa.RecordBatch | pa.Table, name: str, max_len: int, *, ints: bool
) -> tuple[pa.Array, pa.Array]:
    values, ok = _strings(batch, name, ints=ints)
    return values, pc.and_(ok, _at_most(values, max_len))


def _at_most(values: pa.Array, max_len: int) -> pa.Array:
    """True where null or at most ``max_len`` characters (code points, as Python counts)."""
    return pc.fill_null(pc.less_equal(pc.utf8_length(values), max_len), True)


def _absent(batch: pa.RecordBatch | pa.Table, name: str) -> pa.Array:
    """An unknown column is fine only where it is empty (extra fields are forbidden)."""
    values, ok = _strings(batch, name)
    return pc.and_(ok, pc.is_null(values))


def _known_type(types: pa.Array) -> pa.Array:
    core = pc.is_in(types, value_set=pa.array(sorted(CORE_EVENT_TYPES)))
    return pc.or_(core, pc.fill_null(pc.match_substring_regex(types, CUSTOM_TYPE_RE), False))


def _value(batch: pa.RecordBatch | pa.Table) -> tuple[pa.Array, pa.Array]:
    """Value as float64: numbers, or plain decimal text; must be finite."""
    n = batch.num_rows
    col = _column(batch, "value")
    if col is None or pa.types.is_null(col.type):
        return pa.nulls(n, pa.float64()), pa.array(np.ones(n, dtype=bool))
    if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
        values = col.cast(pa.float64(), safe=False)
    elif _is_text(col.type):
        text = _blank_to_null(col.cast(pa.string()))
        numeric = pc.fill_null(pc.match_substring_regex(text, NUMBER_RE), False)
        values = pc.if_else(numeric, text, pa.scalar(None, pa.string())).cast(pa.float64())
        finite = pc.and_(numeric, pc.fill_null(pc.is_finite(values), False))
        return values, pc.or_(pc.is_null(text), finite)
    else:
        return pa.nulls(n, pa.float64()), pc.is_null(col)
    return values, pc.fill_null(pc.is_finite(values), True)


def _required_by_type(cols: dict[str, pa.Array]) -> pa.Array:
    """item_id, non-blank text, or value where the event type needs them."""
    kind = cols["type"]
    need_item = pc.is_in(kind, value_set=pa.array(sorted(ITEM_REQUIRED_TYPES)))
    need_text = pc.is_in(kind, value_set=pa.array(sorted(TEXT_REQUIRED_TYPES)))
    need_value = pc.is_in(kind, value_set=pa.array(sorted(VALUE_REQUIRED_TYPES)))
    has_text = pc.fill_null(pc.match_substring_regex(cols["text"], NON_BLANK_RE), False)
    no_item = pc.and_(need_item, pc.is_null(cols["item_id"]))
    no_text = pc.and_(need_text, pc.invert(has_text))
    no_value = pc.and_(need_value, pc.is_null(cols["value"]))
    return pc.invert(pc.fill_null(pc.or_(pc.or_(no_item, no_text), no_value), True))


def _timestamp(batch: pa.RecordBatch | pa.Table, latest_us: int) -> tuple[pa.Array, pa.Array]:
    """Epoch microseconds (UTC) of the timestamp column, and where it is acceptable."""
    n = batch.num_rows
    col = _column(batch, "timestamp")
    if col is None or pa.types.is_null(col.type):
        return pa.nulls(n, pa.int64()), pa.array(np.ones(n, dtype=bool))
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        micros = epoch_micros(col)
    elif pa.types.is_timestamp(col.type) and col.type.unit != "ns":
        micros = col.cast(pa.timestamp("us", tz=col.type.tz)).cast(pa.int64())
    elif _is_text(col.type):
        micros = _text_micros(_blank_to_null(col.cast(pa.string())))
    else:
        return pa.nulls(n, pa.int64()), pc.is_null(col)
    in_range = pc.and_(pc.greater_equal(micros, EARLIEST_US), pc.less_equal(micros, latest_us))
    usable = pc.or_(pc.is_null(col), pc.fill_null(in_range, False))
    return pc.if_else(usable, micros, pa.scalar(None, pa.int64())), usable


def epoch_micros(seconds: pa.Array) -> pa.Array:
    """Epoch seconds -> microseconds, rounded exactly as ``datetime.fromtimestamp`` does.

    CPython splits off the integral part and rounds the fraction times 1e6 half to
    even; values beyond 1e11 (milliseconds, most likely) are left as null.
    """
    if pa.types.is_integer(seconds.type):
        whole = seconds.cast(pa.int64(), safe=False)
        small = pc.and_(pc.less_equal(whole, int(MAX_EPOCH_S)), pc.greater_equal(whole, 0))
        whole = pc.if_else(small, whole, pa.scalar(None, pa.int64()))
        return pc.multiply(whole, MICROS)
    values = seconds.cast(pa.float64()).to_numpy(zero_copy_only=False)
    valid = np.isfinite(values) & (values <= MAX_EPOCH_S) & (values >= 0)
    values = np.where(valid, values, 0.0)
    whole = np.trunc(values)
    micros = whole.astype(np.int64) * MICROS + np.round((values - whole) * 1e6).astype(np.int64)
    return pa.array(micros, pa.int64(), mask=~valid)


def _text_micros(text: pa.Array) -> pa.Array:
    """Epoch-second digits or RFC 3339 with an explicit offset; anything else -> null."""
    epoch = pc.fill_null(pc.match_substring_regex(text, EPOCH_RE), False)
    from_epoch = epoch_micros(pc.if_else(epoch, text, pa.scalar(None, pa.string())))
    rfc = pc.and_(pc.fill_null(pc.match_substring_regex(text, RFC3339_RE), False), _real_day(text))
    try:
        moments = pc.if_else(rfc, text, pa.scalar(None, pa.string())).cast(
            pa.timestamp("us", tz="UTC")
        )
    except pa.ArrowInvalid:  # a form Arrow reads differently: leave all to the slow path
        return from_epoch
    return pc.coalesce(from_epoch, moments.cast(pa.int64()))


def _real_day(text: pa.Array) -> pa.Array:
    """True where YYYY-MM-DD (already shape-checked) names a day that exists."""
    head = pc.if_else(
        pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"), False),
        text,
        pa.scalar("2000-01-01"),
    )
    year = pc.utf8_slice_codeunits(head, 0, 4).cast(pa.int64()).to_numpy(zero_copy_only=False)
    month = pc.utf8_slice_codeunits(head, 5, 7).cast(pa.int64()).to_numpy(zero_copy_only=False)
    day = pc.utf8_slice_codeunits(head, 8, 10).cast(pa.int64()).to_numpy(zero_copy_only=False)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    last = month_days[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    return pa.array((year >= 1) & (day <= last))


def parse_properties(raw: pa.Array, max_bytes: int) -> tuple[list[dict[str, Any] | None], pa.Array]:
    """Parse JSON-object text per row; rows that fail or exceed ``max_bytes`` are not ok."""
    parsed: list[dict[str, Any] | None] = []
    ok: list[bool] = []
    if raw.null_count == len(raw):
        return [None] * len(raw), pa.array(np.ones(len(raw), dtype=bool))
    for text in raw.to_pylist():
        value, good = _parse_object(text, max_bytes)
        parsed.append(value)
        ok.append(good)
    return parsed, pa.array(ok, pa.bool_())


def _parse_object(text: str | None, max_bytes: int) -> tuple[dict[str, Any] | None, bool]:
    if text is None:
        return None, True
    if not text.startswith("{"):
        return None, False
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None, False
    if not isinstance(value, dict):
        return None, False
    try:
        size = len(orjson.dumps(value))
    except orjson.JSONEncodeError:  # nested too deeply: the row path words the error
        return None, False
    if size > max_bytes:
        return None, False
    return value, True


def utc_now() -> datetime:
    return datetime.now(UTC)
