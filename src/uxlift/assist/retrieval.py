"""Hybrid retrieval over the knowledge base: BM25 and dense vectors, fused by rank.

Each entry is indexed by its texts (every FAQ question; a passage with its
heading). A query gets two rankings of entries, each by the entry's best text:

* lexical: BM25 (``uxlift.text.bm25``; jieba words for Chinese, English words
  otherwise);
* dense: the cosine between the query's and the texts' embeddings.

Reciprocal rank fusion (``1 / (60 + rank)`` summed over both rankings; Cormack
et al. 2009) orders the candidates, so neither score scale dominates. The
fused order is not a probability, so a small logistic model turns the top
candidate's evidence (its cosine, its normalized BM25 score, its margins over
the runner-up, whether both rankings agree) into P(the top answer is right).
It is fitted on the knowledge base itself: each FAQ question is asked with its
own text left out, and the label says whether the top candidate is its entry.
With too few such questions the confidence is the raw cosine, and
``calibrated`` is False.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from uxlift.assist.knowledge import KbEntry
from uxlift.text.bm25 import BM25

RRF_K = 60
MIN_CALIBRATION_QUESTIONS = 20
FEATURES = ("cosine", "lexical", "cosine_margin", "lexical_margin", "agree")

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Candidate:
    entry: KbEntry
    fused: float
    cosine: float
    lexical: float

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.entry.entry_id,
            "kind": self.entry.kind,
            "intent": self.entry.intent,
            "fused": round(self.fused, 5),
            "cosine": round(self.cosine, 4),
            "lexical": round(self.lexical, 4),
        }


@dataclass(frozen=True)
class Retrieval:
    candidates: list[Candidate]
    confidence: float
    calibrated: bool


def _entry_best(
    scores: np.ndarray, owner: np.ndarray, n_entries: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Per entry, the best score of its texts (-inf for entries without texts)."""
    best = np.full(n_entries, -np.inf)
    values = scores if mask is None else np.where(mask, -np.inf, scores)
    np.maximum.at(best, owner, values)
    return best


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


