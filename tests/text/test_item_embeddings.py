"""Item embeddings: computed once per distinct text, kept across restarts."""

from __future__ import annotations

import numpy as np

from uxlift.config import Settings
from uxlift.services import Services, open_services


def _items(n: int, suffix: str = "") -> list[dict]:
    return [
        {
            "item_id": f"sku-{i:05d}",
            "title": f"Item {i} {suffix}".strip(),
            "category": ("Shoes", "Kitchen", "Garden")[i % 3],
            "tags": ["demo"],
            "description": f"Sturdy thing number {i}",
        }
        for i in range(n)
    ]


def test_upserting_10000_items_embeds_each_once_and_unchanged_items_never_again(
    settings: Settings,
) -> None:
    services = open_services(settings, embed_in_background=False)
    changed: list[str] = []
    services.catalog.add_listener(changed.extend)
    try:
        services.catalog.upsert(_items(10_000))
        services.item_embedder.embed_items(changed)
        assert services.encoder.calls == 10_000  # type: ignore[attr-defined]
        changed.clear()
        services.catalog.upsert(_items(10_000))
        assert changed == []
        services.item_embedder.embed_items([f"sku-{i:05d}" for i in range(10_000)])
        assert services.encoder.calls == 10_000  # type: ignore[attr-defined]
        stored = services.store.cursor().execute("SELECT count(*) FROM text_embeddings").fetchone()
        assert stored == (10_000,)
    finally:
        services.close()


def test_changed_text_is_embedded_again_and_vectors_survive_a_restart(settings: Settings) -> None:
    services = open_services(settings, embed_in_background=False)
    try:
        services.catalog.upsert(_items(3))
        first = services.item_embedder.embed_items(["sku-00000", "sku-00001"])
        services.catalog.upsert(_items(1, suffix="in red"))
        changed = services.item_embedder.embed_items(["sku-00000"])
        assert services.encoder.calls == 3  # type: ignore[attr-defined]
        assert not np.allclose(changed[0], first[0])
    finally:
        services.close()
    reopened = open_services(settings, embed_in_background=False)
    try:
        again = reopened.item_embedder.embed_items(["sku-00001"])
        assert reopened.encoder.calls == 0  # type: ignore[attr-defined]
        np.testing.assert_allclose(again[0], first[1], atol=1e-6)
    finally:
        reopened.close()


def test_server_mode_embeds_upserted_items_in_the_background(services: Services) -> None:
    services.catalog.upsert(_items(5))
    services.item_embedder.wait_idle()
    count = services.store.cursor().execute("SELECT count(*) FROM text_embeddings").fetchone()
    assert count == (5,)
