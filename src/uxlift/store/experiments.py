"""Experiment rows, and the per-unit UX metric columns computed from the event log.

The metric columns (see :mod:`uxlift.experiments.metrics`) are computed per unit
(a user, or a user on one day) by one SQL query over the events, the
conversations and the classified reviews; what leaves the database is only
their sums per group (variant, or day and segment): sums, sums of squares and
the sums of products the delta method and CUPED need.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import orjson

from uxlift.experiments.definition import Audience, Experiment, Variant
from uxlift.experiments.metrics import METRICS, UNIT_COLUMNS

_COLUMNS = (
    "experiment_id, name, description, kind, status, salt, variants, primary_metric, "
    "guardrail_metrics, audience, min_exploration, created_at, started_at, stopped_at"
)
ASSISTANT_SURFACE = "assistant"


# -- experiments -----------------------------------------------------------------
def insert_experiment(cur: duckdb.DuckDBPyConnection, e: Experiment) -> None:
    cur.execute(
        f"INSERT INTO experiments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            e.experiment_id, e.name, e.description, e.kind, e.status, e.salt,
            orjson.dumps([v.to_dict() for v in e.variants]).decode(), e.primary_metric,
            list(e.guardrail_metrics), orjson.dumps(e.audience.to_dict()).decode(),
            e.min_exploration, e.created_at, e.started_at, e.stopped_at,
        ],
    )  # fmt: skip


def _experiment(row: tuple) -> Experiment:
    audience = orjson.loads(row[9])
    return Experiment(
        experiment_id=row[0],
        name=row[1],
        description=row[2],
        kind=row[3],
        status=row[4],
        salt=row[5],
        variants=tuple(
            Variant(v["name"], float(v["weight"]), v.get("config", {}))
            for v in orjson.loads(row[6])
        ),
        primary_metric=row[7],
        guardrail_metrics=tuple(row[8]),
        audience=Audience(
            float(audience.get("traffic", 1.0)),
            {k: tuple(v) for k, v in audience.get("attributes", {}).items()},
        ),
        min_exploration=float(row[10]),
        created_at=row[11],
        started_at=row[12],
        stopped_at=row[13],
    )


def get_experiment(cur: duckdb.DuckDBPyConnection, experiment_id: str) -> Experiment | None:
    row = cur.execute(
        f"SELECT {_COLUMNS} FROM experiments WHERE experiment_id = ?", [experiment_id]
    ).fetchone()
    return None if row is None else _experiment(row)


def experiment_named(cur: duckdb.DuckDBPyConnection, name: str) -> Experiment | None:
    row = cur.execute(f"SELECT {_COLUMNS} FROM experiments WHERE name = ?", [name]).fetchone()
    return None if row is None else _experiment(row)


def list_experiments(cur: duckdb.DuckDBPyConnection, status: str | None = None) -> list[Experiment]:
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    rows = cur.execute(
        f"SELECT {_COLUMNS} FROM experiments {where} ORDER BY created_at DESC, name", params
    ).fetchall()
    return [_experiment(r) for r in rows]


def set_status(
    cur: duckdb.DuckDBPyConnection, experiment_id: str, status: str, at: datetime
) -> None:
    column = {"running": "started_at", "stopped": "stopped_at"}[status]
    cur.execute(
        f"UPDATE experiments SET status = ?, {column} = ? WHERE experiment_id = ?",
        [status, at, experiment_id],
    )


def delete_experiment(cur: duckdb.DuckDBPyConnection, experiment_id: str) -> None:
    cur.execute("DELETE FROM experiment_allocations WHERE experiment_id = ?", [experiment_id])
    cur.execute("DELETE FROM experiments WHERE experiment_id = ?", [experiment_id])


# -- bandit allocations ---------------------------------------------------------------
def insert_allocation(
    cur: duckdb.DuckDBPyConnection, experiment_id: str, at: datetime, weights: dict[str, float]
) -> None:
    cur.execute(
        "INSERT OR REPLACE INTO experiment_allocations VALUES (?, ?, ?)",
        [experiment_id, at, orjson.dumps(weights).decode()],
    )


def allocations(
    cur: duckdb.DuckDBPyConnection, experiment_id: str
) -> list[tuple[datetime, dict[str, float]]]:
    rows = cur.execute(
        "SELECT updated_at, weights FROM experiment_allocations WHERE experiment_id = ? "
        "ORDER BY updated_at",
        [experiment_id],
    ).fetchall()
    return [(r[0], orjson.loads(r[1])) for r in rows]


# -- exposures ----------------------------------------------------------------------
_ASSIGNED = """
    SELECT user_key,
           min(json_extract_string(properties, '$.variant')) AS variant,
           count(DISTINCT json_extract_string(properties, '$.variant')) AS variants,
           min(ts) AS since
    FROM events
    WHERE type = 'exposure' AND item_id IS NULL
      AND json_extract_string(properties, '$.experiment') = ? AND ts < ?
    GROUP BY user_key
