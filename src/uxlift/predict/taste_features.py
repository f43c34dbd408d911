"""Which words of an item this user tends to click: a per-user taste over item text.

Every item is a bag of words (title, tags, description, attributes). For each
word, the user's recency-weighted views and clicks of items carrying it give
a smoothed click rate; its log-ratio to the user's overall click rate is the
word's *lift*. Summed over the candidate's words this approximates an
additive utility (brand + material + style + ...), learned per user from views
that did and did not lead to clicks: no labels of the example itself, only
events before its time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from uxlift.predict.event_log import KIND, EventLog
from uxlift.predict.prefix import GroupTimeline, pair_key
from uxlift.predict.queries import Queries
from uxlift.text.tokenize import tokenize

TASTE_HALF_LIFE_S = 30 * 86_400.0
_SMOOTHING_VIEWS = 2.0
MIN_ITEMS_PER_WORD = 3
MAX_SHARE_PER_WORD = 0.25

TASTE = (
    ("taste_lift", "how much more this user clicks items with this item's words"),
    ("taste_best_word", "the user's most clicked word of this item (lift)"),
    ("taste_worst_word", "the user's least clicked word of this item (lift)"),
    ("taste_known_words", "share of this item's words the user has seen before"),
    ("view_word_lift", "how much more this user looks at items with these words than others do"),
    ("rating_word_lift", "how this user rated items sharing this item's words"),
    ("search_match", "this item's words in what this user searched for"),
    ("session_search_match", "this item's words in this session's searches"),
)
_NEUTRAL_RATING = 3.5


@dataclass(frozen=True)
class ItemWords:
    """Item -> word ids (CSR): ``words[offsets[i]:offsets[i + 1]]``."""

    offsets: np.ndarray
    words: np.ndarray
    vocabulary: dict[str, int]
    _text_cache: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False,
                                                     compare=False)  # fmt: skip

    def of_text(self, text: str | None) -> tuple[int, ...]:
        """Word ids of a free text (a search), each once; memoized, searches repeat."""
        key = str(text or "")
        found = self._text_cache.get(key)
        if found is None:
            found = tuple(sorted({self.vocabulary[w] for w in tokenize(key)
                                  if w in self.vocabulary}))  # fmt: skip
            if len(self._text_cache) < 200_000:
                self._text_cache[key] = found
        return found

    @property
    def n_words(self) -> int:
        return len(self.vocabulary)

    @property
    def item_share(self) -> np.ndarray:
        """Share of catalog items that carry each word."""
        n_items = max(len(self.offsets) - 1, 1)
        return (np.bincount(self.words, minlength=self.n_words) + 1.0) / (n_items + 1.0)

    def expand(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row of ``items`` each pair came from, word id) for every word of every item."""
        counts = self.offsets[items + 1] - self.offsets[items]
        owner = np.repeat(np.arange(len(items)), counts)
        start = np.repeat(self.offsets[items], counts)
        step = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        return owner, self.words[start + step]


