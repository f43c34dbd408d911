"""``TextClassifier``: one estimator for every text-labelling job in uxlift.

Intents (assist), sentiment and topics (monitor) all train through it. Three
methods share the scikit-learn contract:

* ``"tfidf+logreg"``: TF-IDF n-grams and logistic regression (seconds to train);
* ``"embedding+logreg"``: frozen encoder embeddings and logistic regression;
* ``"tfidf+embedding+logreg"``: both feature sets side by side in one logistic
  regression (the embeddings scaled by ``HYBRID_SCALE`` so that neither set
  drowns the other): n-grams catch the domain's own words, embeddings the
  meaning; the default for multilingual-e5, which cannot be fine-tuned here;
* ``"finetune"``: the encoder fine-tuned end to end (full or LoRA), optionally
  blended with the two linear models, whose errors differ from its own.

Encoders joined by ``+`` make an ensemble (``method_ == "ensemble"``): one member
per encoder, each trained on the same split by the method asked for, and their
calibrated probabilities averaged. ``"minilm+e5-torch"`` fine-tunes two
pretrained models, which err on different texts; with ``method="auto"`` each
member takes its encoder's own method, so ``"e5+e5-torch"`` averages the
multilingual-e5 hybrid and fine-tuned e5 (a pairing that helps on Chinese reviews,
where MiniLM cannot read). ``seeds_per_encoder`` trains each fine-tuned member
with several training seeds, all averaged.

``method="auto"`` fine-tunes when the encoder reads the texts' language (the
hybrid for multilingual-e5), and falls back to TF-IDF otherwise (e.g. Chinese
texts with the English default encoder). Probabilities are calibrated by
temperature scaling on a held-out validation split, which also picks C for the
linear models and stops fine-tuning early.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from uxlift.errors import ConfigError, InvalidInput, NotFitted
from uxlift.text import linear
from uxlift.text.blending import blended, choose_blend
from uxlift.text.calibration import apply_temperature, fit_temperature
from uxlift.text.splits import validation_split

# Fine-tuning settings for an encoder when none are given (measured on the
# sentiment sets, docs/notes/text-classifier.md): multilingual-e5-small has twice
# MiniLM's layers and over-fits sooner.
FINETUNE_DEFAULTS: dict[str, tuple[float, int]] = {"e5-torch": (5e-5, 4)}
FINETUNE_FALLBACK: tuple[float, int] = (1e-4, 8)  # learning rate, most epochs
ENSEMBLE_JOIN = "+"

METHODS = ("auto", "tfidf+logreg", "embedding+logreg", "tfidf+embedding+logreg", "finetune")
ENSEMBLE = "ensemble"  # method_ of a classifier whose members_ answer
HYBRID_SCALE = 2.0
FORMAT_VERSION = 1


class TextClassifier(ClassifierMixin, BaseEstimator):
    """Labels texts; see the module docstring for the methods.

    With ``blend`` a fine-tuned model's log-probabilities are mixed with those of
    TF-IDF and frozen-embedding logistic regressions, weights picked on the
    validation split (all zero when blending does not help there).
    ``max_length`` (tokens per text when fine-tuning) defaults to the first of 64,
    128 and 256 that over nine tenths of the training texts fit; a longer text
    keeps its head and tail (:mod:`uxlift.text.encoder_classifier`).
    ``class_weight="auto"`` balances classes when the largest is over three
    times the smallest. ``augment="auto"`` adds perturbed
    copies when classes have fewer than 20 examples on median. The validation
    split takes ``validation_fraction`` of the texts but at most
    ``max_validation`` of them: a few hundred suffice to stop early, pick C and
    calibrate, and the rest is better spent on training. ``out_of_scope=True``
    also learns how validation texts score, so :meth:`scope` can tell texts of
    no known class (:mod:`uxlift.text.open_set`; intents need it, sentiment does
    not, and it costs an extra encoding pass when the blend is off).
    ``seeds_per_encoder`` (ensembles only): how many training seeds each
    fine-tuned member gets (``random_state``, ``random_state + 1``, ...); members
    trained by a linear method run once. ``split_seed`` seeds the validation
    split (default ``random_state``), so seeded members share their ensemble's split.
    """

    def __init__(
        self,
        *,
        method: str = "auto",
        encoder: str = "minilm",
        finetune_method: str = "full",
        epochs: int | None = None,
        learning_rate: float | None = None,
        batch_size: int = 32,
        max_length: int | None = None,
        blend: bool = True,
        class_weight: str | None = "auto",
        augment: bool | str = "auto",
        validation: str = "stratified",
        validation_fraction: float = 0.1,
        max_validation: int = 800,
        patience: int = 3,
        C: float | None = None,
        calibrate: bool = True,
        out_of_scope: bool = False,
        time_budget_s: float | None = None,
        checkpoint_dir: str | None = None,
        models_dir: str | None = None,
        progress: bool = False,
        seeds_per_encoder: int = 1,
        split_seed: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.encoder = encoder
        self.finetune_method = finetune_method
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.blend = blend
        self.class_weight = class_weight
        self.augment = augment
        self.validation = validation
        self.validation_fraction = validation_fraction
        self.max_validation = max_validation
        self.patience = patience
        self.C = C
        self.calibrate = calibrate
        self.out_of_scope = out_of_scope
        self.time_budget_s = time_budget_s
        self.checkpoint_dir = checkpoint_dir
        self.models_dir = models_dir
        self.progress = progress
        self.seeds_per_encoder = seeds_per_encoder
        self.split_seed = split_seed
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        times: Sequence[float] | None = None,
        tracker: Any = None,
    ) -> TextClassifier:
        """Train on ``texts`` and ``labels``; ``times`` enable a chronological split.

        ``tracker`` (e.g. :class:`uxlift.text.tracking.RunTracker`) receives the
        parameters, per-epoch metrics and validation figures.
        """
        texts = _check_texts(texts, "texts")
        if len(labels) != len(texts):
            raise InvalidInput(
                "labels must have one entry per text",
                details=[
                    {"field": "labels", "reason": f"{len(labels)} labels for {len(texts)} texts"}
                ],
            )
        if len(set(labels)) < 2:
            raise InvalidInput(
                "a classifier needs at least two distinct labels",
                details=[{"field": "labels", "reason": "one class only"}],
            )
        for learned in [name for name in vars(self) if name.endswith("_")]:
            delattr(self, learned)  # a refit starts clean
        self.__dict__.pop("_validation_proba", None)
        self.classes_ = np.array(sorted(set(labels), key=str), dtype=object)
        index = {label: i for i, label in enumerate(self.classes_.tolist())}
        y = np.array([index[label] for label in labels], dtype=np.int64)
        started = time.monotonic()
        self.method_ = self._resolve_method(texts)
        train, val = validation_split(
            y,
            strategy=self.validation,
            fraction=min(self.validation_fraction, self.max_validation / len(texts)),
            times=times,
            seed=self._split_seed(),
        )
        if tracker is not None:
            tracker.log_params(
                {
                    **self.get_params(),
                    "resolved_method": self.method_,
                    "n_train": len(train),
                    "n_validation": len(val),
                    "n_classes": len(self.classes_),
                }
            )
        if self.ensemble_encoders():
            val_logits = self._fit_members(texts, list(labels), times, val)
        else:
            fitter = {
                "tfidf+logreg": self._fit_tfidf,
                "embedding+logreg": self._fit_embedding,
                "tfidf+embedding+logreg": self._fit_hybrid,
                "finetune": self._fit_finetune,
            }[self.method_]
            val_logits = fitter(texts, y, train, val, tracker)
        self.temperature_ = (
            fit_temperature(val_logits, y[val]) if self.calibrate and len(val) else 1.0
        )
        self.validation_accuracy_ = (
            float((val_logits.argmax(axis=1) == y[val]).mean()) if len(val) else float("nan")
        )
        if len(val):  # an ensemble averages these: its members' final refits saw val
            self._validation_proba = apply_temperature(val_logits, self.temperature_)
        if self.out_of_scope and len(val):
            self._fit_open_set(texts, train, val, val_logits)
        self.__dict__.pop("_vectors", None)
        self.fit_seconds_ = time.monotonic() - started
        if tracker is not None:
            tracker.log_metrics(
                {
                    "validation_accuracy": self.validation_accuracy_,
                    "temperature": self.temperature_,
                    "fit_seconds": self.fit_seconds_,
                }
            )
        return self

    def _fit_open_set(
        self, texts: list[str], train: np.ndarray, val: np.ndarray, val_logits: np.ndarray
    ) -> None:
        """Learn how in-scope validation texts score (see :mod:`uxlift.text.open_set`)."""
        from uxlift.text.open_set import OpenSetCalibration, neighbour_similarity

        vectors = getattr(self, "_vectors", None)
        vectors = self._representation(texts) if vectors is None else _unit(vectors)
        self.bank_ = vectors[train]
        similarity = neighbour_similarity(self.bank_, vectors[val])
        confidence = apply_temperature(val_logits, self.temperature_).max(axis=1)
        self.open_set_ = OpenSetCalibration.fit(confidence, similarity)

    def ensemble_encoders(self) -> list[str]:
        """The encoders of an ensemble (``encoder="minilm+e5-torch"``); [] for one."""
        names = [n.strip() for n in self.encoder.split(ENSEMBLE_JOIN)]
        return names if len(names) > 1 else []

    def _fit_members(
        self, texts: list[str], labels: list[Any], times: Sequence[float] | None, val: np.ndarray
    ) -> np.ndarray:
        """Train one classifier per encoder and training seed (each on this split:
        same labels, times and method); the ensemble's validation scores are their
        averaged probabilities."""
        from sklearn.base import clone

        self.members_, held_out = [], []
        seeds = self._seeds_per_member()
        for name in self.ensemble_encoders():
            template = clone(self).set_params(
                encoder=name, split_seed=self._split_seed(), seeds_per_encoder=1
            )
            runs = seeds if template._resolve_method(texts) == "finetune" else 1
            for k in range(runs):
                member = clone(template).set_params(random_state=self.random_state + k)
                self.members_.append(member.fit(texts, labels, times=times))
                held_out.append(member.__dict__.pop("_validation_proba", None))
        if not len(val):
            return np.zeros((0, len(self.classes_)))
        # Each member's scores from before its final refit on every text (the same
        # split: same labels, times and seed); predicting val now would reuse texts
        # the refits learned, and calibrate the average on scores too good to be true.
        averaged = np.mean(held_out, axis=0)
        return np.log(np.clip(averaged, 1e-12, None))

    def _split_seed(self) -> int:
        return self.random_state if self.split_seed is None else self.split_seed

    def _seeds_per_member(self) -> int:
        """Training seeds per fine-tuned member of an ensemble."""
        seeds = self.seeds_per_encoder
        if isinstance(seeds, int) and not isinstance(seeds, bool) and seeds >= 1:
            return seeds
        raise InvalidInput(
            f"seeds_per_encoder must be a whole number >= 1, not {seeds!r}",
            details=[{"field": "seeds_per_encoder", "reason": "not a whole number >= 1"}],
        )

    def _averaged_log_proba(self, texts: list[str]) -> np.ndarray:
        averaged = np.mean([m.predict_proba(texts) for m in self.members_], axis=0)
        return np.log(np.clip(averaged, 1e-12, None))

    def finetune_settings(self) -> tuple[float, int]:
        """(learning rate, most epochs): those given, else the encoder's defaults."""
        rate, epochs = FINETUNE_DEFAULTS.get(self.encoder, FINETUNE_FALLBACK)
        return (
            rate if self.learning_rate is None else self.learning_rate,
            epochs if self.epochs is None else self.epochs,
        )

    def _representation(self, texts: list[str]) -> Any:
        """Unit-length vectors the out-of-scope detector compares texts by."""
        if getattr(self, "members_", None):
            return self.members_[0]._representation(texts)
        if self.method_ == "tfidf+logreg":
            return _unit(self.tfidf_.transform(texts))
        return _unit(self._encoder().encode(texts))

    def _resolve_method(self, texts: list[str]) -> str:
        if self.method not in METHODS:
            raise InvalidInput(
                f"method must be one of {METHODS}, not {self.method!r}",
                details=[{"field": "method", "reason": "unknown method"}],
            )
        if self.ensemble_encoders():
            if self.method not in ("auto", "finetune"):
                raise InvalidInput(
                    f"an ensemble of encoders ({self.encoder!r}) is fine-tuned or trained by "
                    f"each member's own method: use method 'finetune' or 'auto', "
                    f"not {self.method!r}",
                    details=[{"field": "method", "reason": "not an ensemble method"}],
                )
            return ENSEMBLE
        if self.method != "auto":
            return self.method
        english_encoder = self.encoder in ("minilm", "minilm-fast")
        if english_encoder and linear.mostly_chinese(texts):
            return "tfidf+logreg"
        if self.encoder == "e5":
            return "tfidf+embedding+logreg"
        return "finetune"

    def _class_weights(self, y: np.ndarray) -> np.ndarray | None:
        counts = np.bincount(y, minlength=len(self.classes_)).astype(np.float64)
        if self.class_weight == "balanced" or (
            self.class_weight == "auto" and counts.max() > 3 * max(counts.min(), 1)
        ):
            return counts.sum() / (len(counts) * np.maximum(counts, 1))
        if self.class_weight in (None, "auto"):
            return None
        raise InvalidInput(
            f"class_weight must be 'auto', 'balanced' or None, not {self.class_weight!r}"
        )

    def _sklearn_weight(self, y: np.ndarray) -> dict[int, float] | None:
        weights = self._class_weights(y)
        return None if weights is None else dict(enumerate(weights.tolist()))

    def _fit_tfidf(
        self, texts: list[str], y: np.ndarray, train: np.ndarray, val: np.ndarray, tracker: Any
    ) -> np.ndarray:
        self.tfidf_, self.tfidf_model_, logits = self._linear_on_tfidf(texts, y, train, val)
        return logits

    def _linear_on_tfidf(
        self, texts: list[str], y: np.ndarray, train: np.ndarray, val: np.ndarray
    ) -> tuple[Any, Any, np.ndarray]:
        vectorizer = linear.tfidf_features(linear.mostly_chinese(texts))
        features = vectorizer.fit_transform([texts[i] for i in train])
        val_features = vectorizer.transform([texts[i] for i in val])
        model, val_logits = self._fit_linear(features, y[train], val_features, y[val])
        if len(val):
            features = vectorizer.fit_transform(texts)
            model = linear.logistic_regression(
                model.C, class_weight=self._sklearn_weight(y), seed=self.random_state
            ).fit(features, y)
        return vectorizer, model, val_logits

    def _fit_linear(
        self, x: Any, y: np.ndarray, val_x: Any, val_y: np.ndarray
    ) -> tuple[Any, np.ndarray]:
        weight = self._sklearn_weight(y)
        if self.C is not None or not len(val_y):
            model = linear.logistic_regression(
                self.C or 4.0, class_weight=weight, seed=self.random_state
            ).fit(x, y)
        else:
            _, model = linear.choose_c(
                x, y, val_x, val_y, class_weight=weight, seed=self.random_state
            )
        val_logits = (
            _as_logits(model.decision_function(val_x))
            if len(val_y)
            else np.zeros((0, len(self.classes_)))
        )
        return model, val_logits

    def _encoder(self) -> Any:
        from uxlift.text.encoders import encoder_from_spec

        return encoder_from_spec(
            self.encoder, models_dir=Path(self.models_dir) if self.models_dir else None
        )

    def _linear_on_embeddings(
        self, texts: list[str], y: np.ndarray, train: np.ndarray, val: np.ndarray
    ) -> tuple[Any, np.ndarray]:
        encoder = self._encoder()
        vectors = encoder.encode(texts)
        self._vectors = vectors  # reused by the out-of-scope detector
        model, val_logits = self._fit_linear(vectors[train], y[train], vectors[val], y[val])
        if len(val):
            model = linear.logistic_regression(
                model.C, class_weight=self._sklearn_weight(y), seed=self.random_state
            ).fit(vectors, y)
        self.encoder_id_ = encoder.id
        return model, val_logits

    def _fit_embedding(
        self, texts: list[str], y: np.ndarray, train: np.ndarray, val: np.ndarray, tracker: Any
    ) -> np.ndarray:
        self.embedding_model_, val_logits = self._linear_on_embeddings(texts, y, train, val)
        return val_logits

    def _fit_hybrid(
        self, texts: list[str], y: np.ndarray, train: np.ndarray, val: np.ndarray, tracker: Any
    ) -> np.ndarray:
        encoder = self._encoder()
        vectors = encoder.encode(texts)
        self._vectors = vectors
        self.encoder_id_ = encoder.id
        vectorizer = linear.tfidf_features(linear.mostly_chinese(texts))
        fit_part = vectorizer.fit_transform([texts[i] for i in train])
        features = _hybrid(fit_part, vectors[train])
        val_features = _hybrid(vectorizer.transform([texts[i] for i in val]), vectors[val])
        model, val_logits = self._fit_linear(features, y[train], val_features, y[val])
        if len(val):
            all_features = _hybrid(vectorizer.fit_transform(texts), vectors)
            model = linear.logistic_regression(
                model.C, class_weight=self._sklearn_weight(y), seed=self.random_state
            ).fit(all_features, y)
        self.tfidf_, self.hybrid_model_ = vectorizer, model
        return val_logits

    def _fit_finetune(
        self, texts: list[str], y: np.ndarray, train: np.ndarray, val: np.ndarray, tracker: Any
    ) -> np.ndarray:
        from uxlift.text.augment import augment
        from uxlift.text.encoder_classifier import token_budget
        from uxlift.text.finetune import FineTuneConfig, FineTuner

        learning_rate, epochs = self.finetune_settings()
        model_dir = self._finetune_dir()
        self.max_length_ = self.max_length or token_budget(
            model_dir, [texts[i] for i in train], seed=self.random_state
        )
        config = FineTuneConfig(
            method=self.finetune_method,
            epochs=epochs,
            batch_size=self.batch_size,
            learning_rate=learning_rate,
            max_length=self.max_length_,
            patience=self.patience,
            time_budget_s=self.time_budget_s,
            seed=self.random_state,
        )
        train_texts, train_y = [texts[i] for i in train], y[train]
        if self._should_augment(train_y):
            train_texts, augmented = augment(
                train_texts, train_y.tolist(), copies=2, seed=self.random_state
            )
            train_y = np.asarray(augmented, dtype=np.int64)
        on_epoch = (
            None
            if tracker is None
            else (lambda epoch, metrics: tracker.log_metrics(metrics, step=epoch))
        )
        checkpoints = Path(self.checkpoint_dir) if self.checkpoint_dir else None
        tuner = FineTuner(
            config, progress=self.progress, on_epoch=on_epoch, checkpoint_dir=checkpoints
        )
        val_data = ([texts[i] for i in val], y[val]) if len(val) else None
        self.finetuned_, self.history_ = tuner.fit(
            model_dir,
            train_texts,
            train_y,
            len(self.classes_),
            validation=val_data,
            class_weights=self._class_weights(y),
        )
        val_logits = self.finetuned_.logits([texts[i] for i in val]).astype(np.float64)
        self.blend_ = {}
        if self.blend and len(val):
            self.tfidf_, self.tfidf_model_, tfidf_val = self._linear_on_tfidf(texts, y, train, val)
            self.embedding_model_, embedding_val = self._linear_on_embeddings(texts, y, train, val)
            members = {"tfidf": tfidf_val, "embedding": embedding_val}
            self.blend_ = choose_blend(val_logits, members, y[val])
            val_logits = blended(val_logits, members, self.blend_)
        return val_logits

    def _should_augment(self, y: np.ndarray) -> bool:
        if self.augment == "auto":
            return float(np.median(np.bincount(y))) < 20
        return bool(self.augment)

    def _finetune_dir(self) -> Path:
        if self.encoder in ("minilm", "minilm-fast"):
            from uxlift.text.encoders import minilm_dir

            return minilm_dir()
        if self.encoder == "e5-torch":
            from uxlift.text.e5_export import EXPORT_NAME, export_e5

            if not self.models_dir:
                raise ConfigError("fine-tuning 'e5-torch' needs models_dir for its export")
            return export_e5(Path(self.models_dir) / EXPORT_NAME)
        path = Path(self.encoder).expanduser()
        if not (path / "config.json").exists():
            raise ConfigError(
                f"encoder {self.encoder!r} cannot be fine-tuned: "
                "give 'minilm', 'e5-torch' or a local Hugging Face model directory"
            )
        return path

    # -------------------------------------------------------------- predict
    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated log-scores, one column per class in ``classes_``."""
        if not hasattr(self, "method_"):
            raise NotFitted("TextClassifier is not fitted: call fit() or load() first")
        texts = _check_texts(texts, "texts", allow_empty=True)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        if self.method_ == "tfidf+logreg":
            return _as_logits(self.tfidf_model_.decision_function(self.tfidf_.transform(texts)))
        if self.method_ == "embedding+logreg":
            return _as_logits(
                self.embedding_model_.decision_function(self._encoder().encode(texts))
            )
        if self.method_ == "tfidf+embedding+logreg":
            features = _hybrid(self.tfidf_.transform(texts), self._encoder().encode(texts))
            return _as_logits(self.hybrid_model_.decision_function(features))
        if getattr(self, "members_", None):  # ENSEMBLE (or "finetune" in older saves)
            return self._averaged_log_proba(texts)
        logits = self.finetuned_.logits(texts).astype(np.float64)
        members = {}
        if self.blend_.get("tfidf", 0.0) > 0:
            members["tfidf"] = self.tfidf_model_.decision_function(self.tfidf_.transform(texts))
        if self.blend_.get("embedding", 0.0) > 0:
            vectors = self._encoder().encode(texts)
            members["embedding"] = self.embedding_model_.decision_function(vectors)
        return blended(logits, {k: _as_logits(v) for k, v in members.items()}, self.blend_)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return apply_temperature(self.decision_function(texts), self.temperature_)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        scores = self.decision_function(texts)
        return self.classes_[scores.argmax(axis=1)]

    def scope(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probabilities and in-scope scores (in [0, 1], higher is more
        in scope; compare with :meth:`out_of_scope_threshold`)."""
        from uxlift.text.open_set import neighbour_similarity

        if not hasattr(self, "open_set_"):
            raise NotFitted(
                "this classifier has no out-of-scope detector "
                "(fit with out_of_scope=True and a validation split)"
            )
        texts = _check_texts(texts, "texts", allow_empty=True)
        proba = self.predict_proba(texts)
        if not texts:
            return proba, np.zeros(0)
        similarity = neighbour_similarity(self.bank_, self._representation(texts))
        return proba, self.open_set_.in_scope_score(proba.max(axis=1), similarity)

    def out_of_scope_threshold(self, alpha: float | None = None) -> float:
        """In-scope scores at or below this are out of scope; about ``alpha`` (default
        5 %) of in-scope texts fall there, as measured on the validation split."""
        from uxlift.text.open_set import DEFAULT_ALPHA

        if not hasattr(self, "open_set_"):
            raise NotFitted("this classifier has no out-of-scope detector")
        return self.open_set_.threshold(DEFAULT_ALPHA if alpha is None else alpha)

    # ---------------------------------------------------------- persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted model into directory ``path`` (created if needed)."""
        from uxlift.text import classifier_io

        if not hasattr(self, "method_"):
            raise NotFitted("TextClassifier is not fitted: nothing to save")
        return classifier_io.save(self, Path(path))

    @classmethod
    def load(cls, path: str | Path) -> TextClassifier:
        """A classifier saved by :meth:`save`. Load only directories you trust."""
        from uxlift.text import classifier_io

        return classifier_io.load(cls, Path(path))