"""


def assigned_variants(cur: duckdb.DuckDBPyConnection, experiment_id: str) -> dict[str, str]:
    """Every exposed user's variant in the experiment (the first they were given)."""
    rows = cur.execute(
        """SELECT user_key, arg_min(json_extract_string(properties, '$.variant'), ts)
           FROM events
           WHERE type = 'exposure' AND item_id IS NULL
             AND json_extract_string(properties, '$.experiment') = ?
           GROUP BY user_key""",
        [experiment_id],
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def exposure_counts(
    cur: duckdb.DuckDBPyConnection, experiment_id: str, until: datetime
) -> dict[str, int]:
    """Exposed users per variant (users seen in more than one variant are left out
    of the analysis and counted under ``""``)."""
    rows = cur.execute(
        f"""SELECT CASE WHEN variants = 1 THEN variant ELSE '' END, count(*)
            FROM ({_ASSIGNED}) GROUP BY 1""",
        [experiment_id, until],
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def daily_exposures(
    cur: duckdb.DuckDBPyConnection, experiment_id: str, until: datetime
) -> list[tuple[datetime, str, int]]:
    """New users per day and variant, by their first exposure."""
    rows = cur.execute(
        f"""SELECT date_trunc('day', since), variant, count(*) FROM ({_ASSIGNED})
            WHERE variants = 1 GROUP BY 1, 2 ORDER BY 1, 2""",
        [experiment_id, until],
    ).fetchall()
    return [(r[0], str(r[1]), int(r[2])) for r in rows]


# -- per-unit metric columns ----------------------------------------------------------
def _unit_activity(units: str, window: str) -> str:
    """SQL for the metric columns of each unit in ``units`` (a query with ``unit``,
    ``user_key``, ``group_key``, ``start_ts``, ``end_ts``), over events in ``window``
    (an SQL condition on ``e.ts``, ``u.start_ts`` and ``u.end_ts``)."""
    return f"""
    WITH units AS ({units}),
    activity AS (
        SELECT u.unit, u.group_key,
               count(*) FILTER (WHERE e.type = 'exposure' AND e.item_id IS NOT NULL)
                   AS exposures,
               count(*) FILTER (WHERE e.type = 'click') AS clicks,
               max(CASE WHEN e.type = 'purchase' THEN 1 ELSE 0 END) AS purchased,
               coalesce(sum(e.value) FILTER (WHERE e.type = 'purchase'), 0) AS revenue,
               max(CASE WHEN e.type = 'add_to_cart' THEN 1 ELSE 0 END) AS carted,
               coalesce(sum(e.value) FILTER (WHERE e.type = 'feedback' AND e.value IS NOT NULL
                   AND json_extract_string(e.properties, '$.surface') = '{ASSISTANT_SURFACE}'),
                   0) AS csat_sum,
               count(e.value) FILTER (WHERE e.type = 'feedback'
                   AND json_extract_string(e.properties, '$.surface') = '{ASSISTANT_SURFACE}')
                   AS csat_n
        FROM units u LEFT JOIN events e ON e.user_key = u.user_key AND {window}
        GROUP BY u.unit, u.group_key
    ),
    talks AS (
        SELECT u.unit, count(*) AS conversations,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM handoff_tickets t
                                 WHERE t.conversation_id = c.conversation_id)) AS handoffs
        FROM units u JOIN conversations c ON c.user_key = u.user_key
             AND {window.replace("e.ts", "c.created_at")}
        GROUP BY u.unit
    ),
    said AS (
        SELECT u.unit, count(*) AS reviews,
               count(*) FILTER (WHERE o.sentiment = 'negative') AS negative_reviews
        FROM units u JOIN opinion_texts o ON o.user_key = u.user_key AND o.source = 'reviews'
             AND {window.replace("e.ts", "o.ts")}
        GROUP BY u.unit
    )
    SELECT a.unit, a.group_key, a.exposures, a.clicks, a.purchased, a.revenue, a.carted,
           coalesce(t.conversations, 0) AS conversations,
           coalesce(t.conversations - t.handoffs, 0) AS contained,
           coalesce(t.handoffs, 0) AS handoffs,
           a.csat_sum, a.csat_n,
           coalesce(s.reviews, 0) AS reviews,
           coalesce(s.negative_reviews, 0) AS negative_reviews
    FROM activity a LEFT JOIN talks t USING (unit) LEFT JOIN said s USING (unit)
    """


def _sums_select(prefix: str = "") -> list[str]:
    """Sum and sum of squares of every column, and the sum of products of each ratio
    metric's numerator and denominator."""
    parts = []
    for c in UNIT_COLUMNS:
        parts.append(f"sum({prefix}{c})::DOUBLE AS s_{c}")
        parts.append(f"sum({prefix}{c} * {prefix}{c})::DOUBLE AS q_{c}")
    for m in METRICS.values():
        if m.kind == "ratio":
            parts.append(
                f"sum({prefix}{m.numerator} * {prefix}{m.denominator})::DOUBLE "
                f"AS p_{m.numerator}__{m.denominator}"
            )
    return parts


def _group_sums(rows: list[tuple], names: list[str], keys: int) -> dict[tuple, dict[str, float]]:
    out: dict[tuple, dict[str, float]] = {}
    for row in rows:
        out[tuple(row[:keys])] = {
            name: float(value or 0.0) for name, value in zip(names, row[keys:], strict=True)
        }
    return out


def experiment_sums(
    cur: duckdb.DuckDBPyConnection,
    experiment_id: str,
    *,
    until: datetime,
    pre_start: datetime | None = None,
    pre_end: datetime | None = None,
) -> dict[str, dict[str, float]]:
    """Per variant: ``n`` (users) and the sums of every metric column over each
    user's events from their first exposure until ``until``. With a pre-period,
    also ``pre_s_<column>``, ``pre_q_<column>`` and ``x_<column>`` (sum of the
    product of a user's in-experiment and pre-period values), for CUPED."""
    units = f"""SELECT user_key AS unit, user_key, variant AS group_key, since AS start_ts,
                       ?::TIMESTAMP AS end_ts
                FROM ({_ASSIGNED}) WHERE variants = 1"""
    post = _unit_activity(units, "e.ts >= u.start_ts AND e.ts < u.end_ts")
    select = ["post.group_key", "count(*) AS n", *_sums_select("post.")]
    params: list[Any] = [until, experiment_id, until]  # in the order they appear
    if pre_start is not None and pre_end is not None:
        pre_units = f"""SELECT user_key AS unit, user_key, variant AS group_key,
                               ?::TIMESTAMP AS start_ts, ?::TIMESTAMP AS end_ts
                        FROM ({_ASSIGNED}) WHERE variants = 1"""
        pre = _unit_activity(pre_units, "e.ts >= u.start_ts AND e.ts < u.end_ts")
        for c in UNIT_COLUMNS:
            select += [
                f"sum(pre.{c})::DOUBLE AS pre_s_{c}",
                f"sum(pre.{c} * pre.{c})::DOUBLE AS pre_q_{c}",
                f"sum(post.{c} * pre.{c})::DOUBLE AS x_{c}",
            ]
        query = f"""SELECT {", ".join(select)} FROM ({post}) post
                    JOIN ({pre}) pre USING (unit) GROUP BY post.group_key"""
        params += [pre_start, pre_end, experiment_id, until]
    else:
        query = f"SELECT {', '.join(select)} FROM ({post}) post GROUP BY post.group_key"
    result = cur.execute(query, params)
    names = [d[0] for d in result.description][1:]
    return {key[0]: sums for key, sums in _group_sums(result.fetchall(), names, 1).items()}


def daily_sums(
    cur: duckdb.DuckDBPyConnection,
    *,
    start: datetime,
    end: datetime,
    segment: str | None = None,
) -> dict[tuple[datetime, str], dict[str, float]]:
    """Per day (and segment): ``n`` (active users) and the sums of every metric
    column; a unit is a user on a day they did anything. ``segment`` groups by an
    event property (the first value the user sent that day), ``*`` otherwise."""
    group = (
        "coalesce(min(json_extract_string(properties, '$.' || ?)), '(none)')" if segment else "'*'"
    )
    units = f"""SELECT user_key || '|' || strftime(day, '%Y-%m-%d') AS unit, user_key,
                       strftime(day, '%Y-%m-%d') || '|' || segment AS group_key,
                       day AS start_ts, day + INTERVAL 1 DAY AS end_ts
                FROM (SELECT user_key, date_trunc('day', ts) AS day, {group} AS segment
                      FROM events WHERE ts >= ? AND ts < ? GROUP BY 1, 2)"""
    query = _unit_activity(units, "e.ts >= u.start_ts AND e.ts < u.end_ts")
    select = ["group_key", "count(*) AS n", *_sums_select()]
    params: list[Any] = [*([segment] if segment else []), start, end]
    result = cur.execute(
        f"SELECT {', '.join(select)} FROM ({query}) GROUP BY group_key ORDER BY group_key",
        params,
    )
    names = [d[0] for d in result.description][1:]
    out: dict[tuple[datetime, str], dict[str, float]] = {}
    for key, sums in _group_sums(result.fetchall(), names, 1).items():
        day, seg = str(key[0]).split("|", 1)
        out[(datetime.strptime(day, "%Y-%m-%d"), seg)] = sums
    return out