def fit_vocabulary(texts: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Words in at least a few items but not in too many (those say nothing of taste)."""
    document_frequency: dict[str, int] = {}
    for text in texts:
        for word in set(tokenize(text)):
            document_frequency[word] = document_frequency.get(word, 0) + 1
    ceiling = max(MIN_ITEMS_PER_WORD, MAX_SHARE_PER_WORD * len(texts))
    kept = sorted(w for w, df in document_frequency.items() if MIN_ITEMS_PER_WORD <= df <= ceiling)
    return {w: i for i, w in enumerate(kept)}


def item_words(texts: tuple[str, ...] | list[str], vocabulary: dict[str, int]) -> ItemWords:
    rows = [sorted({vocabulary[w] for w in tokenize(t) if w in vocabulary}) for t in texts]
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    words = np.fromiter((w for r in rows for w in r), dtype=np.int64, count=int(offsets[-1]))
    return ItemWords(offsets, words, vocabulary)


def taste_features(log: EventLog, q: Queries, words: ItemWords) -> np.ndarray:
    seen = np.flatnonzero((log.item >= 0) & np.isin(log.kind, [KIND["view"], KIND["click"]]))
    owner, word = words.expand(log.item[seen])
    position = seen[owner]
    clicked = (log.kind[position] == KIND["click"]).astype(np.float64)
    timeline = GroupTimeline(
        pair_key(log.user[position], word, words.n_words), positions=position, n_events=len(log)
    )
    q_owner, q_word = words.expand(q.item)
    per_word = timeline.decayed_sum(
        np.stack([1.0 - clicked, clicked], axis=1),
        log.time[position],
        pair_key(q.user[q_owner], q_word, words.n_words),
        q.boundary[q_owner],
        q.time[q_owner],
        TASTE_HALF_LIFE_S,
    )
    is_view = (log.kind == KIND["view"]).astype(np.float64)
    is_click = (log.kind == KIND["click"]).astype(np.float64)
    overall = GroupTimeline(log.user).decayed_sum(
        np.stack([is_view, is_click], axis=1), log.time, q.user, q.boundary, q.time,
        TASTE_HALF_LIFE_S,
    )  # fmt: skip
    rate = (overall[:, 1] + 0.5) / (overall[:, 0] + 5.0)
    base = rate[q_owner]
    word_rate = (per_word[:, 1] + _SMOOTHING_VIEWS * base) / (per_word[:, 0] + _SMOOTHING_VIEWS)
    lift = np.log(word_rate / base)
    n = len(q)
    n_words = np.bincount(q_owner, minlength=n).astype(np.float64)
    known = np.bincount(q_owner, weights=(per_word[:, 0] > 0).astype(np.float64), minlength=n)
    best = np.full(n, np.nan)
    worst = np.full(n, np.nan)
    np.fmax.at(best, q_owner, lift)
    np.fmin.at(worst, q_owner, lift)
    total = np.bincount(q_owner, weights=lift, minlength=n)
    share = np.divide(known, n_words, out=np.full(n, np.nan), where=n_words > 0)
    views_lift = _view_lift(words, per_word[:, 0], q_owner, q_word, overall[:, 0], n)
    ratings = _rating_lift(log, q, words, q_owner, q_word)
    searched = _search_match(log, q, words, q_owner, q_word)
    return np.column_stack([total, best, worst, share, views_lift, ratings, *searched])


def _view_lift(
    words: ItemWords,
    user_word_views: np.ndarray,
    q_owner: np.ndarray,
    q_word: np.ndarray,
    user_views: np.ndarray,
    n: int,
) -> np.ndarray:
    """Sum over the item's words of log(user's share of views with the word / the word's
    share of catalog items): searches and tastes make a user look at some words more."""
    share = words.item_share[q_word]
    mine = (user_word_views + 2 * _SMOOTHING_VIEWS * share) / (
        user_views[q_owner] + 2 * _SMOOTHING_VIEWS
    )
    return np.bincount(q_owner, weights=np.log(mine / share), minlength=n)


def _rating_lift(
    log: EventLog, q: Queries, words: ItemWords, q_owner: np.ndarray, q_word: np.ndarray
) -> np.ndarray:
    """Sum over the item's words of the user's mean (rating - 3.5) on items with the word."""
    rated = np.flatnonzero((log.kind == KIND["rate"]) & (log.item >= 0) & np.isfinite(log.value))
    owner, word = words.expand(log.item[rated])
    position = rated[owner]
    sums = GroupTimeline(
        pair_key(log.user[position], word, words.n_words), positions=position, n_events=len(log)
    ).sum(
        np.stack([log.value[position] - _NEUTRAL_RATING, np.ones(len(position))], axis=1),
        pair_key(q.user[q_owner], q_word, words.n_words),
        q.boundary[q_owner],
    )
    per_word = sums[:, 0] / (sums[:, 1] + 1.0)
    return np.bincount(q_owner, weights=per_word, minlength=len(q))


def _search_match(
    log: EventLog, q: Queries, words: ItemWords, q_owner: np.ndarray, q_word: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """How many of the item's words this user (recency-weighted) and this session searched."""
    searches = np.flatnonzero(log.kind == KIND["search"])
    rows = [(int(p), w) for p in searches.tolist() for w in words.of_text(log.text[p])]
    position = np.array([r[0] for r in rows], dtype=np.int64)
    word = np.array([r[1] for r in rows], dtype=np.int64)
    ones = np.ones(len(rows))
    user_hits = GroupTimeline(
        pair_key(log.user[position], word, words.n_words), positions=position, n_events=len(log)
    ).decayed_sum(
        ones, log.time[position], pair_key(q.user[q_owner], q_word, words.n_words),
        q.boundary[q_owner], q.time[q_owner], TASTE_HALF_LIFE_S,
    )  # fmt: skip
    session_hits = GroupTimeline(
        pair_key(log.session[position], word, words.n_words), positions=position,
        n_events=len(log),
    ).count(pair_key(q.session[q_owner], q_word, words.n_words), q.boundary[q_owner])  # fmt: skip
    n = len(q)
    return (
        np.bincount(q_owner, weights=user_hits, minlength=n),
        np.bincount(q_owner, weights=(session_hits > 0).astype(np.float64), minlength=n),
    )
