"""Co-visitation: items touched close together in one session, recent sessions first.

Two interactions co-visit when one user made them in the same session (no gap
longer than ``gap_s`` between consecutive interactions) at most ``window``
steps apart. Each pair counts both ways, by 1 / steps, decayed by how long
before the end of the log it happened (half-life ``half_life_days``). Each row
is scaled to sum to 1 and keeps its ``keep`` largest entries: a user's score
for an item is then the recency-weighted share of their recent items'
co-visits that went to it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from uxlift.recommend.interactions import Interactions

_DAY = 86_400.0


def covisitation(
    train: Interactions,
    *,
    window: int = 5,
    gap_s: float = 30 * 60.0,
    half_life_days: float = 60.0,
    keep: int = 100,
) -> sp.csr_matrix:
    """The (n_items, n_items) co-visitation matrix of ``train``."""
    n_items = train.n_items
    order = np.lexsort((train.time, train.user))
    user, item, time = train.user[order], train.item[order], train.time[order]
    if len(item) < 2:
        return sp.csr_matrix((n_items, n_items), dtype=np.float32)
    new_session = np.r_[True, (user[1:] != user[:-1]) | (np.diff(time) > gap_s)]
    session = np.cumsum(new_session)
    end = float(time.max())
    rows, cols, values = [], [], []
    for step in range(1, min(window, len(item) - 1) + 1):
        same = session[step:] == session[:-step]
        first, second = item[:-step][same], item[step:][same]
        weight = np.exp2(-(end - time[step:][same]) / (half_life_days * _DAY)) / step
        rows += [first, second]
        cols += [second, first]
        values += [weight, weight]
    matrix = sp.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_items, n_items),
    )  # repeated pairs are summed
    matrix.setdiag(0.0)
    matrix.eliminate_zeros()
    totals = np.asarray(matrix.sum(axis=1)).ravel()
    matrix = sp.diags(1.0 / np.where(totals > 0, totals, 1.0)) @ matrix
    return _keep_largest(matrix.tocsr(), keep).astype(np.float32)


def _keep_largest(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Each row's ``keep`` largest entries."""
    lengths = np.diff(matrix.indptr)
    if lengths.max(initial=0) <= keep:
        return matrix
    data = matrix.data.copy()
    for row in np.flatnonzero(lengths > keep).tolist():
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        values = data[lo:hi]
        cut = np.partition(values, hi - lo - keep)[hi - lo - keep]
        smaller = np.flatnonzero(values < cut)
        values[smaller] = 0.0
        ties = np.flatnonzero(values == cut)
        extra = (hi - lo - len(smaller)) - keep  # equal values beyond the budget
        if extra > 0:
            values[ties[len(ties) - extra :]] = 0.0
    pruned = sp.csr_matrix((data, matrix.indices.copy(), matrix.indptr.copy()), shape=matrix.shape)
    pruned.eliminate_zeros()
    return pruned
