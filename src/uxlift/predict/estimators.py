"""Behaviour estimators on feature rows: logistic regression and LightGBM.

Both follow scikit-learn's contract (keyword-only parameters stored as given,
``fit`` returns self, learned attributes end in ``_``, ``NotFitted`` before
fit) and add what a served model needs: ``contributions`` (each feature's
share of a prediction's log-odds, for explanations), ``feature_importance``
and a save/load round trip. The text cross-encoder lives in
:mod:`uxlift.predict.cross_encoder`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from uxlift.errors import InvalidInput, NotFitted
from uxlift.predict.tree_shap import TreeShapTable

C_GRID = (0.01, 0.1, 1.0, 10.0)


def _check_xy(X: np.ndarray, y: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise InvalidInput("X must be a 2-d feature matrix")
    if y is None:
        return X, None
    y = np.asarray(y).astype(np.int64)
    if len(y) != len(X):
        raise InvalidInput(f"X has {len(X)} rows but y has {len(y)} labels")
    if set(np.unique(y).tolist()) - {0, 1}:
        raise InvalidInput("labels must be 0 or 1")
    if len(np.unique(y)) < 2:
        raise InvalidInput("training needs both positive and negative examples")
    return X, y


class LogisticPredictor(ClassifierMixin, BaseEstimator):
    """Median imputation (with missing-value flags), scaling, L2 logistic regression.

    ``C=None`` picks C from :data:`C_GRID` by validation log loss when an
    ``eval_set`` is given (1.0 otherwise).
    """

    def __init__(self, *, C: float | None = None, max_iter: int = 2000, random_state: int = 0):
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(
        self, X: np.ndarray, y: np.ndarray, *, eval_set: tuple[np.ndarray, np.ndarray] | None = None
    ) -> LogisticPredictor:
        X, y = _check_xy(X, y)
        self.imputer_ = SimpleImputer(
            strategy="median", add_indicator=True, keep_empty_features=True
        )
        self.scaler_ = StandardScaler()
        Z = self.scaler_.fit_transform(self.imputer_.fit_transform(X))
        grid = [self.C] if self.C is not None else (C_GRID if eval_set is not None else [1.0])
        best: tuple[float, LogisticRegression] | None = None
        for c in grid:
            model = LogisticRegression(C=c, max_iter=self.max_iter, random_state=self.random_state)
            model.fit(Z, y)
            if len(grid) == 1:
                best = (0.0, model)
                break
            Xv, yv = _check_xy(*eval_set)  # type: ignore[misc]
            loss = log_loss(yv, model.predict_proba(self._scaled(Xv))[:, 1], labels=[0, 1])
            if best is None or loss < best[0]:
                best = (loss, model)
        assert best is not None
        self.model_ = best[1]
        self.C_ = float(self.model_.C)
        self.n_features_in_ = X.shape[1]
        self.classes_ = np.array([0, 1])
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFitted("LogisticPredictor is not fitted")

    def _scaled(self, X: np.ndarray) -> np.ndarray:
        return self.scaler_.transform(self.imputer_.transform(X))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return self.model_.predict_proba(self._scaled(_check_xy(X)[0]))

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature log-odds terms (a feature's missing flag counts as that feature's),
        plus the intercept in the last column; rows sum to the log-odds."""
        self._check_fitted()
        X = _check_xy(X)[0]
        terms = self._scaled(X) * self.model_.coef_[0]
        n = X.shape[1]
        per_feature = terms[:, :n].copy()
        flagged = self.imputer_.indicator_.features_ if self.imputer_.indicator_ else []
        for j, feature in enumerate(flagged):
            per_feature[:, feature] += terms[:, n + j]
        return np.column_stack([per_feature, np.full(len(X), self.model_.intercept_[0])])

    def feature_importance(self) -> np.ndarray:
        """|coefficient| on the standardized feature (missing flags added in)."""
        self._check_fitted()
        coef = np.abs(self.model_.coef_[0])
        n = self.n_features_in_
        importance = coef[:n].copy()
        flagged = self.imputer_.indicator_.features_ if self.imputer_.indicator_ else []
        for j, feature in enumerate(flagged):
            importance[feature] += coef[n + j]
        return importance

    def save(self, path: Path) -> Path:
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path / "logistic.joblib")
        return path

    @classmethod
    def load(cls, path: Path) -> LogisticPredictor:
        model = joblib.load(Path(path) / "logistic.joblib")
        if not isinstance(model, cls):
            raise InvalidInput(f"{path} does not hold a LogisticPredictor")
        return model


