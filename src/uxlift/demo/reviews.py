"""Compose review texts, search queries and chat messages for the event stream.

Review tone follows the star rating (itself drawn from true satisfaction):
4-5 stars read positive (a four sometimes carries a small complaint), 3 reads
mixed and 1-2 negative. Chinese-speaking users write in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.demo.catalog import ItemLatents
from uxlift.demo.review_phrases import REVIEW_EN, REVIEW_ZH, SEARCH_EN, SEARCH_ZH
from uxlift.demo.vocabulary import CATEGORIES, MATERIALS, MATERIALS_ZH, STYLES, STYLES_ZH


@dataclass(frozen=True)
class ItemWords:
    """The words a shopper would use about one item, in both languages."""

    noun: str
    noun_zh: str
    material: str
    material_zh: str
    style: str
    style_zh: str
    brand: str


def item_words(items: list[dict], latents: ItemLatents) -> list[ItemWords]:
    """Per-item vocabulary, aligned with ``items``."""
    words = []
    for index, item in enumerate(items):
        category = CATEGORIES[int(latents.category[index])]
        noun = item["tags"][1]
        material = MATERIALS[int(latents.material[index])]
        style = STYLES[int(latents.style[index])]
        words.append(
            ItemWords(
                noun=noun,
                noun_zh=dict(category.nouns)[noun],
                material=material,
                material_zh=MATERIALS_ZH[material],
                style=style,
                style_zh=STYLES_ZH[style],
                brand=item["attributes"]["brand"],
            )
        )
    return words


def tone_of(rating: float) -> str:
    if rating >= 4:
        return "positive"
    return "mixed" if rating >= 3 else "negative"


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def compose_review(rng: np.random.Generator, rating: float, language: str, words: ItemWords) -> str:
    """One to four sentences whose sentiment matches ``rating``."""
    bank = REVIEW_ZH if language == "zh" else REVIEW_EN
    tone = tone_of(rating)
    phrases = bank[tone]
    n_aspects = 1 + int(rng.random() < 0.5)
    aspects = list(rng.permutation(len(phrases["aspects"]))[:n_aspects])
    parts = [_pick(rng, phrases["openers"])]
    parts += [phrases["aspects"][int(i)] for i in aspects]
    if rating == 4 and rng.random() < 0.25:
        parts.append(_pick(rng, bank["mixed"]["aspects"]))
    parts.append(_pick(rng, phrases["closers"]))
    fill = (
        {"noun": words.noun_zh, "material": words.material_zh, "style": words.style_zh}
        if language == "zh"
        else {"noun": words.noun, "material": words.material, "style": words.style}
    )
    joiner = "" if language == "zh" else " "
    text = joiner.join(p for p in parts if p).format(brand=words.brand, **fill)
    return text[0].upper() + text[1:]


def compose_query(
    rng: np.random.Generator, language: str, wanted: tuple[str, str], noun: tuple[str, str]
) -> str:
    """A search query naming the wanted material or style and a noun, as (en, zh) pairs."""
    if language == "zh":
        return _pick(rng, SEARCH_ZH).format(value=wanted[1], noun=noun[1])
    return _pick(rng, SEARCH_EN).format(value=wanted[0], noun=noun[0])
