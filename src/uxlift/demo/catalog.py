"""Compose the demo catalog: items with natural titles, descriptions and prices.

Each item draws a category, brand, material, style, use, colour and features from
:mod:`uxlift.demo.vocabulary`. Material and style reach only the title and the
description (never ``tags`` or ``attributes``), so models that read text can
learn tastes that structured fields hide. Hidden per-item latents (quality,
popularity, launch time) are returned separately for the preference model.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from uxlift.demo.vocabulary import (
    BRAND_TIERS,
    BRANDS,
    CATEGORIES,
    COLORS,
    MATERIAL_EXCLUSIONS,
    MATERIAL_PRICE_FACTOR,
    MATERIALS,
    PLURAL_NOUNS,
    STYLES,
    USES,
    USES_EN,
    Category,
)

logger = logging.getLogger(__name__)

_DAY = 86_400.0
_NEW_ITEM_SHARE = 0.08  # items launched during the demo period


@dataclass(frozen=True)
class ItemLatents:
    """Per-item arrays (aligned with the item list) used by the preference model."""

    category: np.ndarray  # int index into CATEGORIES
    brand: np.ndarray  # int index into BRANDS
    material: np.ndarray  # int index into MATERIALS
    style: np.ndarray  # int index into STYLES
    use: np.ndarray  # int index into USES
    log_price_ratio: np.ndarray  # log(price / category median)
    quality: np.ndarray  # hidden, standardised
    popularity: np.ndarray  # exposure weight, long-tailed, sums to 1 per category
    created_at: np.ndarray  # epoch seconds


@dataclass(frozen=True)
class _Draw:
    """The raw choices behind one item, before text is composed."""

    category: Category
    noun: str
    brand: str
    material: str
    style: str
    use: str
    color: str
    features: tuple[str, ...]
    price: float


def build_catalog(
    rng: np.random.Generator, n_items: int, start: float, days: int
) -> tuple[list[dict], ItemLatents]:
    """Return ``n_items`` item dicts plus their hidden latents."""
    n_categories = len(CATEGORIES)
    weights = rng.dirichlet(np.full(n_categories, 8.0))
    category = _balanced_categories(rng, n_items, weights)
    items: list[dict] = []
    columns: dict[str, list[float]] = {k: [] for k in ("brand", "material", "style", "use")}
    log_ratio = np.empty(n_items)
    for i, c in enumerate(category):
        draw = _draw_item(rng, CATEGORIES[c])
        log_ratio[i] = np.log(draw.price / draw.category.median_price)
        columns["brand"].append(BRANDS.index(draw.brand))
        columns["material"].append(MATERIALS.index(draw.material))
        columns["style"].append(STYLES.index(draw.style))
        columns["use"].append(USES.index(draw.use))
        items.append(_compose_item(rng, i, draw))
    latents = _latents(rng, category, columns, log_ratio, start, days)
    for item, created in zip(items, latents.created_at, strict=True):
        item["created_at"] = float(created)
    logger.debug("composed %d items in %d categories", n_items, n_categories)
    return items, latents


def _balanced_categories(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """Every category gets at least a handful of items; the rest follow ``weights``."""
    k = len(weights)
    floor = min(n // k, 8)
    extra = rng.choice(k, size=n - floor * k, p=weights)
    category = np.concatenate([np.repeat(np.arange(k), floor), extra])
    rng.shuffle(category)
    return category


def _draw_item(rng: np.random.Generator, category: Category) -> _Draw:
    brand = category.brands[rng.integers(len(category.brands))]
    noun = category.nouns[rng.integers(len(category.nouns))][0]
    excluded = MATERIAL_EXCLUSIONS.get(noun, frozenset())
    materials = [m for m in category.materials if m not in excluded] or list(category.materials)
    material = materials[rng.integers(len(materials))]
    n_features = int(rng.integers(1, 4))
    features = tuple(rng.permutation(category.features)[:n_features].tolist())
    tier_factor = (0.7, 1.0, 1.6)[BRAND_TIERS[brand]]
    price = (
        category.median_price
        * tier_factor
        * MATERIAL_PRICE_FACTOR.get(material, 1.0)
        * float(np.exp(rng.normal(0.0, category.price_sigma)))
    )
    return _Draw(
        category=category,
        noun=noun,
        brand=brand,
        material=material,
        style=category.styles[rng.integers(len(category.styles))],
        use=category.uses[rng.integers(len(category.uses))],
        color=COLORS[rng.integers(len(COLORS))],
        features=features,
        price=_shelf_price(price),
    )


def _shelf_price(raw: float) -> float:
    """Round to a shop-like price ending in .99 (or .49 for cheap items)."""
    if raw < 10:
        return max(1.49, round(raw) - 0.51)
    return float(round(raw) - 0.01)


def _compose_item(rng: np.random.Generator, index: int, draw: _Draw) -> dict:
    attributes = {"brand": draw.brand, "color": draw.color}
    if rng.random() < 0.5:  # catalog data is incomplete, as in real shops
        attributes["use"] = draw.use
    return {
        "item_id": f"sku-{index + 1:05d}",
        "title": _compose_title(rng, draw),
        "description": _compose_description(rng, draw),
        "category": draw.category.name,
        "tags": [draw.category.name, draw.noun, draw.color, *draw.features],
        "price": draw.price,
        "attributes": attributes,
    }


def _compose_title(rng: np.random.Generator, draw: _Draw) -> str:
    noun = draw.noun.title() if draw.noun.islower() else draw.noun
    style, material = draw.style.title(), _material_word(draw.material)
    variant = int(rng.integers(5))
    if variant == 0:
        return f"{draw.brand} {style} {material} {noun}"
    if variant == 1:
        return f"{draw.brand} {material} {noun} – {draw.color.title()}"
    if variant == 2:
        return f"{style} {noun} by {draw.brand}"
    if variant == 3:
        return f"{draw.brand} {noun}, {draw.features[0]}"
    return f"{draw.brand} {style} {noun} in {draw.material.title()}"


def _material_word(material: str) -> str:
    return "Vitamin C" if material == "vitamin c" else material.title()


_OPENERS = (
    "{a_style_noun} in {material}, made for {use}.",
    "{this_noun} from {brand} {brings} {a_style} look to {use}.",
    "Crafted from {material}, {this_noun_lower} {is} built for {use}.",
    "{brand}'s {style} take on the {noun}: {material} throughout, ready for {use}.",
    "Made with {material} and finished in {color}, {a_noun} for {use}.",
)
_FEATURE_LINES = (
    "It comes with {features}.",
    "Details include {features}.",
    "Highlights: {features}.",
)
_CLOSERS = (
    "Shown in {color}.",
    "Available in {color} while stocks last.",
    "Designed in small batches and checked by hand.",
    "Pairs well with the rest of the {brand} range.",
    "",
)


def _article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def _description_fields(draw: _Draw) -> dict[str, str]:
    """Template fields with articles and verb agreement worked out for the noun."""
    plural = draw.noun in PLURAL_NOUNS
    this = "These" if plural else "This"
    return {
        "style": draw.style,
        "noun": draw.noun,
        "material": _material_word(draw.material).lower().replace("vitamin c", "vitamin C"),
        "use": USES_EN[draw.use],
        "brand": draw.brand,
        "color": draw.color,
        "features": _join(list(draw.features)),
        "a_noun": draw.noun if plural else _article(draw.noun),
        "a_style_noun": f"{draw.style} {draw.noun}"
        if plural
        else _article(f"{draw.style} {draw.noun}"),
        "a_style": _article(draw.style),
        "this_noun": f"{this} {draw.noun}",
        "this_noun_lower": f"{this.lower()} {draw.style} {draw.noun}",
        "brings": "bring" if plural else "brings",
        "is": "are" if plural else "is",
    }


def _compose_description(rng: np.random.Generator, draw: _Draw) -> str:
    """Two to four sentences; style and material always appear somewhere."""
    fields = _description_fields(draw)
    opener = _OPENERS[rng.integers(len(_OPENERS))].format(**fields)
    if draw.style not in opener:
        opener += f" The {draw.style} lines suit most spaces and wardrobes."
    if draw.material not in opener.lower():
        opener += f" The {fields['material']} is chosen to last."
    sentences = [opener[0].upper() + opener[1:]]
    sentences.append(_FEATURE_LINES[rng.integers(len(_FEATURE_LINES))].format(**fields))
    closer = _CLOSERS[rng.integers(len(_CLOSERS))].format(**fields)
    if closer:
        sentences.append(closer)
    return " ".join(sentences)


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _latents(
    rng: np.random.Generator,
    category: np.ndarray,
    columns: dict[str, list[float]],
    log_ratio: np.ndarray,
    start: float,
    days: int,
) -> ItemLatents:
    n = len(category)
    brand = np.asarray(columns["brand"], dtype=np.int64)
    tiers = np.array([BRAND_TIERS[BRANDS[b]] for b in brand], dtype=float)
    quality = np.round(0.35 * (tiers - 1.0) + 0.2 * log_ratio + rng.normal(0.0, 0.6, n), 6)
    popularity = np.exp(rng.normal(0.0, 1.3, n))  # lognormal: a long tail of exposure
    for c in np.unique(category):
        mask = category == c
        popularity[mask] /= popularity[mask].sum()
    created_at = start - rng.uniform(30, 720, n) * _DAY
    is_new = rng.random(n) < _NEW_ITEM_SHARE
    created_at[is_new] = start + rng.uniform(1, max(days - 3, 2), is_new.sum()) * _DAY
    for c in np.unique(category):  # every category has something on sale from day one
        members = np.flatnonzero(category == c)
        first = members[np.argmin(created_at[members])]
        created_at[first] = min(created_at[first], start - 30 * _DAY)
    return ItemLatents(
        category=category.astype(np.int64),
        brand=brand,
        material=np.asarray(columns["material"], dtype=np.int64),
        style=np.asarray(columns["style"], dtype=np.int64),
        use=np.asarray(columns["use"], dtype=np.int64),
        log_price_ratio=np.round(log_ratio, 6),
        quality=quality,
        popularity=np.round(popularity, 9),
        created_at=np.round(created_at, 3),
    )
