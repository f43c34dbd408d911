"""Assemble the simulated sessions, funnel and feedback into one event stream.

This is where texts are attached (reviews, search queries, chat openers), PII
is planted in a few review and chat texts, and rating/review visits get their
own sessions days after the purchase.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.demo.faq import ChatOpener
from uxlift.demo.funnel import Feedback, FunnelOutcome
from uxlift.demo.pii import plant_pii
from uxlift.demo.population import Population
from uxlift.demo.reviews import ItemWords, compose_query, compose_review
from uxlift.demo.sessions import SessionPlan
from uxlift.demo.timeline import EventColumns, SessionTable, build_events
from uxlift.demo.vocabulary import CATEGORIES, MATERIALS, MATERIALS_ZH, STYLES, STYLES_ZH

_CHINESE_QUERY_SHARE = 0.7  # Chinese speakers sometimes search in English


@dataclass
class _Texts:
    """Texts referenced by index from the event columns."""

    texts: list[str]
    languages: list[str]

    def add(self, text: str, language: str) -> int:
        self.texts.append(text)
        self.languages.append(language)
        return len(self.texts) - 1


@dataclass(frozen=True)
class SimulationResult:
    """Everything the assembler needs from the earlier stages."""

    plan: SessionPlan
    outcome: FunnelOutcome
    feedback: Feedback
    population: Population
    words: list[ItemWords]
    prices: np.ndarray
    item_ids: list[str]
    openers: list[ChatOpener]


def assemble_events(
    rng: np.random.Generator, sim: SimulationResult
) -> tuple[list[dict], list[tuple[str, str]]]:
    """Return the sorted event dicts and the PII values planted in their texts."""
    columns, texts = EventColumns(), _Texts([], [])
    _add_funnel(columns, sim)
    sessions = _add_feedback(rng, columns, texts, sim)
    _add_chats(rng, columns, texts, sim)
    n_free_texts = len(texts.texts)  # reviews and chats may carry PII; queries do not
    _add_searches(rng, columns, texts, sim)
    planted = _plant(rng, texts, n_free_texts)
    events = build_events(
        rng, columns, sessions, sim.population.user_ids, sim.item_ids, texts.texts, texts.languages
    )
    return events, planted


def _language(sim: SimulationResult, user: int) -> str:
    return "zh" if sim.population.chinese[user] else "en"


def _add_funnel(columns: EventColumns, sim: SimulationResult) -> None:
    plan, out = sim.plan, sim.outcome
    columns.add("view", plan.view_session, out.view_time, item=plan.view_item)
    clicked, carted = out.clicked, out.carted
    columns.add(
        "click", plan.view_session[clicked], out.click_time[clicked], item=plan.view_item[clicked]
    )
    columns.add(
        "add_to_cart",
        plan.view_session[carted],
        out.cart_time[carted],
        item=plan.view_item[carted],
    )
    bought = plan.view_item[out.purchase_view]
    columns.add(
        "purchase",
        plan.view_session[out.purchase_view],
        out.purchase_time,
        item=bought,
        value=sim.prices[bought],
    )


def _add_feedback(
    rng: np.random.Generator, columns: EventColumns, texts: _Texts, sim: SimulationResult
) -> SessionTable:
    """Ratings and reviews, each visit in a new session; returns the full session table."""
    fb, plan = sim.feedback, sim.plan
    session = len(plan.user) + np.arange(len(fb.user))
    columns.add("rate", session, fb.time, item=fb.item, value=fb.rating)
    rows = np.flatnonzero(fb.reviewed)
    text_ids = [
        texts.add(
            compose_review(
                rng, float(fb.rating[r]), _language(sim, int(fb.user[r])), sim.words[fb.item[r]]
            ),
            _language(sim, int(fb.user[r])),
        )
        for r in rows.tolist()
    ]
    delay = rng.uniform(20.0, 240.0, len(rows))
    columns.add("review", session[rows], fb.time[rows] + delay, item=fb.item[rows],
                text=np.asarray(text_ids, dtype=np.int64))  # fmt: skip
    mobile = rng.random(len(fb.user)) < sim.population.mobile_share[fb.user]
    return SessionTable(
        user=np.concatenate([plan.user, fb.user]), mobile=np.concatenate([plan.mobile, mobile])
    )


def _add_chats(
    rng: np.random.Generator, columns: EventColumns, texts: _Texts, sim: SimulationResult
) -> None:
    plan = sim.plan
    pools = {lang: [o for o in sim.openers if o.language == lang] for lang in ("en", "zh")}
    sessions = np.flatnonzero(plan.chat)
    text_ids = []
    for s in sessions.tolist():
        language = _language(sim, int(plan.user[s]))
        opener = pools[language][int(rng.integers(len(pools[language])))]
        text_ids.append(texts.add(opener.text, language))
    columns.add("chat", sessions, plan.start[sessions], text=np.asarray(text_ids, dtype=np.int64))


def _add_searches(
    rng: np.random.Generator, columns: EventColumns, texts: _Texts, sim: SimulationResult
) -> None:
    """One query per search session, naming the wanted material or style."""
    plan = sim.plan
    sessions = np.flatnonzero(plan.search)
    text_ids = []
    for s in sessions.tolist():
        chinese = bool(sim.population.chinese[plan.user[s]])
        language = "zh" if chinese and rng.random() < _CHINESE_QUERY_SHARE else "en"
        value = int(plan.query_value[s])
        if plan.query_field[s] == 1:
            wanted = (MATERIALS[value], MATERIALS_ZH[MATERIALS[value]])
        else:
            wanted = (STYLES[value], STYLES_ZH[STYLES[value]])
        first, end = plan.view_offsets[s], plan.view_offsets[s + 1]
        if end > first:
            words = sim.words[int(plan.view_item[first])]
            noun = (words.noun, words.noun_zh)
        else:
            noun = CATEGORIES[int(plan.category[s])].nouns[0]
        text_ids.append(texts.add(compose_query(rng, language, wanted, noun), language))
    columns.add(
        "search", sessions, sim.outcome.search_time[sessions], text=np.asarray(text_ids, int)
    )


def _plant(rng: np.random.Generator, texts: _Texts, n_free_texts: int) -> list[tuple[str, str]]:
    free = texts.texts[:n_free_texts]
    planted = plant_pii(rng, free, texts.languages[:n_free_texts])
    texts.texts[:n_free_texts] = free
    return planted