def _hybrid(ngrams: Any, vectors: np.ndarray) -> Any:
    """TF-IDF rows and scaled embedding rows side by side, as one sparse matrix."""
    import scipy.sparse as sp

    return sp.hstack([ngrams, sp.csr_matrix(vectors * HYBRID_SCALE)]).tocsr()


def _unit(vectors: Any) -> Any:
    """Rows scaled to unit length (dense or sparse)."""
    import scipy.sparse as sp

    if sp.issparse(vectors):
        from sklearn.preprocessing import normalize

        return normalize(vectors.tocsr().astype(np.float32))
    from uxlift.text.open_set import unit_rows

    return unit_rows(vectors)


def _as_logits(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        return np.column_stack([np.zeros_like(scores), scores])
    return scores


def _check_texts(texts: Sequence[str], field: str, *, allow_empty: bool = False) -> list[str]:
    if isinstance(texts, str):
        raise InvalidInput(
            f"{field} must be a list of strings, not one string",
            details=[{"field": field, "reason": "a single string"}],
        )
    out = list(texts)
    if not out and not allow_empty:
        raise InvalidInput(f"{field} is empty", details=[{"field": field, "reason": "no texts"}])
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise InvalidInput(
                f"{field}[{i}] is not a string",
                details=[{"field": f"{field}[{i}]", "reason": f"got {type(text).__name__}"}],
            )
    return out
