"""The services of one uxlift installation, built once from Settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from uxlift.assist.assistant import Assistant
from uxlift.assist.conversations import ConversationService
from uxlift.assist.kb_service import KnowledgeBaseService
from uxlift.config import Settings
from uxlift.errors import ConfigError
from uxlift.events.catalog import CatalogService
from uxlift.events.ingest import EventIngestor
from uxlift.events.validation import Limits
from uxlift.experiments.analysis import AnalysisSettings
from uxlift.experiments.service import ExperimentService
from uxlift.keys import KeyService
from uxlift.monitor.analyzer import LazyEncoders, TextAnalyzer
from uxlift.monitor.service import MonitorSettings, OpinionService
from uxlift.monitor.surge import DetectorSettings
from uxlift.monitor.webhooks import RetryPolicy, WebhookDispatcher
from uxlift.predict.live_log import LiveLog
from uxlift.predict.registry import registry_for
from uxlift.predict.service import PredictionService
from uxlift.privacy.erasure import UserDataService
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.privacy.redact import Redactor
from uxlift.recommend.exposure import ExposureLog
from uxlift.recommend.registry import TARGET as RECOMMENDER_TARGET
from uxlift.recommend.registry import recommender_registry_for
from uxlift.recommend.service import RecommendationService
from uxlift.store import Store
from uxlift.store.database import read_meta, write_meta
from uxlift.text.batching import BatchingEncoder
from uxlift.text.cache import EmbeddingCache
from uxlift.text.encoders import Encoder, encoder_from_spec
from uxlift.text.item_embeddings import ItemEmbedder

log = logging.getLogger(__name__)
SECRET_FINGERPRINT = "secret_fingerprint"


@dataclass
class Services:
    settings: Settings
    store: Store
    pseudonymizer: Pseudonymizer
    redactor: Redactor
    events: EventIngestor
    catalog: CatalogService
    users: UserDataService
    keys: KeyService
    encoder: Encoder
    query_encoder: BatchingEncoder
    embeddings: EmbeddingCache
    item_embedder: ItemEmbedder
    live: LiveLog
    predictions: PredictionService
    recommendations: RecommendationService
    exposures: ExposureLog
    kb: KnowledgeBaseService
    assistant: Assistant
    conversations: ConversationService
    opinions: OpinionService
    experiments: ExperimentService

    def close(self) -> None:
        self.opinions.webhooks.close()
        self.exposures.close()
        self.item_embedder.stop()
        self.query_encoder.close()
        self.store.close()


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_text_chars=settings.max_text_chars,
        max_properties_bytes=settings.max_properties_bytes,
        max_future_skew_s=settings.max_future_skew_s,
    )


def check_secret_fingerprint(store: Store, pseudonymizer: Pseudonymizer) -> None:
    """Refuse a secret other than the one this store's user keys were made with:
    with another key, erasure would silently miss every existing row."""
    with store.transaction() as cur:
        stored = read_meta(cur, SECRET_FINGERPRINT)
        if stored is None:
            write_meta(cur, SECRET_FINGERPRINT, pseudonymizer.fingerprint())
            return
    if stored != pseudonymizer.fingerprint():
        raise ConfigError(
            "the secret key differs from the one this store was created with; "
            "user ids would no longer match (restore the original secret.key)"
        )


def query_encoder_factory(settings: Settings, encoder: Encoder) -> Callable[[], Encoder]:
    """The encoder for request-time texts: the same model, on its fastest exact path.

    With the default MiniLM that is ONNX Runtime in fp32 (same vectors, a third
    of the latency for one text); it is exported on first use into the models dir.
    """
    if settings.encoder != "minilm":
        return lambda: encoder

    def build() -> Encoder:
        from uxlift.text.fast_encoder import FastMiniLMEncoder

        return FastMiniLMEncoder(cache_dir=settings.models_dir, precision="fp32")

    return build


def open_services(settings: Settings, *, embed_in_background: bool = True) -> Services:
    """Open the store (applying migrations) and wire every service to it.

    With ``embed_in_background`` new or changed items are embedded on a
    background thread (the server); without it the caller embeds them (imports).
    """
    secret = settings.resolved_secret()
    encoder = encoder_from_spec(settings.encoder, models_dir=settings.models_dir)
    store = Store(settings.db_path, memory_limit=settings.db_memory_limit)
    pseudonymizer = Pseudonymizer(secret)
    try:
        check_secret_fingerprint(store, pseudonymizer)
    except ConfigError:
        store.close()
        raise
    redactor = Redactor()
    embeddings = EmbeddingCache(store, encoder)
    item_embedder = ItemEmbedder(embeddings)
    catalog = CatalogService(store)
    if embed_in_background:
        catalog.add_listener(item_embedder.schedule)
    live = LiveLog(store, embeddings)
    predictions = PredictionService(live, pseudonymizer, registry_for(settings.data_dir))
    catalog.add_listener(live.catalog_changed)
    users = UserDataService(store, pseudonymizer)
    users.add_listener(live.forget_user)
    events = EventIngestor(store, pseudonymizer, redactor, limits_from(settings))
    events.add_listener(live.events_stored)
    exposures = ExposureLog(events)
    recommendations = RecommendationService(
        live, pseudonymizer, recommender_registry_for(settings.data_dir), exposures
    )
    users.add_listener(lambda _key: recommendations.forget())
    kb = KnowledgeBaseService(store)
    assistant = build_assistant(settings, store, kb, redactor)
    conversations = ConversationService(store, assistant, kb, events, pseudonymizer, redactor)
    opinions = build_opinions(settings, store, pseudonymizer, redactor)
    events.add_listener(opinions.events_stored)
    users.add_listener(opinions.forget_user)
    experiments = ExperimentService(
        store,
        pseudonymizer,
        exposures,
        settings=AnalysisSettings(
            alpha=settings.experiment_alpha,
            sequential=settings.experiment_sequential,
            correction=settings.experiment_correction,
        ),
        recommender_versions=lambda: {
            card.version for card in recommendations.registry.list(RECOMMENDER_TARGET)
        },
    )
    recommendations.experiments = experiments
    users.add_listener(experiments.forget_user)
    conversations.experiments = experiments
    return Services(
        settings=settings,
        store=store,
        pseudonymizer=pseudonymizer,
        redactor=redactor,
        events=events,
        catalog=catalog,
        users=users,
        keys=KeyService(store),
        encoder=encoder,
        query_encoder=BatchingEncoder(query_encoder_factory(settings, encoder)),
        embeddings=embeddings,
        item_embedder=item_embedder,
        live=live,
        predictions=predictions,
        recommendations=recommendations,
        exposures=exposures,
        kb=kb,
        assistant=assistant,
        conversations=conversations,
        opinions=opinions,
        experiments=experiments,
    )


def build_opinions(
    settings: Settings, store: Store, pseudonymizer: Pseudonymizer, redactor: Redactor
) -> OpinionService:
    """Opinion monitoring: the text analyzer (models load on first use), the surge
    detectors as configured, and the webhook dispatcher (its sender thread starts
    with the server)."""
    webhooks = WebhookDispatcher(
        store,
        lambda webhook_id: pseudonymizer.content_digest(b"webhook\x00" + webhook_id.encode()),
        policy=RetryPolicy(
            base_s=settings.webhook_backoff_s,
            max_s=settings.webhook_max_backoff_s,
            timeout_s=settings.webhook_timeout_s,
        ),
        default_max_attempts=settings.webhook_max_attempts,
    )
    detector = DetectorSettings(
        method=settings.monitor_detector,
        arl0=settings.monitor_arl0,
        cooldown=settings.monitor_cooldown,
        min_volume=settings.monitor_min_volume,
    )
    return OpinionService(
        store,
        pseudonymizer,
        redactor,
        limits_from(settings),
        TextAnalyzer(
            LazyEncoders(settings.models_dir, precision=settings.monitor_precision),
            topic_min_z=settings.monitor_topic_min_z,
        ),
        webhooks,
        MonitorSettings(
            detector=detector,
            scan_windows=settings.monitor_scan_windows,
            min_history=settings.monitor_min_history,
            lateness=settings.monitor_lateness_windows,
        ),
    )


def assistant_dir(settings: Settings) -> Path:
    return settings.models_dir / "assistant"


def build_assistant(
    settings: Settings, store: Store, kb: KnowledgeBaseService, redactor: Redactor
) -> Assistant:
    """The assistant over the knowledge base: multilingual-e5 for questions (query role)
    and passages (passage role), vectors of indexed texts cached in the store."""
    from uxlift.assist.generation import generator_from_settings
    from uxlift.assist.policy import PolicySettings
    from uxlift.assist.user_context import context_provider

    query_encoder = encoder_from_spec("e5")
    passage_encoder = encoder_from_spec("e5-passage")
    questions = EmbeddingCache(store, query_encoder)
    passages = EmbeddingCache(store, passage_encoder)
    return Assistant(
        kb,
        embed_query=query_encoder.encode,
        index_questions=questions.embed,
        index_passages=passages.embed,
        intent_dir=assistant_dir(settings),
        context=context_provider(settings.assist_context, store),
        policy=PolicySettings(retrieval_confidence=settings.assist_retrieval_confidence),
        alpha=settings.assist_alpha,
        generator=generator_from_settings(settings),
        redact=redactor.redact,
    )
