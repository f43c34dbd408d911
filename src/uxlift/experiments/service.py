"""Experiments over uxlift's own capabilities: define, assign, expose, analyse.

Glue between the pure core (assignment, statistics, bandits) and the store.
Running experiments are kept in memory, so assigning a user on a request path
costs a hash and no query (a bandit also remembers who got what, since its
split moves). The first time a user is given a variant, an ``exposure`` event
goes to the log through the exposure writer; the analysis counts each user
from that moment.

Results are read from the log by :mod:`uxlift.experiments.readout`.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from uxlift.errors import Conflict, InvalidInput, NotFound
from uxlift.experiments import readout
from uxlift.experiments.analysis import AnalysisSettings
from uxlift.experiments.assignment import assign, buckets, variant_index
from uxlift.experiments.bandit import BinaryReward, MeanReward, thompson_allocation
from uxlift.experiments.definition import Experiment, parse_definition
from uxlift.experiments.metrics import METRICS, Metric, metric
from uxlift.experiments.readout import stats_for
from uxlift.experiments.statistics import ProportionStats
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.recommend.exposure import Assignment, ExposureLog
from uxlift.store import Store
from uxlift.store import experiments as rows

log = logging.getLogger(__name__)
_MAX_REMEMBERED = 200_000
_BANDIT_DRAWS = 20_000


class ExperimentService:
    def __init__(
        self,
        store: Store,
        pseudonymizer: Pseudonymizer,
        exposures: ExposureLog | None,
        *,
        settings: AnalysisSettings | None = None,
        recommender_versions: Callable[[], set[str]] | None = None,
    ) -> None:
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.exposures = exposures
        self.settings = settings or AnalysisSettings()
        self.recommender_versions = recommender_versions
        self.clock: Callable[[], float] = time.time  # a simulation may run its own clock
        self._lock = threading.Lock()
        self._running: tuple[Experiment, ...] | None = None
        self._weights: dict[str, tuple[float, ...]] = {}  # bandits: the current split
        self._given: OrderedDict[tuple[str, str], str] = OrderedDict()  # (experiment, user)
        # A bandit's split moves, so who got what is kept, all of it (loaded from the log).
        self._bandit_users: dict[str, dict[str, str]] = {}

    # -- definitions --------------------------------------------------------------------
    def create(self, raw: Any) -> Experiment:
        fields = parse_definition(raw)
        self._check_versions(fields["variants"])
        experiment = Experiment(
            experiment_id="exp_" + secrets.token_hex(6),
            salt=secrets.token_hex(16),
            created_at=self._now(),
            **fields,
        )
        with self.store.transaction() as cur:
            if rows.experiment_named(cur, experiment.name) is not None:
                raise Conflict(
                    f"an experiment named {experiment.name!r} exists",
                    details=[{"field": "name", "reason": "already used"}],
                )
            rows.insert_experiment(cur, experiment)
        return experiment

    def _check_versions(self, variants: tuple) -> None:
        """A variant may only name a recommender version the registry has."""
        if self.recommender_versions is None:
            return
        known = self.recommender_versions()
        problems = [
            {"field": f"variants[{i}].config.recommend.model_version",
             "reason": f"no recommender version {v.config['recommend.model_version']!r}"}
            for i, v in enumerate(variants)
            if "recommend.model_version" in v.config
            and v.config["recommend.model_version"] not in known
        ]  # fmt: skip
        if problems:
            raise InvalidInput("invalid experiment", details=problems)

    def get(self, experiment_id: str) -> Experiment:
        found = rows.get_experiment(self.store.cursor(), experiment_id)
        if found is None:
            found = rows.experiment_named(self.store.cursor(), experiment_id)
        if found is None:
            raise NotFound(f"no experiment {experiment_id!r}")
        return found

    def list(self, status: str | None = None) -> list[Experiment]:
        if status is not None and status not in ("draft", "running", "stopped"):
            raise InvalidInput(
                "unknown status", details=[{"field": "status", "reason": "draft|running|stopped"}]
            )
        return rows.list_experiments(self.store.cursor(), status)

    def start(self, experiment_id: str) -> Experiment:
        experiment = self.get(experiment_id)
        if experiment.status != "draft":
            raise Conflict(f"experiment {experiment.name!r} is {experiment.status}, not a draft")
        at = self._now()
        with self.store.transaction() as cur:
            rows.set_status(cur, experiment.experiment_id, "running", at)
            if experiment.kind == "bandit":
                rows.insert_allocation(cur, experiment.experiment_id, at, _normalized(experiment))
        self._changed()
        return self.get(experiment.experiment_id)

    def stop(self, experiment_id: str) -> Experiment:
        experiment = self.get(experiment_id)
        if experiment.status != "running":
            raise Conflict(f"experiment {experiment.name!r} is {experiment.status}, not running")
        with self.store.transaction() as cur:
            rows.set_status(cur, experiment.experiment_id, "stopped", self._now())
        self._changed()
        return self.get(experiment.experiment_id)

    def delete(self, experiment_id: str) -> None:
        experiment = self.get(experiment_id)
        if experiment.status == "running":
            raise Conflict(f"experiment {experiment.name!r} is running: stop it first")
        with self.store.transaction() as cur:
            rows.delete_experiment(cur, experiment.experiment_id)
        self._changed()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC).replace(tzinfo=None)

    def _changed(self) -> None:
        with self._lock:
            self._running = None

    def running(self) -> tuple[Experiment, ...]:
        current = self._running
        if current is None:
            with self._lock:
                current = tuple(rows.list_experiments(self.store.cursor(), "running"))
                cur = self.store.cursor()
                bandits = [e for e in current if e.kind == "bandit"]
                self._weights = {
                    e.experiment_id: _current_weights(e, rows.allocations(cur, e.experiment_id))
                    for e in bandits
                }
                self._bandit_users = {
                    e.experiment_id: rows.assigned_variants(cur, e.experiment_id) for e in bandits
                }
                self._running = current
        return current

    # -- assignment ------------------------------------------------------------------------
    def assign(
        self,
        experiment_id: str,
        user_id: str,
        *,
        attributes: dict[str, Any] | None = None,
        log_exposure: bool = True,
    ) -> dict[str, Any]:
        """The user's variant and its configuration (``variant`` None when the user is
        outside the audience or the experiment is not running)."""
        experiment = next(
            (e for e in self.running() if experiment_id in (e.experiment_id, e.name)), None
        )
        if experiment is None:
            found = self.get(experiment_id)
            return _assignment_dict(found, None, f"experiment is {found.status}")
        user_key = self.pseudonymizer.user_key(user_id)
        name = self._variant_for(experiment, user_key, attributes, log_exposure)
        return _assignment_dict(experiment, name, None if name else "not in the audience")

    def configure(
        self,
        user_id: str,
        prefix: str,
        attributes: dict[str, Any] | None = None,
        *,
        at: float | None = None,
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """What the running experiments change for this user on one surface (config
        keys starting with ``prefix``), and which (experiment, variant) that is. Each
        experiment that touches the surface logs the user's exposure, at ``at`` (the
        moment what the user gets is shown; now by default)."""
        if not self.running():
            return {}, []
        return self.configure_key(self.pseudonymizer.user_key(user_id), prefix, attributes, at=at)

    def configure_key(
        self,
        user_key: str,
        prefix: str,
        attributes: dict[str, Any] | None = None,
        *,
        at: float | None = None,
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """:meth:`configure` for a user already known by their key."""
        running = self.running()
        config: dict[str, Any] = {}
        taking_part: list[dict[str, str]] = []
        for experiment in running:
            if not any(k.startswith(prefix) for v in experiment.variants for k in v.config):
                continue
            name = self._variant_for(experiment, user_key, attributes, True, at)
            if name is None:
                continue
            taking_part.append({"experiment": experiment.experiment_id, "variant": name})
            for key, value in experiment.variant(name).config.items():
                if key.startswith(prefix):
                    config.setdefault(key[len(prefix) :], value)
        return config, taking_part

    def _variant_for(
        self,
        experiment: Experiment,
        user_key: str,
        attributes: dict[str, Any] | None,
        log_exposure: bool,
        at: float | None = None,
    ) -> str | None:
        if not experiment.audience.admits(attributes):
            return None
        remembered = (experiment.experiment_id, user_key)
        bandit = self._bandit_users.get(experiment.experiment_id)
        name = self._given.get(remembered) if bandit is None else bandit.get(user_key)
        if name is not None:
            return name
        if bandit is not None:
            name = self._bandit_variant(experiment, user_key)
        else:
            weights = [v.weight for v in experiment.variants]
            index = assign(user_key, experiment.salt, weights, experiment.audience.traffic)
            name = None if index is None else experiment.variants[index].name
        if name is None or not log_exposure:
            return name  # not exposed: nothing to remember
        if self.exposures is not None:
            self.exposures.assigned(
                Assignment(user_key, experiment.experiment_id, name, at or self.clock())
            )
        with self._lock:
            if bandit is not None:
                bandit[user_key] = name
            else:  # the hash gives the same variant again: memory only saves re-logging
                self._given[remembered] = name
                while len(self._given) > _MAX_REMEMBERED:
                    self._given.popitem(last=False)
        return name

    def _bandit_variant(self, experiment: Experiment, user_key: str) -> str | None:
        """A new user of a bandit, split by the current allocation (users keep the
        variant they were first given)."""
        in_traffic, draw = buckets(user_key, experiment.salt)
        if in_traffic >= experiment.audience.traffic:
            return None
        weights = self._weights.get(experiment.experiment_id) or tuple(
            v.weight for v in experiment.variants
        )
        return experiment.variants[variant_index(draw, weights)].name

    def forget_user(self, user_key: str) -> None:
        """Drop what memory holds about an erased user (their log rows are gone already)."""
        with self._lock:
            for remembered in [k for k in self._given if k[1] == user_key]:
                del self._given[remembered]
            for users in self._bandit_users.values():
                users.pop(user_key, None)

    # -- bandits ---------------------------------------------------------------------------
    def update_bandits(self, *, random_state: int | None = None) -> dict[str, dict[str, float]]:
        """Recompute every running bandit's split from the log (Thompson sampling on
        the primary metric, at least ``min_exploration`` each); returns the splits."""
        out = {}
        for experiment in self.running():
            if experiment.kind == "bandit":
                out[experiment.experiment_id] = self.update_bandit(
                    experiment.experiment_id, random_state=random_state
                )
        return out

    def update_bandit(
        self, experiment_id: str, *, random_state: int | None = None
    ) -> dict[str, float]:
        experiment = self.get(experiment_id)
        if experiment.kind != "bandit" or experiment.status != "running":
            raise Conflict(f"experiment {experiment.name!r} is not a running bandit")
        sums = rows.experiment_sums(
            self.store.cursor(), experiment.experiment_id, until=self._now()
        )
        m = METRICS[experiment.primary_metric]
        shares = thompson_allocation(
            {v.name: _reward(m, sums.get(v.name)) for v in experiment.variants},
            min_share=experiment.min_exploration,
            inverse=m.inverse,
            draws=_BANDIT_DRAWS,
            random_state=random_state,
        )
        weights = {v.name: float(shares[v.name]) for v in experiment.variants}
        with self.store.transaction() as cur:
            rows.insert_allocation(cur, experiment.experiment_id, self._now(), weights)
        self._changed()
        return weights

    # -- results ---------------------------------------------------------------------------
    def results(
        self,
        experiment_id: str,
        *,
        sequential: bool | None = None,
        cuped: bool = True,
        until: datetime | None = None,
    ) -> dict[str, Any]:
        """Every metric of every variant against control, with intervals, the SRM
        check, and (bandits) the split over time."""
        experiment = self.get(experiment_id)
        settings = self.settings
        if sequential is not None:
            settings = replace(settings, sequential=sequential)
        end = _end_of(experiment, until or self._now())
        return readout.results(self.store.cursor(), experiment, settings, end=end, cuped=cuped)

    def timeline(self, experiment_id: str, metric_name: str | None = None) -> dict[str, Any]:
        """The primary (or named) metric's lift and interval at the end of each day so
        far: how the estimate settled."""
        experiment = self.get(experiment_id)
        m = metric(metric_name or experiment.primary_metric)
        end = _end_of(experiment, self._now())
        return readout.timeline(self.store.cursor(), experiment, m, self.settings, end=end)

    # -- UX metrics --------------------------------------------------------------------------
    def daily_metrics(
        self, *, days: int = 30, segment: str | None = None, end: datetime | None = None
    ) -> dict[str, Any]:
        """Every UX metric per day over the last ``days`` days of the log (up to the
        latest event, or ``end``), optionally per segment (an event property)."""
        return readout.daily_metrics(
            self.store.cursor(), days=days, segment=segment, end=end, now=self._now()
        )


# -- helpers -----------------------------------------------------------------------------
def _normalized(experiment: Experiment) -> dict[str, float]:
    total = sum(v.weight for v in experiment.variants)
    return {v.name: v.weight / total for v in experiment.variants}


def _current_weights(
    experiment: Experiment, history: list[tuple[datetime, dict[str, float]]]
) -> tuple[float, ...]:
    latest = history[-1][1] if history else _normalized(experiment)
    return tuple(max(float(latest.get(v.name, 0.0)), 0.0) for v in experiment.variants)


def _end_of(experiment: Experiment, end: datetime) -> datetime:
    if experiment.stopped_at is not None:
        end = min(end, experiment.stopped_at)
    return end


def _assignment_dict(
    experiment: Experiment, variant: str | None, reason: str | None
) -> dict[str, Any]:
    return {
        "experiment": experiment.experiment_id,
        "name": experiment.name,
        "variant": variant,
        "config": experiment.variant(variant).config if variant else {},
        "reason": reason,
    }


def _reward(m: Metric, group: dict[str, float] | None) -> BinaryReward | MeanReward:
    """What the bandit learns from: the primary metric of one variant's users, as a
    success count (proportions) or a mean with its per-user variance (means, and
    ratios by the delta method)."""
    stats = stats_for(m, group or {"n": 0})
    if isinstance(stats, ProportionStats):
        return BinaryReward(successes=stats.successes, trials=stats.n)
    mean, variance = float(stats.mean), float(stats.variance)
    if stats.n < 2 or not math.isfinite(mean) or not math.isfinite(variance):
        return MeanReward(n=min(stats.n, 1), mean=0.0, variance=0.0)  # not explored yet
    return MeanReward(n=stats.n, mean=mean, variance=max(variance, 0.0))
