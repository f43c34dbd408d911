"""A closed-loop experiment on the demo store: uxlift assigns, serves, logs and
analyses; the store's ground truth decides what shoppers do.

Set-up (not part of the experiment): a demo store whose history ends the day
the experiment starts is loaded, a recommender is trained on it and served,
and the assistant learns the FAQ. Then, through the real HTTP API:

1. an experiment is created and started: control ``popularity`` (the most
   active items of the week, for everyone) against ``ranker`` (the learned,
   personal recommender), primary metric conversion, guardrails CTR, revenue
   per user and add-to-cart rate (or a Thompson-sampling bandit over the same
   variants with ``kind="bandit"``);
2. for each simulated day, shoppers visit at random times: each asks for
   recommendations (uxlift assigns the variant and logs the exposure), reacts
   to the list by the true funnel (:mod:`uxlift.demo.shopper`) and the
   resulting views, clicks, carts, purchases, ratings and reviews go back to
   the event log; a few ask the assistant a question and rate the answer;
3. at the end of each day the results are read (always-valid intervals, safe to
   peek) and a bandit re-allocates its traffic;
4. at the end, the fixed-horizon analysis of the planned duration.

The true lift comes from the ground truth: at every visit the list of every
variant is computed (the other variants' lists in-process, outside the
experiment, nothing logged), so each exposed user's true conversion probability
under each variant is known; the true lift is the ratio of their means, minus
one. Services run on a simulated clock so that exposures, events and
conversations carry the simulated times.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import numpy as np

from uxlift.demo.assembly import SimulationResult
from uxlift.demo.generator import generate_store_and_simulation
from uxlift.demo.reviews import compose_review
from uxlift.demo.shopper import purchase_chance, react
from uxlift.errors import InvalidInput
from uxlift.recommend.request import Request
from uxlift.services import Services

_DAY = 86_400.0
CONTROL, TREATMENT = "popularity", "ranker"
GUARDRAILS = ("ctr", "revenue_per_user", "add_to_cart_rate")


@dataclass(frozen=True)
class SimulationOptions:
    days: int = 14
    users: int = 1500
    items: int = 1000
    history_days: int = 45
    visit_rate: float = 0.3
    list_size: int = 10
    kind: str = "ab"
    review_share: float = 0.4
    assistant_share: float = 0.02
    seed: int = 0

    def check(self) -> None:
        problems = []
        if not 1 <= self.days <= 60:
            problems.append({"field": "days", "reason": "1 to 60"})
        if not 50 <= self.users <= 20_000:
            problems.append({"field": "users", "reason": "50 to 20000"})
        if not 100 <= self.items <= 20_000:
            problems.append({"field": "items", "reason": "100 to 20000"})
        if not 14 <= self.history_days <= 120:
            problems.append({"field": "history_days", "reason": "14 to 120"})
        if not 0 < self.visit_rate <= 1:
            problems.append({"field": "visit_rate", "reason": "above 0, at most 1"})
        if not 1 <= self.list_size <= 50:
            problems.append({"field": "list_size", "reason": "1 to 50"})
        if self.kind not in ("ab", "bandit"):
            problems.append({"field": "kind", "reason": "ab or bandit"})
        for name in ("review_share", "assistant_share"):
            if not 0 <= getattr(self, name) <= 1:
                problems.append({"field": name, "reason": "0 to 1"})
        if problems:
            raise InvalidInput("invalid simulation options", details=problems)


@dataclass(frozen=True)
class PreparedStore:
    """A loaded demo store: its hidden simulation, its catalog, and where the
    experiment starts (the end of its history)."""

    simulation: Any  # uxlift.demo.generator.Simulation
    items: list[dict]
    start: datetime


class SimClock:
    """The simulated time the services read (seconds since the epoch)."""

    def __init__(self, start: float) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t


def _definition(options: SimulationOptions) -> dict[str, Any]:
    return {
        "name": f"ranker-vs-popularity-{options.kind}-{options.seed}",
        "description": "the learned ranker against the most popular items (simulation)",
        "kind": options.kind,
        "variants": [
            {"name": CONTROL, "config": {"recommend.strategy": "popularity"}},
            {"name": TREATMENT, "config": {"recommend.strategy": "model"}},
        ],
        "primary_metric": "conversion",
        "guardrail_metrics": list(GUARDRAILS),
    }


class _Shoppers:
    """The demo shoppers and what the truth says about them."""

    def __init__(self, simulation: Any, items: list[dict]) -> None:
        self.truth = simulation.truth
        self.result: SimulationResult = simulation.result
        self.user_index = {u: i for i, u in enumerate(self.truth.user_ids)}
        self.item_index = {t: i for i, t in enumerate(self.truth.item_ids)}
        self.prices = {item["item_id"]: float(item["price"]) for item in items}

    def language(self, user: str) -> str:
        return "zh" if self.result.population.chinese[self.user_index[user]] else "en"

    def indices(self, item_ids: list[str]) -> np.ndarray:
        return np.array([self.item_index[i] for i in item_ids], dtype=np.int64)


def run_experiment_simulation(
    services: Services,
    prepared: PreparedStore,
    url: str,
    admin_key: str,
    options: SimulationOptions,
    *,
    echo: Callable[[str], None] = print,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run the experiment on a store loaded by :func:`prepare_store`, with ``services``
    served at ``url``; returns the report (see the module doc)."""
    options.check()
    started = time.monotonic()
    start = prepared.start
    shoppers = _Shoppers(prepared.simulation, prepared.items)
    rng = np.random.default_rng(options.seed + 1)
    clock = SimClock(start.timestamp())
    services.experiments.clock = clock
    services.recommendations.clock = clock
    services.conversations.clock = clock
    headers = {"Authorization": f"Bearer {admin_key}"}
    state = _Run(options, shoppers, rng, clock)
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
        experiment = _ok(http.post("/v1/experiments", json=_definition(options)))
        experiment = _ok(http.post(f"/v1/experiments/{experiment['id']}/start"))
        state.experiment_id = experiment["id"]
        peeks = []
        for day in range(options.days):
            day_start = start.timestamp() + day * _DAY
            for user, moment in _visits(rng, shoppers.truth.user_ids, options, day_start):
                clock.t = moment
                state.visit(http, services, user)
                if progress is not None:
                    progress(1)
            clock.t = day_start + _DAY - 1
            services.exposures.flush()
            if options.kind == "bandit":
                _ok(http.post(f"/v1/experiments/{state.experiment_id}/allocation"))
            peek = _ok(http.get(f"/v1/experiments/{state.experiment_id}/results"))
            peeks.append({"day": day + 1, **_summary(peek, "conversion")})
        clock.t = start.timestamp() + options.days * _DAY
        services.exposures.flush()
        fixed = _ok(
            http.get(f"/v1/experiments/{state.experiment_id}/results", params={"sequential": False})
        )
        always_valid = _ok(
            http.get(f"/v1/experiments/{state.experiment_id}/results", params={"sequential": True})
        )
    echo(f"simulated {options.days} days, {state.visits} visits in "
         f"{time.monotonic() - started:.0f}s")  # fmt: skip
    return state.report(fixed, always_valid, peeks, time.monotonic() - started)


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(f"{response.request.method} {response.request.url.path}: "
                           f"{response.status_code} {response.text[:500]}")  # fmt: skip
    return response.json()


