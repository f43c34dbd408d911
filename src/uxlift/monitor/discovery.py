"""Topic discovery for unlabelled streams, with BERTopic.

BERTopic clusters sentence embeddings and names each cluster by its most
typical words (class-based TF-IDF). Here it gets the embeddings uxlift already
computes (multilingual-e5, so English and Chinese texts share one space), a
PCA reduction instead of UMAP (deterministic, and no compilation on a small
CPU), scikit-learn's HDBSCAN settings through the ``hdbscan`` package, and the
monitor's own tokenizer (jieba for Chinese, stopwords removed) for the words.
Each discovered topic can be kept as a defined topic: its words become the
keywords and its description, and texts are then assigned zero-shot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput
from uxlift.monitor import keywords as kw


@dataclass(frozen=True)
class DiscoveredTopic:
    name: str
    keywords: tuple[str, ...]
    size: int
    examples: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "keywords": list(self.keywords),
            "size": self.size,
            "examples": list(self.examples),
        }


def discover_topics(
    texts: Sequence[str],
    encode: Callable[[Sequence[str]], np.ndarray],
    *,
    min_topic_size: int = 10,
    components: int = 5,
    seed: int = 0,
) -> list[DiscoveredTopic]:
    """Topics found in ``texts`` (largest first); outliers belong to none."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.decomposition import PCA
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [t for t in texts if t and t.strip()]
    if len(texts) < max(3 * min_topic_size, 20):
        raise InvalidInput(
            f"topic discovery needs at least {max(3 * min_topic_size, 20)} texts",
            details=[{"field": "texts", "reason": f"only {len(texts)}"}],
        )
    vectors = np.asarray(encode(texts), dtype=np.float32)
    model = BERTopic(
        embedding_model=None,
        umap_model=PCA(n_components=min(components, vectors.shape[1]), random_state=seed),
        hdbscan_model=HDBSCAN(
            min_cluster_size=min_topic_size, metric="euclidean", prediction_data=True
        ),
        vectorizer_model=CountVectorizer(tokenizer=kw.words, lowercase=False, token_pattern=None),
        calculate_probabilities=False,
        verbose=False,
    )
    assigned, _ = model.fit_transform(texts, embeddings=vectors)
    found = []
    for topic_id in sorted(set(assigned) - {-1}):
        words = tuple(w for w, _ in (model.get_topic(topic_id) or [])[:6] if w)
        members = [t for t, a in zip(texts, assigned, strict=True) if a == topic_id]
        if not words:
            continue
        found.append(
            DiscoveredTopic(
                name="-".join(words[:3]),
                keywords=words,
                size=len(members),
                examples=tuple(members[:3]),
            )
        )
    return sorted(found, key=lambda t: -t.size)