class HybridRetriever:
    """Index a list of entries with ``fit``; ``search`` ranks them for a question.

    ``embed_queries`` encodes questions (and FAQ questions, which are asked
    the same way); ``embed_passages`` encodes passages. Both return unit
    vectors. They may be the same function.
    """

    def __init__(self, embed_queries: Embed, embed_passages: Embed | None = None) -> None:
        self.embed_queries = embed_queries
        self.embed_passages = embed_passages or embed_queries

    def fit(
        self,
        entries: Sequence[KbEntry],
        *,
        index_questions: Embed | None = None,
        index_passages: Embed | None = None,
    ) -> HybridRetriever:
        """Index ``entries``; ``index_*`` may replace the encoders for the indexed texts
        (e.g. a cache that remembers them across rebuilds)."""
        embed_questions = index_questions or self.embed_queries
        embed_passages = index_passages or self.embed_passages
        self.entries_ = list(entries)
        texts, owner, is_question = [], [], []
        for i, entry in enumerate(self.entries_):
            for text in entry.texts():
                texts.append(text)
                owner.append(i)
                is_question.append(entry.kind == "faq")
        self.texts_ = texts
        self.owner_ = np.asarray(owner, dtype=np.int64)
        self.bm25_ = BM25().fit(texts) if texts else None
        vectors = np.zeros((len(texts), 0), dtype=np.float32)
        if texts:
            flags = np.asarray(is_question)
            question_vectors = embed_questions([t for t, q in zip(texts, flags, strict=True) if q])
            passage_vectors = embed_passages(
                [t for t, q in zip(texts, flags, strict=True) if not q]
            )
            dim = question_vectors.shape[1] if len(question_vectors) else passage_vectors.shape[1]
            vectors = np.zeros((len(texts), dim), dtype=np.float32)
            if len(question_vectors):
                vectors[flags] = question_vectors
            if len(passage_vectors):
                vectors[~flags] = passage_vectors
            self_scores = self.bm25_.pair_scores(texts, texts)
            self.self_bm25_ = np.maximum(self_scores, 1e-9)
        self.vectors_ = vectors
        self._fit_calibration()
        return self

    # ---------------------------------------------------------------- scoring
    def _scores(
        self, query: str, query_vector: np.ndarray, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per entry: best cosine, best BM25, and best normalized BM25 (score / the
        text's score against itself: 1 when every weighted word of it is asked)."""
        n = len(self.entries_)
        cosine = _entry_best(self.vectors_ @ query_vector, self.owner_, n, mask)
        assert self.bm25_ is not None
        bm25 = self.bm25_.score(query)
        raw = _entry_best(bm25, self.owner_, n, mask)
        lexical = _entry_best(bm25 / self.self_bm25_, self.owner_, n, mask)
        return cosine, raw, lexical

    @staticmethod
    def _fused(cosine: np.ndarray, bm25: np.ndarray) -> np.ndarray:
        """Reciprocal rank fusion of the dense and the lexical ranking; equal sums go
        to the higher cosine (meaning beats shared words when the ranks disagree)."""
        tie_break = 1e-9 * np.where(np.isfinite(cosine), cosine, -1.0)
        return 1.0 / (RRF_K + _ranks(cosine)) + 1.0 / (RRF_K + _ranks(bm25)) + tie_break

    def _features(
        self, cosine: np.ndarray, bm25: np.ndarray, lexical: np.ndarray
    ) -> tuple[np.ndarray, int]:
        """Evidence for the fused top entry, and that entry's index."""
        cos_rank, lex_rank = _ranks(cosine), _ranks(bm25)
        top = int(np.argmax(self._fused(cosine, bm25)))
        finite_cos = np.where(np.isfinite(cosine), cosine, 0.0)
        finite_lex = np.where(np.isfinite(lexical), lexical, 0.0)
        others = np.arange(len(cosine)) != top
        runner_cos = finite_cos[others].max() if others.any() else 0.0
        runner_lex = finite_lex[others].max() if others.any() else 0.0
        features = np.array(
            [
                finite_cos[top],
                finite_lex[top],
                finite_cos[top] - runner_cos,
                finite_lex[top] - runner_lex,
                float(cos_rank[top] == 1 and lex_rank[top] == 1),
            ]
        )
        return features, top

    def _fit_calibration(self) -> None:
        from sklearn.linear_model import LogisticRegression

        self.calibrator_ = None
        questions = [
            i
            for i, owner in enumerate(self.owner_)
            if self.entries_[owner].kind == "faq" and len(self.entries_[owner].questions) > 1
        ]
        if len(questions) < MIN_CALIBRATION_QUESTIONS or len(self.entries_) < 2:
            return
        rows, labels = [], []
        for i in questions:
            mask = np.zeros(len(self.texts_), dtype=bool)
            mask[i] = True
            features, top = self._features(*self._scores(self.texts_[i], self.vectors_[i], mask))
            rows.append(features)
            labels.append(int(top == self.owner_[i]))
        if len(set(labels)) < 2:
            return
        self.calibrator_ = LogisticRegression(C=1.0).fit(np.stack(rows), labels)
        self.calibration_accuracy_ = float(np.mean(labels))

    # ----------------------------------------------------------------- search
    def search(self, query: str, *, k: int = 5) -> Retrieval:
        """The ``k`` best entries for ``query`` with the confidence that the first is right."""
        if not getattr(self, "entries_", None) or not self.texts_:
            return Retrieval([], 0.0, False)
        query_vector = self.embed_queries([query])[0]
        cosine, bm25, lexical = self._scores(query, query_vector)
        features, _ = self._features(cosine, bm25, lexical)
        fused = self._fused(cosine, bm25)
        order = np.argsort(-fused, kind="stable")[:k]
        candidates = [
            Candidate(
                self.entries_[i],
                float(fused[i]),
                float(cosine[i]) if np.isfinite(cosine[i]) else 0.0,
                float(lexical[i]) if np.isfinite(lexical[i]) else 0.0,
            )
            for i in order
        ]
        if self.calibrator_ is None:
            return Retrieval(candidates, float(np.clip(features[0], 0.0, 1.0)), False)
        confidence = float(self.calibrator_.predict_proba(features[None, :])[0, 1])
        return Retrieval(candidates, confidence, True)
