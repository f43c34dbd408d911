"""Exact TreeSHAP for small trees by table lookup: fast explanations at serving time.

Path-dependent TreeSHAP (Lundberg et al., 2018, "Consistent individualized
feature attribution for tree ensembles") gives a row's contributions from the
tree's structure, its node counts and the row's *decision at every split*
(left or right). A tree with k splits has at most 2**k decision patterns, so for
the small trees uxlift trains (7 leaves, 6 splits, 64 patterns) every tree's
contributions can be computed once per pattern when a model is loaded.
Explaining a row then costs one comparison per split, a table lookup per tree
and a scatter-add: about a tenth of LightGBM's own ``pred_contrib``, with the
same numbers (a test compares them).

LightGBM has no API for this, and the ``shap`` package's explainer is no faster
per row, so the recursion (vectorized over all patterns of a tree) is written
here. Models with categorical splits or bigger trees use ``pred_contrib``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.errors import InvalidInput

MAX_SPLITS_PER_TREE = 8  # 256 patterns per tree at most (one byte)
_ZERO = float(np.float32(1e-35))  # LightGBM's kZeroThreshold (a float)
_CHUNK_ROWS = 1024  # rows per lookup pass: bounds the (rows, trees, splits) temporaries


@dataclass(frozen=True)
class _Tree:
    """One tree as arrays: splits 0..k-1 (root first) and leaves; child < 0 is leaf ~child."""

    feature: np.ndarray
    threshold: np.ndarray
    default_left: np.ndarray
    missing: np.ndarray  # 0 none, 1 zero, 2 nan
    left: np.ndarray
    right: np.ndarray
    split_count: np.ndarray
    leaf_value: np.ndarray
    leaf_count: np.ndarray

    @property
    def n_splits(self) -> int:
        return len(self.feature)

    def expected_value(self) -> float:
        return float(self.leaf_value @ self.leaf_count / self.leaf_count.sum())


_MISSING = {"None": 0, "Zero": 1, "NaN": 2}


def _parse_tree(structure: dict) -> _Tree | None:
    """A dumped LightGBM tree as arrays; None if it has a split this module cannot read."""
    splits: list[dict] = []
    leaves: list[dict] = []

    def visit(node: dict) -> int:
        if "leaf_value" in node:
            leaves.append(node)
            return ~(len(leaves) - 1)
        index = len(splits)
        splits.append(node)
        node["_left"] = visit(node["left_child"])
        node["_right"] = visit(node["right_child"])
        return index

    visit(structure)
    if any(s.get("decision_type") != "<=" for s in splits):
        return None
    return _Tree(
        feature=np.array([s["split_feature"] for s in splits], dtype=np.int64),
        threshold=np.array([s["threshold"] for s in splits], dtype=np.float64),
        default_left=np.array([bool(s["default_left"]) for s in splits]),
        missing=np.array([_MISSING[s["missing_type"]] for s in splits], dtype=np.int64),
        left=np.array([s["_left"] for s in splits], dtype=np.int64),
        right=np.array([s["_right"] for s in splits], dtype=np.int64),
        split_count=np.array([s["internal_count"] for s in splits], dtype=np.float64),
        leaf_value=np.array([leaf["leaf_value"] for leaf in leaves], dtype=np.float64),
        leaf_count=np.array([leaf.get("leaf_count", 1) for leaf in leaves], dtype=np.float64),
    )


def _pattern_contributions(tree: _Tree) -> tuple[np.ndarray, np.ndarray]:
    """(distinct features of the tree, contributions of shape (2**k, n_features_of_tree)).

    Pattern bit j set means "split j sends the row left". The recursion is the
    standard one, with each path element's one-fraction and weight held as
    vectors over all patterns at once (zero-fractions do not depend on the row).
    """
    k = tree.n_splits
    patterns = np.arange(1 << k)
    goes_left = ((patterns[:, None] >> np.arange(k)[None, :]) & 1).astype(np.float64)
    features = np.unique(tree.feature)
    slot = {int(f): i for i, f in enumerate(features)}
    phi = np.zeros((len(patterns), len(features)))

    def count(child: int) -> float:
        return float(tree.leaf_count[~child] if child < 0 else tree.split_count[child])

    def recurse(node: int, path: list[list], zero: float, one: np.ndarray, feature: int) -> None:
        path = _extend([list(e) for e in path], zero, one, feature)
        if node < 0:
            value = tree.leaf_value[~node]
            for i in range(1, len(path)):
                weight = _unwound_sum(path, i)
                phi[:, slot[path[i][0]]] += weight * (path[i][2] - path[i][1]) * value
            return
        split_feature = int(tree.feature[node])
        incoming_zero, incoming_one = 1.0, np.ones(len(patterns))
        for i in range(1, len(path)):
            if path[i][0] == split_feature:
                incoming_zero, incoming_one = path[i][1], path[i][2]
                path = _unwind(path, i)
                break
        total = float(tree.split_count[node])
        left, right = int(tree.left[node]), int(tree.right[node])
        recurse(left, path, incoming_zero * count(left) / total,
                incoming_one * goes_left[:, node], split_feature)  # fmt: skip
        recurse(right, path, incoming_zero * count(right) / total,
                incoming_one * (1.0 - goes_left[:, node]), split_feature)  # fmt: skip

    if k:
        recurse(0, [], 1.0, np.ones(len(patterns)), -1)
    return features, phi


# A path element is [feature, zero_fraction (float), one_fraction (vector), weight (vector)].


def _extend(path: list[list], zero: float, one: np.ndarray, feature: int) -> list[list]:
    depth = len(path)
    path.append([feature, zero, one, np.full(len(one), 1.0 if depth == 0 else 0.0)])
    for i in range(depth - 1, -1, -1):
        path[i + 1][3] = path[i + 1][3] + one * path[i][3] * (i + 1) / (depth + 1)
        path[i][3] = zero * path[i][3] * (depth - i) / (depth + 1)
    return path


def _unwind(path: list[list], index: int) -> list[list]:
    """The path without element ``index``, weights rescaled as if it had never been added."""
    depth = len(path) - 1
    zero, one = path[index][1], path[index][2]
    hot = one != 0
    safe_one = np.where(hot, one, 1.0)
    carry = path[depth][3].copy()
    weights = [e[3].copy() for e in path]
    for i in range(depth - 1, -1, -1):
        with_one = carry * (depth + 1) / ((i + 1) * safe_one)
        without_one = weights[i] * (depth + 1) / (zero * (depth - i)) if zero else weights[i] * 0
        new_carry = weights[i] - with_one * zero * (depth - i) / (depth + 1)
        weights[i] = np.where(hot, with_one, without_one)
        carry = np.where(hot, new_carry, carry)
    # Weights stay in place; features and fractions after ``index`` move up one.
    return [[*(path[i] if i < index else path[i + 1])[:3], weights[i]] for i in range(depth)]


def _unwound_sum(path: list[list], index: int) -> np.ndarray:
    """Sum of the weights the path would have without element ``index``."""
    depth = len(path) - 1
    zero, one = path[index][1], path[index][2]
    hot = one != 0
    safe_one = np.where(hot, one, 1.0)
    carry = path[depth][3].copy()
    total = np.zeros(len(one))
    for i in range(depth - 1, -1, -1):
        with_one = carry * (depth + 1) / ((i + 1) * safe_one)
        without_one = path[i][3] / zero * (depth + 1) / (depth - i) if zero else 0.0 * carry
        total += np.where(hot, with_one, without_one)
        carry = np.where(hot, path[i][3] - with_one * zero * (depth - i) / (depth + 1), carry)
    return total


class TreeShapTable:
    """Contributions of a LightGBM model, exact, from precomputed per-pattern tables.

    ``contributions(X)`` returns what ``booster.predict(X, pred_contrib=True)``
    returns for a binary model: one column per feature plus the expected value.
    """

    def __init__(self, trees: list[_Tree], n_features: int) -> None:
        self.n_features = n_features
        n_trees = len(trees)
        width = max([t.n_splits for t in trees] + [1])
        self.bias = float(sum(t.expected_value() for t in trees))
        # Splits padded to ``width`` per tree; a padding split always goes left.
        self._feature = np.zeros((n_trees, width), dtype=np.int64)
        self._threshold = np.full((n_trees, width), np.inf)
        self._default_left = np.ones((n_trees, width), dtype=bool)
        self._missing = np.zeros((n_trees, width), dtype=np.int64)
        self._slot_feature = np.full((n_trees, width), n_features, dtype=np.int64)
        self._table = np.zeros((n_trees, 1 << width, width))
        padding = np.arange(1 << width)
        for t, tree in enumerate(trees):
            k = tree.n_splits
            self._feature[t, :k] = tree.feature
            self._threshold[t, :k] = tree.threshold
            self._default_left[t, :k] = tree.default_left
            self._missing[t, :k] = tree.missing
            features, phi = _pattern_contributions(tree)
            self._slot_feature[t, : len(features)] = features
            # Padding bits are always 1 (left): those patterns map to the tree's own ones.
            own = padding & ((1 << k) - 1)
            self._table[t, :, : len(features)] = phi[own]
        self._nan_left = np.where(self._missing == 0, self._threshold >= 0.0, self._default_left)
        self._has_zero_type = bool((self._missing == 1).any())

    @classmethod
    def from_booster(cls, booster, num_iteration: int | None = None) -> TreeShapTable | None:
        """A table for a binary LightGBM booster, or None if its trees do not fit one."""
        dump = booster.dump_model(num_iteration=num_iteration)
        if dump.get("num_class", 1) != 1 or dump.get("num_tree_per_iteration", 1) != 1:
            return None
        trees = []
        for info in dump["tree_info"]:
            tree = _parse_tree(info["tree_structure"])
            if tree is None or tree.n_splits > MAX_SPLITS_PER_TREE:
                return None
            trees.append(tree)
        return cls(trees, int(dump["max_feature_idx"]) + 1)

    def goes_left(self, X: np.ndarray) -> np.ndarray:
        """(rows, trees, splits) booleans: LightGBM's numerical decision at every split.

        A missing value goes the split's default way, except under missing type
        "None", where it is read as 0.0; under "Zero", zeros go the default way.
        Like LightGBM, values within its zero threshold count as exact zeros.
        """
        X = np.asarray(X)
        with np.errstate(invalid="ignore"):
            X = np.where(np.abs(X) <= _ZERO, 0.0, X)  # LightGBM reads tiny values as zeros
        values = X[:, self._feature]
        with np.errstate(invalid="ignore"):
            left = values <= self._threshold[None]
        nan = np.isnan(values)
        if nan.any():
            left = np.where(nan, self._nan_left[None], left)
        if self._has_zero_type:
            zero = (self._missing[None] == 1) & (np.abs(values) <= _ZERO)
            left = np.where(zero, self._default_left[None], left)
        return left

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """(rows, features + 1): each feature's log-odds contribution, then the bias."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise InvalidInput(f"expected rows of {self.n_features} features")
        if len(X) <= _CHUNK_ROWS:
            return self._contributions(X)
        return np.vstack([self._contributions(X[i : i + _CHUNK_ROWS])
                          for i in range(0, len(X), _CHUNK_ROWS)])  # fmt: skip

    def _contributions(self, X: np.ndarray) -> np.ndarray:
        n = len(X)
        left = self.goes_left(X)
        pattern = np.zeros(left.shape[:2], dtype=np.int64)
        for bit in range(left.shape[2]):
            pattern |= left[:, :, bit].astype(np.int64) << bit
        n_trees = self._table.shape[0]
        values = self._table[np.arange(n_trees)[None, :], pattern]  # (rows, trees, slots)
        columns = self.n_features + 1
        index = np.arange(n)[:, None, None] * columns + self._slot_feature[None]
        out = np.bincount(index.ravel(), weights=values.ravel(), minlength=n * columns)
        out = out.reshape(n, columns)
        out[:, -1] = self.bias
        return out
