"""User-context providers: facts about the asking user that answer templates quote.

The default reads the user's own events: their latest purchase (item title and
date), how many purchases they made, and what is in their cart since then.
A deployment with an order system plugs in its own provider through
``UXLIFT_ASSIST_CONTEXT=module:function`` (the function gets the store and
returns an object with ``context(user_key) -> dict``).
"""

from __future__ import annotations

import importlib
from typing import Any

from uxlift.assist.templates import UserContextProvider
from uxlift.errors import ConfigError
from uxlift.store import Store


class EventLogContext:
    """Slots ``last_order_item``, ``last_order_date``, ``orders`` and ``cart_items``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def context(self, user_key: str) -> dict[str, str]:
        cur = self.store.cursor()
        last = cur.execute(
            """SELECT coalesce(i.title, e.item_id), e.ts FROM events e
               LEFT JOIN items i USING (item_id)
               WHERE e.user_key = ? AND e.type = 'purchase' ORDER BY e.ts DESC LIMIT 1""",
            [user_key],
        ).fetchone()
        orders = cur.execute(
            "SELECT count(*) FROM events WHERE user_key = ? AND type = 'purchase'", [user_key]
        ).fetchone()
        cart = cur.execute(
            """SELECT count(DISTINCT item_id) FROM events
               WHERE user_key = ? AND type = 'add_to_cart' AND ts > coalesce(
                 (SELECT max(ts) FROM events WHERE user_key = ? AND type = 'purchase'),
                 TIMESTAMP '1970-01-01')""",
            [user_key, user_key],
        ).fetchone()
        out: dict[str, str] = {"orders": str(int(orders[0]) if orders else 0)}
        if last is not None:
            out["last_order_item"] = str(last[0])
            out["last_order_date"] = last[1].strftime("%Y-%m-%d")
        out["cart_items"] = str(int(cart[0]) if cart else 0)
        return out


def context_provider(spec: str | None, store: Store) -> UserContextProvider:
    """The provider named by ``spec`` ("module:function"), or the event-log default."""
    if not spec:
        return EventLogContext(store)
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ConfigError(
            f"assist context {spec!r} is not 'module:function'",
            details=[{"field": "UXLIFT_ASSIST_CONTEXT", "reason": "expected module:function"}],
        )
    try:
        factory: Any = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"cannot load assist context {spec!r}: {exc}",
            details=[{"field": "UXLIFT_ASSIST_CONTEXT", "reason": str(exc)}],
        ) from exc
    provider = factory(store)
    if not callable(getattr(provider, "context", None)):
        raise ConfigError(
            f"{spec} did not return an object with a context(user_key) method",
            details=[{"field": "UXLIFT_ASSIST_CONTEXT", "reason": "no context method"}],
        )
    return provider