def _visits(
    rng: np.random.Generator, users: list[str], options: SimulationOptions, day_start: float
) -> list[tuple[str, float]]:
    """Who visits on a day, and when (between 08:00 and 22:00), in time order."""
    chosen = np.flatnonzero(rng.random(len(users)) < options.visit_rate)
    moments = day_start + rng.uniform(8 * 3600, 22 * 3600, len(chosen))
    order = np.argsort(moments, kind="stable")
    return [(users[chosen[i]], float(moments[i])) for i in order]


def _summary(result: dict[str, Any], metric: str) -> dict[str, Any]:
    analysis = result.get("analysis") or {}
    for c in analysis.get("comparisons", []):
        if c["metric"] == metric and c["variant"] == TREATMENT:
            return {
                "lift": c["lift"],
                "ci_low": c["ci_low"],
                "ci_high": c["ci_high"],
                "p_value": c["p_value"],
                "adjusted_p_value": c["adjusted_p_value"],
                "significant": c["significant"],
                "insufficient_data": c["insufficient_data"],
                "cuped": c["cuped"],
            }
    return {"significant": False, "insufficient_data": "no comparison"}


class _Run:
    """One simulated experiment's running state."""

    def __init__(
        self,
        options: SimulationOptions,
        shoppers: _Shoppers,
        rng: np.random.Generator,
        clock: SimClock,
    ) -> None:
        self.options = options
        self.shoppers = shoppers
        self.rng = rng
        self.clock = clock
        self.experiment_id = ""
        self.visits = 0
        self.questions = 0
        # per user and variant: sum of log(1 - p_visit), the true chance of no purchase
        self.no_purchase: dict[str, dict[str, float]] = defaultdict(
            lambda: {CONTROL: 0.0, TREATMENT: 0.0}
        )
        self.variant_of: dict[str, str] = {}
        self.buyers: set[str] = set()  # who bought, by the simulator's own draws

    def visit(self, http: httpx.Client, services: Services, user: str) -> None:
        o, s = self.options, self.shoppers
        data = _ok(http.get(f"/v1/users/{quote(user, safe='')}/recommendations",
                            params={"n": o.list_size}))  # fmt: skip
        mine = [e for e in data.get("experiments", []) if e["experiment"] == self.experiment_id]
        if not mine:
            return
        variant = mine[0]["variant"]
        self.variant_of[user] = variant
        self.visits += 1
        shown = [entry["item_id"] for entry in data["items"]]
        uidx = s.user_index[user]
        lists = {variant: shown}
        for other, strategy in ((CONTROL, "popularity"), (TREATMENT, "model")):
            if other != variant:
                counterfactual = services.recommendations.recommend(
                    user, Request(n=o.list_size, strategy=strategy, log_exposure=False),
                    now=self.clock.t, use_experiments=False,
                )  # fmt: skip
                lists[other] = [entry["item_id"] for entry in counterfactual["items"]]
        for name, items in lists.items():
            chance = purchase_chance(s.truth, uidx, s.indices(items))
            self.no_purchase[user][name] += math.log1p(-min(chance, 1 - 1e-12))
        outcome = react(self.rng, s.truth, uidx, s.indices(shown))
        if outcome.bought.any():
            self.buyers.add(user)
        events = self._events(user, shown, outcome)
        if events:
            _ok(http.post("/v1/events", json=events))
        if self.rng.random() < o.assistant_share:
            self._ask(http, user)

    def _events(self, user: str, shown: list[str], outcome: Any) -> list[dict[str, Any]]:
        t = self.clock.t
        key = f"sim{self.options.seed}-{user}-{int(t)}"
        out: list[dict[str, Any]] = []

        def add(kind: str, k: int, moment: float, **fields: Any) -> None:
            out.append({"event_id": f"{key}-{k}-{kind}", "user_id": user, "type": kind,
                        "item_id": shown[k], "timestamp": _iso(moment), **fields})  # fmt: skip

        for k in np.flatnonzero(outcome.viewed):
            add("view", int(k), t + 5 * k + 1)
            if outcome.clicked[k]:
                add("click", int(k), t + 5 * k + 2)
            if outcome.carted[k]:
                add("add_to_cart", int(k), t + 5 * k + 3)
            if outcome.bought[k]:
                add("purchase", int(k), t + 600 + k, value=self.shoppers.prices[shown[k]])
                if self.rng.random() < self.options.review_share:
                    stars = float(outcome.ratings[k])
                    add("rate", int(k), t + 3600 + k, value=stars)
                    words = self.shoppers.result.words[self.shoppers.item_index[shown[k]]]
                    text = compose_review(self.rng, stars, self.shoppers.language(user), words)
                    add("review", int(k), t + 3660 + k, text=text)
        return out

    def _ask(self, http: httpx.Client, user: str) -> None:
        language = self.shoppers.language(user)
        openers = [o for o in self.shoppers.result.openers if o.language == language]
        if not openers:
            return
        opener = openers[int(self.rng.integers(len(openers)))]
        conversation = _ok(http.post("/v1/assist/conversations",
                                     json={"user_id": user, "language": language}))  # fmt: skip
        reply = _ok(http.post(f"/v1/assist/conversations/{conversation['id']}/messages",
                              json={"text": opener.text}))  # fmt: skip
        answered = reply.get("action") == "answer"
        csat = int(self.rng.integers(4, 6)) if answered else int(self.rng.integers(1, 4))
        _ok(http.post(f"/v1/assist/conversations/{conversation['id']}/feedback",
                      json={"csat": csat}))  # fmt: skip
        self.questions += 1

    def true_conversion(self) -> dict[str, float]:
        """Mean true conversion probability of the exposed users under each variant."""
        users = [u for u in self.variant_of]
        return {
            name: float(np.mean([1.0 - math.exp(self.no_purchase[u][name]) for u in users]))
            if users
            else float("nan")
            for name in (CONTROL, TREATMENT)
        }

    def _expected(self, variant: str) -> float | None:
        """The mean true conversion probability of the variant's own users under it:
        what the drawn (and logged) conversion estimates without bias."""
        chances = [
            1.0 - math.exp(self.no_purchase[u][variant])
            for u, v in self.variant_of.items()
            if v == variant
        ]
        return float(np.mean(chances)) if chances else None

    def _drawn(self, variant: str) -> float | None:
        """The share of the variant's users who bought, as the simulator drew it (what
        the log should show)."""
        users = [u for u, v in self.variant_of.items() if v == variant]
        return sum(u in self.buyers for u in users) / len(users) if users else None

    def report(
        self,
        fixed: dict[str, Any],
        always_valid: dict[str, Any],
        peeks: list[dict[str, Any]],
        seconds: float,
    ) -> dict[str, Any]:
        truth = self.true_conversion()
        true_lift = truth[TREATMENT] / truth[CONTROL] - 1.0 if truth[CONTROL] > 0 else None
        main = _summary(fixed, "conversion")
        covered = (
            true_lift is not None
            and main.get("ci_low") is not None
            and main["ci_low"] <= true_lift <= main["ci_high"]
        )
        measured = {v["name"]: v for v in fixed["variants"]}
        analysis = fixed.get("analysis") or {}
        return {
            "experiment": self.experiment_id,
            "kind": self.options.kind,
            "days": self.options.days,
            "visits": self.visits,
            "exposed_users": len(self.variant_of),
            "assistant_questions": self.questions,
            "metric": "conversion",
            "variant": TREATMENT,
            "control": CONTROL,
            "lift": main.get("lift"),
            "ci_low": main.get("ci_low"),
            "ci_high": main.get("ci_high"),
            "p_value": main.get("p_value"),
            "significant": bool(main.get("significant")),
            "cuped": main.get("cuped"),
            "true_lift": true_lift,
            "true_lift_in_ci": covered,
            "variants": {
                name: {
                    "users": measured.get(name, {}).get("users", 0),
                    "conversion": measured.get(name, {}).get("metrics", {}).get("conversion"),
                    "true_conversion": truth[name],
                    "drawn_conversion": self._drawn(name),
                    "expected_conversion": self._expected(name),
                }
                for name in (CONTROL, TREATMENT)
            },
            "sequential": _summary(always_valid, "conversion"),
            "guardrails": {m: _summary(fixed, m) for m in GUARDRAILS},
            "srm": analysis.get("srm"),
            "peeks": peeks,
            "allocations": fixed.get("allocations", []),
            "options": self.options.__dict__,
            "seconds": round(seconds, 1),
        }


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


def prepare_store(
    services: Services, options: SimulationOptions, *, echo: Callable[[str], None] = print
) -> PreparedStore:
    """Load a demo store whose history ends where the experiment starts (yesterday
    minus the experiment's days, so every simulated time is in the past), train and
    serve a recommender, and teach the assistant the FAQ."""
    from uxlift.demo.runner import load_directly, train_demo_assistant, train_demo_recommender

    options.check()
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=options.days + 1)
    store, simulation = generate_store_and_simulation(
        seed=options.seed,
        n_items=options.items,
        n_users=options.users,
        days=options.history_days,
        start=start - timedelta(days=options.history_days),
    )
    echo(f"demo store: {len(store.items)} items, {len(store.users)} users, "
         f"{len(store.events)} events before {start.date()}")  # fmt: skip
    load_directly(services, store)
    train_demo_recommender(services, echo)
    if options.assistant_share > 0:
        train_demo_assistant(services, store, echo)
    return PreparedStore(simulation, store.items, start)
