"""(user history, item) as one text, for a cross-encoder to read.

The history names what the user engaged with lately (newest first) and what
they looked at earlier in this session; the candidate item comes last. Only
events before the query's time are read, as for every feature.
"""

from __future__ import annotations

import numpy as np

from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.prefix import GroupTimeline
from uxlift.predict.queries import Queries

ENGAGED_SHOWN = 4
SESSION_SHOWN = 3
_VERB = {KIND["click"]: "clicked", KIND["add_to_cart"]: "carted", KIND["purchase"]: "bought"}


def _titles(catalog: CatalogFrame, log: EventLog, positions: np.ndarray, verbs: bool) -> str:
    parts = []
    for pos in positions.tolist():
        if pos < 0:
            break
        title = catalog.titles[int(log.item[pos])]
        parts.append(f"{_VERB[int(log.kind[pos])]} {title}" if verbs else title)
    return "; ".join(parts) if parts else "nothing yet"


def item_line(catalog: CatalogFrame, item: int) -> str:
    price = catalog.price[item]
    priced = f" at {price:.2f}" if np.isfinite(price) else ""
    return f"{catalog.titles[item]}{priced}"


def pair_texts(log: EventLog, catalog: CatalogFrame, q: Queries) -> list[str]:
    """One text per query: recent engagement | this session's views || the candidate."""
    engaged = np.isin(log.kind, list(_VERB)) & (log.item >= 0)
    liked = GroupTimeline(np.where(engaged, log.user, -1)).recent(q.user, q.boundary, ENGAGED_SHOWN)
    viewed = (log.kind == KIND["view"]) & (log.item >= 0)
    browsing = GroupTimeline(np.where(viewed, log.session, -1)).recent(
        q.session, q.boundary, SESSION_SHOWN
    )
    return [
        f"recently: {_titles(catalog, log, liked[r], True)}. "
        f"this visit: {_titles(catalog, log, browsing[r], False)}. "
        f"candidate: {item_line(catalog, int(q.item[r]))}"
        for r in range(len(q))
    ]
