"""Generate the seeded demo store: catalog, shoppers, events, FAQ and ground truth.

``generate_store(seed=...)`` is deterministic: the same seed and parameters give
byte-identical output. Each stage draws from its own child generator, so
changing one stage does not reshuffle the others.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from uxlift.demo.assembly import SimulationResult, assemble_events
from uxlift.demo.catalog import ItemLatents, build_catalog
from uxlift.demo.faq import ChatOpener, FaqEntry, build_chat_openers, build_faq
from uxlift.demo.funnel import simulate_feedback, simulate_funnel
from uxlift.demo.population import Population, draw_population
from uxlift.demo.preferences import ItemTraits, PreferenceModel
from uxlift.demo.reviews import item_words
from uxlift.demo.sessions import plan_sessions
from uxlift.errors import InvalidInput

logger = logging.getLogger(__name__)

DEFAULT_START = datetime(2026, 9, 1, tzinfo=UTC)
_DAY = 86_400.0
_FILES = ("items", "events", "faq", "chat_openers")


@dataclass
class DemoStore:
    """A generated store: what a real product would log, plus its hidden truth."""

    items: list[dict]
    events: list[dict]
    faq: list[FaqEntry]
    chat_openers: list[ChatOpener]
    truth: PreferenceModel
    planted_pii: list[tuple[str, str]]
    users: list[str]

    def write(self, directory: Path) -> dict[str, Path]:
        """Write JSON-lines files plus ``truth.json``; return their paths by name."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        rows = {
            "items": self.items,
            "events": self.events,
            "faq": [entry.to_dict() for entry in self.faq],
            "chat_openers": [opener.to_dict() for opener in self.chat_openers],
        }
        paths: dict[str, Path] = {}
        for name in _FILES:
            paths[name] = directory / f"{name}.jsonl"
            _write_jsonl(paths[name], rows[name])
        paths["truth"] = directory / "truth.json"
        paths["truth"].write_text(json.dumps(self.truth.to_dict()), encoding="utf-8")
        logger.info("wrote demo store (%d events) to %s", len(self.events), directory)
        return paths


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False))
            handle.write("\n")


def load_truth(path: Path) -> PreferenceModel:
    """Reload the ground truth written by :meth:`DemoStore.write`."""
    return PreferenceModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Simulation:
    """The hidden side of a generated store: latents, truth and every simulated draw."""

    items: list[dict]
    item_latents: ItemLatents
    truth: PreferenceModel
    result: SimulationResult


def generate_store(
    *,
    seed: int = 0,
    n_items: int = 2000,
    n_users: int = 1000,
    days: int = 60,
    start: datetime = DEFAULT_START,
    chinese_share: float = 0.15,
) -> DemoStore:
    """Simulate ``days`` days of a store with ``n_items`` items and ``n_users`` shoppers."""
    return generate_store_and_simulation(
        seed=seed, n_items=n_items, n_users=n_users, days=days, start=start,
        chinese_share=chinese_share,
    )[0]  # fmt: skip


def store_from(simulation: Simulation, assembly_rng: np.random.Generator) -> DemoStore:
    """The store a simulation produced: its events, catalog, FAQ and truth."""
    events, planted = assemble_events(assembly_rng, simulation.result)
    logger.info("generated %d items, %d users, %d events", len(simulation.items),
                len(simulation.result.population.user_ids), len(events))  # fmt: skip
    return DemoStore(
        items=simulation.items,
        events=events,
        faq=build_faq(),
        chat_openers=simulation.result.openers,
        truth=simulation.truth,
        planted_pii=planted,
        users=list(simulation.result.population.user_ids),
    )


def simulate_store(
    *,
    seed: int = 0,
    n_items: int = 2000,
    n_users: int = 1000,
    days: int = 60,
    start: datetime = DEFAULT_START,
    chinese_share: float = 0.15,
) -> Simulation:
    """The simulation behind ``generate_store`` with the same arguments (for analysis)."""
    return _seeded_simulation(seed, n_items, n_users, days, start, chinese_share)[0]


def generate_store_and_simulation(
    *,
    seed: int = 0,
    n_items: int = 2000,
    n_users: int = 1000,
    days: int = 60,
    start: datetime = DEFAULT_START,
    chinese_share: float = 0.15,
) -> tuple[DemoStore, Simulation]:
    """``generate_store`` and the simulation behind it, drawn once."""
    simulation, assembly_rng = _seeded_simulation(
        seed, n_items, n_users, days, start, chinese_share
    )
    return store_from(simulation, assembly_rng), simulation


def _seeded_simulation(
    seed: int, n_items: int, n_users: int, days: int, start: datetime, chinese_share: float
) -> tuple[Simulation, np.random.Generator]:
    _validate(n_items, n_users, days, start, chinese_share)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    t0 = start.timestamp()
    items, item_latents = build_catalog(rngs[0], n_items, t0, days)
    population = draw_population(rngs[1], n_users, days, chinese_share)
    item_ids = [item["item_id"] for item in items]
    truth = PreferenceModel(
        population.user_ids, item_ids, population.latents, ItemTraits.from_latents(item_latents)
    )
    openers = build_chat_openers()
    result = _simulate(rngs, items, item_latents, population, truth, openers, t0, days)
    return Simulation(items, item_latents, truth, result), rngs[4]


def _simulate(
    rngs: list[np.random.Generator],
    items: list[dict],
    item_latents: ItemLatents,
    population: Population,
    truth: PreferenceModel,
    openers: list[ChatOpener],
    t0: float,
    days: int,
) -> SimulationResult:
    """Sessions, funnel and feedback: everything the event assembler needs."""
    plan = plan_sessions(rngs[2], population, item_latents, t0, days)
    outcome = simulate_funnel(rngs[3], plan, truth)
    return SimulationResult(
        plan=plan,
        outcome=outcome,
        feedback=simulate_feedback(rngs[3], plan, outcome, truth, t0 + days * _DAY),
        population=population,
        words=item_words(items, item_latents),
        prices=np.array([item["price"] for item in items]),
        item_ids=[item["item_id"] for item in items],
        openers=openers,
    )


def _validate(n_items: int, n_users: int, days: int, start: datetime, share: float) -> None:
    problems = []
    if n_items < 50:
        problems.append({"field": "n_items", "message": "need at least 50 items"})
    if n_users < 1:
        problems.append({"field": "n_users", "message": "need at least one user"})
    if days < 1:
        problems.append({"field": "days", "message": "need at least one day"})
    if start.tzinfo is None:
        problems.append({"field": "start", "message": "start must be timezone-aware"})
    if not 0.0 <= share <= 1.0:
        problems.append({"field": "chinese_share", "message": "must be within [0, 1]"})
    if problems:
        raise InvalidInput("invalid demo store parameters", details=problems)
