"""GroupTimeline answers point-in-time questions exactly like a slow loop would."""

from __future__ import annotations

import numpy as np

from uxlift.predict.prefix import GroupTimeline, boundaries, pair_key


def _brute(group, values, times, q_group, q_boundary, q_time=None, half_life=None):
    out = []
    for g, b, t in zip(q_group, q_boundary, q_time if q_time is not None else q_group, strict=True):
        total = 0.0
        for pos in range(b):
            if group[pos] == g and g >= 0:
                w = 1.0 if half_life is None else 2.0 ** (-(t - times[pos]) / half_life)
                total += values[pos] * w
        out.append(total)
    return np.array(out)


def test_sums_counts_and_decay_match_a_loop() -> None:
    rng = np.random.default_rng(0)
    n = 300
    times = np.sort(rng.uniform(0, 1000, n))
    group = rng.integers(-1, 12, n)
    values = rng.normal(size=n)
    q_time = rng.uniform(0, 1100, 80)
    q_group = rng.integers(-1, 14, 80)  # includes groups with no events
    q_boundary = boundaries(times, q_time)
    timeline = GroupTimeline(group)
    np.testing.assert_allclose(
        timeline.sum(values, q_group, q_boundary), _brute(group, values, times, q_group, q_boundary)
    )
    np.testing.assert_allclose(
        timeline.count(q_group, q_boundary),
        _brute(group, np.ones(n), times, q_group, q_boundary),
    )
    np.testing.assert_allclose(
        timeline.decayed_sum(values, times, q_group, q_boundary, q_time, 50.0),
        _brute(group, values, times, q_group, q_boundary, q_time, 50.0),
        atol=1e-9,
    )


def test_last_first_recent_and_next() -> None:
    group = np.array([0, 1, 0, 0, 1, -1, 0])
    timeline = GroupTimeline(group)
    q = np.array([0, 0, 1, 2, 0])
    b = np.array([0, 3, 7, 7, 7])
    assert timeline.last(q, b).tolist() == [-1, 2, 4, -1, 6]
    assert timeline.first(q, b).tolist() == [-1, 0, 1, -1, 0]
    assert timeline.recent(q, b, 2).tolist() == [[-1, -1], [2, 0], [4, 1], [-1, -1], [6, 3]]
    assert timeline.next_from(np.array([0, 0, 1, 0]), np.array([1, 4, 2, 7])).tolist() == [
        2, 6, 4, -1,
    ]  # fmt: skip


def test_vector_sums_and_pair_keys() -> None:
    group = pair_key(np.array([0, 0, 1, -1]), np.array([2, 2, 2, 1]), 5)
    assert group.tolist() == [2, 2, 7, -1]
    vectors = np.arange(8.0).reshape(4, 2)
    sums = GroupTimeline(group).sum(vectors, np.array([2, 7, 3]), np.array([4, 4, 4]))
    assert sums.tolist() == [[2.0, 4.0], [4.0, 5.0], [0.0, 0.0]]


def test_boundary_is_strictly_before() -> None:
    times = np.array([1.0, 2.0, 2.0, 3.0])
    assert boundaries(times, np.array([0.5, 2.0, 2.5, 9.0])).tolist() == [0, 1, 3, 4]
