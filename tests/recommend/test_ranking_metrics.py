"""Ranking metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from uxlift.recommend.ranking_metrics import RankingAccumulator, top_k


def test_top_k_orders_by_score_then_item_code_and_skips_excluded() -> None:
    scores = np.array([[0.5, 0.9, 0.5, 0.1, 0.5]])
    exclude = sp.csr_matrix(np.array([[0, 1, 0, 0, 0]]))
    assert top_k(scores, 3, exclude)[0].tolist() == [0, 2, 4]
    assert top_k(scores, 3)[0].tolist() == [1, 0, 2]


def test_top_k_gives_a_shorter_list_when_few_items_are_allowed() -> None:
    exclude = sp.csr_matrix(np.array([[1, 1, 0]]))
    assert top_k(np.array([[3.0, 2.0, 1.0]]), 2, exclude)[0].tolist() == [2]


def test_metrics_match_hand_computation() -> None:
    acc = RankingAccumulator(k=3, n_items=10)
    acc.add([np.array([4, 1, 2]), np.array([5, 6, 7])], [np.array([1, 9]), np.array([8])])
    report = acc.report()
    ndcg_first = (1 / np.log2(3)) / (1 + 1 / np.log2(3))  # hit at rank 2 of 2 relevant
    assert report.ndcg == pytest.approx(ndcg_first / 2)
    assert report.recall == pytest.approx((1 / 2 + 0) / 2)
    assert report.hr == pytest.approx(0.5)
    assert report.mrr == pytest.approx((1 / 2) / 2)
    assert report.coverage == pytest.approx(6 / 10)
    assert report.to_dict()["ndcg@3"] == round(ndcg_first / 2, 4)
