"""The words that set a group of texts apart from the rest (class-based TF-IDF).

For the texts of a window (or a cluster) against a background: a word scores
``tf * log(1 + n_background / (1 + df_background))``, its share of the group's
words times how rare it is in ordinary texts. Words are jieba's for Chinese
(single characters dropped: too ambiguous alone), lowercased words of three
letters or more otherwise, stopwords removed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from uxlift.text.tokenize import Tokenizer

_TOKENIZER = Tokenizer(stopwords=True, search_mode=False)
_EXTRA = """this that these those they them their there here have has had was were will would
    very just really also into than then its it's our your you not no yes get got one all
    out more most some what which when who how why"""
_EXTRA_STOPWORDS = frozenset(_EXTRA.split())


def words(text: str) -> list[str]:
    return [
        w
        for w in _TOKENIZER(text)
        if w not in _EXTRA_STOPWORDS
        and not w.isdigit()
        and (len(w) >= 3 if w.isascii() else len(w) >= 2)
    ]


def document_frequencies(texts: Iterable[str]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        counts.update(set(words(text)))
        n += 1
    return counts, n


def top_keywords(
    texts: Sequence[str],
    background: tuple[Counter[str], int] | None = None,
    *,
    k: int = 8,
    min_count: int = 2,
) -> list[str]:
    """The ``k`` words most typical of ``texts``, seen in at least ``min_count`` of them."""
    df, n_group = document_frequencies(texts)
    if not n_group:
        return []
    bg_df, n_bg = background if background is not None else (Counter(), 0)
    total = sum(df.values())
    scored = []
    for word, count in df.items():
        if count < min(min_count, n_group):
            continue
        rarity = math.log(1 + (n_bg + n_group) / (1 + bg_df.get(word, 0) + count))
        scored.append((count / total * rarity, count, word))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [w for _, _, w in scored[:k]]
