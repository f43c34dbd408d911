"""A small labelled intent set for classifier tests (three clear intents)."""

from __future__ import annotations

import itertools

_INTENTS = {
    "refund": (
        ["I want", "Please give me", "How do I get", "Can I have", "I am asking for"],
        [
            "a refund for my order",
            "my money back",
            "a refund, the item broke",
            "a return and refund",
        ],
    ),
    "delivery": (
        ["Where is", "When will I get", "Track", "Has anyone shipped", "What is the status of"],
        ["my parcel", "my delivery", "the package I ordered", "my shipment"],
    ),
    "password": (
        ["I forgot", "How can I reset", "Help me change", "I cannot remember", "Reset"],
        ["my password", "the login password", "my account password", "the password for my account"],
    ),
}


def intent_examples() -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for label, (heads, tails) in _INTENTS.items():
        for head, tail in itertools.product(heads, tails):
            texts.append(f"{head} {tail}")
            labels.append(label)
    return texts, labels


HELD_OUT = [
    ("could you refund my money please", "refund"),
    ("where's my package right now", "delivery"),
    ("i need to reset my password", "password"),
]
