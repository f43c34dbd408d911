"""The services of one uxlift installation, built once from Settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from uxlift.config import Settings
from uxlift.events.catalog import CatalogService
from uxlift.events.ingest import EventIngestor
from uxlift.events.validation import Limits
from uxlift.keys import KeyService
from uxlift.privacy.erasure import UserDataService
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.privacy.redact import Redactor
from uxlift.store import Store

log = logging.getLogger(__name__)


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

    def close(self) -> None:
        self.store.close()


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_text_chars=settings.max_text_chars,
        max_properties_bytes=settings.max_properties_bytes,
        max_future_skew_s=settings.max_future_skew_s,
    )


def open_services(settings: Settings) -> Services:
    """Open the store (applying migrations) and wire every service to it."""
    secret = settings.resolved_secret()
    store = Store(settings.db_path, memory_limit=settings.db_memory_limit)
    pseudonymizer = Pseudonymizer(secret)
    redactor = Redactor()
    return Services(
        settings=settings,
        store=store,
        pseudonymizer=pseudonymizer,
        redactor=redactor,
        events=EventIngestor(store, pseudonymizer, redactor, limits_from(settings)),
        catalog=CatalogService(store),
        users=UserDataService(store, pseudonymizer),
        keys=KeyService(store),
    )
