"""Seeded demo store: a realistic catalog, shoppers, events, FAQ and ground truth.

>>> from uxlift.demo import generate_store
>>> store = generate_store(seed=0)          # doctest: +SKIP
>>> store.truth.purchase_probability(store.users[0], store.items[0]["item_id"])  # doctest: +SKIP
"""

from uxlift.demo.faq import ChatOpener, FaqEntry
from uxlift.demo.generator import DEFAULT_START, DemoStore, generate_store, load_truth
from uxlift.demo.preferences import PreferenceModel

__all__ = [
    "DEFAULT_START",
    "ChatOpener",
    "DemoStore",
    "FaqEntry",
    "PreferenceModel",
    "generate_store",
    "load_truth",
]
