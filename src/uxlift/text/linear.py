"""Linear text classifiers: TF-IDF or encoder embeddings, then logistic regression.

These are the fast, strong baselines every text model here is compared with,
and the first choice when a label set is small or must train in seconds.
Chinese text gets character 1-3 grams (no word boundaries to rely on); other
text gets word 1-2 grams plus character 2-5 grams within words, which copes with
typos and inflections.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from uxlift.text.language import detect_language

C_GRID = (1.0, 4.0, 16.0, 64.0)


def mostly_chinese(texts: Sequence[str], *, sample: int = 500) -> bool:
    """Whether most of (a sample of) ``texts`` are Chinese."""
    chosen = list(texts[:sample])
    if not chosen:
        return False
    return sum(detect_language(t) == "zh" for t in chosen) > len(chosen) / 2


def tfidf_features(chinese: bool) -> Any:
    """An unfitted TF-IDF vectorizer suited to the language."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    if chinese:
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
        ]
    )


def logistic_regression(C: float, *, class_weight: Any = None, seed: int = 0) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, class_weight=class_weight, random_state=seed)


def choose_c(
    train_x: Any,
    train_y: np.ndarray,
    val_x: Any,
    val_y: np.ndarray,
    *,
    grid: Sequence[float] = C_GRID,
    class_weight: Any = None,
    seed: int = 0,
) -> tuple[float, Any]:
    """The C of ``grid`` with the best validation accuracy, and that fitted model."""
    best: tuple[float, float, Any] | None = None
    for c in grid:
        model = logistic_regression(c, class_weight=class_weight, seed=seed).fit(train_x, train_y)
        accuracy = float((model.predict(val_x) == val_y).mean())
        if best is None or accuracy > best[0] + 1e-9:
            best = (accuracy, c, model)
    assert best is not None
    return best[1], best[2]