class LightGBMPredictor(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees (LightGBM), early-stopped on the validation set's log loss.

    The defaults are small, heavily regularized trees: on the demo store they gave
    the lowest validation log loss among the configurations tried (see
    docs/notes/behaviour-prediction.md); behaviour labels are rare and noisy.
    """

    def __init__(
        self,
        *,
        n_estimators: int = 2000,
        learning_rate: float = 0.05,
        num_leaves: int = 7,
        min_child_samples: int = 200,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        reg_lambda: float = 1.0,
        early_stopping_rounds: int = 100,
        n_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.early_stopping_rounds = early_stopping_rounds
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _params(self) -> dict[str, Any]:
        return {
            "objective": "binary",
            "metric": "binary_logloss",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
            "num_threads": self.n_jobs,
            "seed": self.random_state,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }

    def fit(
        self, X: np.ndarray, y: np.ndarray, *, eval_set: tuple[np.ndarray, np.ndarray] | None = None
    ) -> LightGBMPredictor:
        import lightgbm as lgb

        X, y = _check_xy(X, y)
        train = lgb.Dataset(X, y, free_raw_data=True)
        callbacks = []
        valid_sets = []
        if eval_set is not None:
            Xv, yv = _check_xy(*eval_set)
            valid_sets = [lgb.Dataset(Xv, yv, reference=train)]
            callbacks.append(lgb.early_stopping(self.early_stopping_rounds, verbose=False))
        booster = lgb.train(
            self._params(),
            train,
            num_boost_round=self.n_estimators,
            valid_sets=valid_sets,
            callbacks=callbacks,
        )
        self.best_iteration_ = int(booster.best_iteration or booster.current_iteration())
        self.booster_ = booster
        self.n_features_in_ = X.shape[1]
        self.classes_ = np.array([0, 1])
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise NotFitted("LightGBMPredictor is not fitted")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        self._check_fitted()
        p = self.booster_.predict(_check_xy(X)[0], num_iteration=self.best_iteration_)
        return np.column_stack([1 - p, p])

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """TreeSHAP values per feature plus the expected value (last column), in log-odds.

        Small trees are explained from precomputed per-pattern tables
        (:mod:`uxlift.predict.tree_shap`, same values, several times faster);
        others through LightGBM's ``pred_contrib``.
        """
        self._check_fitted()
        X = _check_xy(X)[0]
        table = self.shap_table()
        if table is not None:
            return table.contributions(X)
        return self.booster_.predict(X, num_iteration=self.best_iteration_, pred_contrib=True)

    def shap_table(self) -> TreeShapTable | None:
        """The lookup explainer for this booster (built once, about 0.5 s for 300 trees)."""
        cached = self.__dict__.get("_shap_table")
        if cached is None or cached[0] is not self.booster_:
            table = TreeShapTable.from_booster(self.booster_, num_iteration=self.best_iteration_)
            cached = (self.booster_, table)
            self.__dict__["_shap_table"] = cached
        return cached[1]

    def feature_importance(self) -> np.ndarray:
        """Total gain of the splits on each feature."""
        self._check_fitted()
        return self.booster_.feature_importance(
            importance_type="gain", iteration=self.best_iteration_
        ).astype(np.float64)

    def save(self, path: Path) -> Path:
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lightgbm.txt").write_text(
            self.booster_.model_to_string(num_iteration=self.best_iteration_), encoding="utf-8"
        )
        (path / "lightgbm.json").write_text(
            json.dumps({"params": self.get_params(), "best_iteration": self.best_iteration_}),
            encoding="utf-8",
        )
        return path

    @classmethod
    def load(cls, path: Path) -> LightGBMPredictor:
        import lightgbm as lgb

        path = Path(path)
        meta = json.loads((path / "lightgbm.json").read_text(encoding="utf-8"))
        model = cls(**meta["params"])
        model.booster_ = lgb.Booster(model_str=(path / "lightgbm.txt").read_text(encoding="utf-8"))
        model.best_iteration_ = int(meta["best_iteration"])
        model.n_features_in_ = model.booster_.num_feature()
        model.classes_ = np.array([0, 1])
        model.shap_table()  # a server loads the model once, then explains every request
        return model
