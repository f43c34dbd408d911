"""A small, known store for the dashboard tests: items, users and events over a week."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from uxlift.services import Services

ITEM_TITLES = (
    "Trail running shoes",
    "Merino wool socks",
    "Waterproof jacket",
    "Insulated bottle",
    "Headlamp 400 lm",
    "Trekking poles",
    "Daypack 24 L",
    "Camping stove",
)
ITEM_TYPES = ("view", "click", "add_to_cart", "purchase")
ITEM_TYPE_WEIGHTS = (10, 5, 2, 1)
DAYS = 7


@dataclass(frozen=True)
class SeededStore:
    events: int
    users: int
    items: int
    types: frozenset[str]
    days: int
    interactions: dict[str, int]
    purchases: dict[str, int]
    titles: dict[str, str]

    def top_items(self, limit: int = 10) -> list[str]:
        """Item ids in the API's order: most interactions first, then by id."""
        ranked = sorted(self.interactions, key=lambda i: (-self.interactions[i], i))
        return ranked[:limit]


def seed_store(services: Services, *, n_events: int = 360, n_users: int = 40) -> SeededStore:
    """Ingest catalog items and ``n_events`` events spread over the last week."""
    rng = random.Random(7)
    titles = {f"sku-{i + 1:03d}": title for i, title in enumerate(ITEM_TITLES)}
    services.catalog.upsert([{"item_id": i, "title": t} for i, t in titles.items()])
    popularity = [len(titles) - k for k in range(len(titles))]  # sku-001 is the most popular
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    rows, users = [], set()
    for n in range(n_events):
        user = f"user-{rng.randrange(n_users)}"
        ts = now - timedelta(days=n % DAYS, minutes=rng.randrange(600))
        users.add(user)
        if n % 9 == 0:
            row = {"type": "search", "text": "rain jacket"}
        else:
            row = {
                "type": rng.choices(ITEM_TYPES, ITEM_TYPE_WEIGHTS)[0],
                "item_id": rng.choices(list(titles), popularity)[0],
            }
        rows.append({"event_id": f"e{n}", "user_id": user, "timestamp": ts.isoformat(), **row})
    result = services.events.ingest(rows)
    assert result.stored == n_events, result.to_dict()
    with_item = [r for r in rows if "item_id" in r]
    return SeededStore(
        events=n_events,
        users=len(users),
        items=len(titles),
        types=frozenset(r["type"] for r in rows),
        days=len({r["timestamp"][:10] for r in rows}),
        interactions=dict(Counter(r["item_id"] for r in with_item)),
        purchases=dict(Counter(r["item_id"] for r in with_item if r["type"] == "purchase")),
        titles=titles,
    )
