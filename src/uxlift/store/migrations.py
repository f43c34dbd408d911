"""Numbered schema migrations.

Each migration runs once, in order, inside a transaction, and is recorded in
``schema_migrations``. Later capabilities add tables by appending a migration,
never by editing an old one. A table that holds per-user rows is registered in
``user_data_tables`` so that erasure and export reach it automatically.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def register_user_table(table: str, user_column: str = "user_key") -> str:
    """SQL that makes erasure and export cover ``table`` (rows keyed by ``user_column``)."""
    return (
        "INSERT INTO user_data_tables (table_name, user_column) "
        f"VALUES ('{table}', '{user_column}') ON CONFLICT DO NOTHING"
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "foundation",
        (
            """CREATE TABLE user_data_tables (
                table_name VARCHAR PRIMARY KEY,
                user_column VARCHAR NOT NULL
            )""",
            """CREATE TABLE users (
                user_key VARCHAR PRIMARY KEY,
                first_seen TIMESTAMP NOT NULL,
                last_seen TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE items (
                item_id VARCHAR PRIMARY KEY,
                title VARCHAR,
                description VARCHAR,
                category VARCHAR,
                tags VARCHAR[],
                price DOUBLE,
                attributes JSON,
                text_hash VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE events (
                event_key UBIGINT PRIMARY KEY,
                event_id VARCHAR NOT NULL,
                user_key VARCHAR NOT NULL,
                item_id VARCHAR,
                type VARCHAR NOT NULL,
                value DOUBLE,
                text VARCHAR,
                session_id VARCHAR,
                ts TIMESTAMP NOT NULL,
                properties JSON,
                received_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE api_keys (
                key_id VARCHAR PRIMARY KEY,
                key_hash VARCHAR NOT NULL UNIQUE,
                name VARCHAR NOT NULL,
                scopes VARCHAR[] NOT NULL,
                created_at TIMESTAMP NOT NULL,
                revoked_at TIMESTAMP
            )""",
            "CREATE SEQUENCE audit_seq START 1",
            """CREATE TABLE audit_log (
                audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
                ts TIMESTAMP NOT NULL,
                actor VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                target VARCHAR,
                details JSON
            )""",
            register_user_table("users"),
            register_user_table("events"),
        ),
    ),
    Migration(
        2,
        "text_embeddings",
        (
            """CREATE TABLE text_embeddings (
                encoder_id VARCHAR NOT NULL,
                text_sha VARCHAR NOT NULL,
                vector FLOAT[] NOT NULL,
                created_at TIMESTAMP NOT NULL,
                PRIMARY KEY (encoder_id, text_sha)
            )""",
        ),
    ),
    Migration(
        3,
        "erasure_tombstones_and_meta",
        (
            # Keys of erased events (no user column): a replayed batch or import
            # must not bring an erased user's events back.
            "CREATE TABLE erased_event_keys (event_key UBIGINT PRIMARY KEY)",
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
        ),
    ),
    Migration(
        4,
        "assistant",
        (
            """CREATE TABLE kb_entries (
                entry_id VARCHAR PRIMARY KEY,
                kind VARCHAR NOT NULL,
                questions VARCHAR[] NOT NULL,
                answer VARCHAR NOT NULL,
                intent VARCHAR,
                tags VARCHAR[] NOT NULL,
                language VARCHAR NOT NULL,
                title VARCHAR,
                source VARCHAR,
                document VARCHAR,
                position INTEGER NOT NULL,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE conversations (
                conversation_id VARCHAR PRIMARY KEY,
                user_key VARCHAR NOT NULL,
                language VARCHAR,
                status VARCHAR NOT NULL,
                state JSON NOT NULL,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE conversation_messages (
                message_id VARCHAR PRIMARY KEY,
                conversation_id VARCHAR NOT NULL,
                user_key VARCHAR NOT NULL,
                role VARCHAR NOT NULL,
                text VARCHAR NOT NULL,
                action VARCHAR,
                intent VARCHAR,
                confidence DOUBLE,
                sources JSON,
                latency_ms DOUBLE,
                ts TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE handoff_tickets (
                ticket_id VARCHAR PRIMARY KEY,
                conversation_id VARCHAR NOT NULL,
                user_key VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                transcript JSON NOT NULL,
                agent_reply VARCHAR,
                agent VARCHAR,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            register_user_table("conversations"),
            register_user_table("conversation_messages"),
            register_user_table("handoff_tickets"),
        ),
    ),
    Migration(
        5,
        "opinion_monitoring",
        (
            """CREATE TABLE opinion_texts (
                text_id VARCHAR PRIMARY KEY,
                user_key VARCHAR,
                source VARCHAR NOT NULL,
                channel VARCHAR,
                language VARCHAR NOT NULL,
                text VARCHAR NOT NULL,
                metadata JSON,
                sentiment VARCHAR NOT NULL,
                score DOUBLE NOT NULL,
                confidence DOUBLE NOT NULL,
                topics VARCHAR[] NOT NULL,
                ts TIMESTAMP NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            "CREATE INDEX opinion_texts_ts ON opinion_texts (ts)",
            """CREATE TABLE opinion_topics (
                name VARCHAR PRIMARY KEY,
                description VARCHAR NOT NULL,
                keywords VARCHAR[] NOT NULL,
                origin VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            # Hourly aggregates per topic ('*' = every text) and source ('*' = all),
            # kept up to date in the transaction that stores the texts.
            """CREATE TABLE opinion_windows (
                topic VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                window_start TIMESTAMP NOT NULL,
                volume BIGINT NOT NULL,
                negative BIGINT NOT NULL,
                positive BIGINT NOT NULL,
                score_sum DOUBLE NOT NULL,
                PRIMARY KEY (topic, source, window_start)
            )""",
            """CREATE TABLE opinion_alerts (
                alert_id VARCHAR PRIMARY KEY,
                topic VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                statistic VARCHAR NOT NULL,
                granularity VARCHAR NOT NULL,
                window_start TIMESTAMP NOT NULL,
                window_end TIMESTAMP NOT NULL,
                detector VARCHAR NOT NULL,
                observed DOUBLE NOT NULL,
                expected DOUBLE NOT NULL,
                z DOUBLE NOT NULL,
                level DOUBLE NOT NULL,
                threshold DOUBLE NOT NULL,
                volume BIGINT NOT NULL,
                negative BIGINT NOT NULL,
                severity VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                keywords VARCHAR[] NOT NULL,
                text_ids VARCHAR[] NOT NULL,
                note VARCHAR,
                actor VARCHAR,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL,
                UNIQUE (topic, source, statistic, granularity, window_start)
            )""",
            """CREATE TABLE webhooks (
                webhook_id VARCHAR PRIMARY KEY,
                url VARCHAR NOT NULL,
                description VARCHAR,
                active BOOLEAN NOT NULL,
                max_attempts INTEGER NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE webhook_deliveries (
                delivery_id VARCHAR PRIMARY KEY,
                webhook_id VARCHAR NOT NULL,
                alert_id VARCHAR NOT NULL,
                payload VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at TIMESTAMP NOT NULL,
                last_error VARCHAR,
                response_status INTEGER,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL,
                delivered_at TIMESTAMP,
                UNIQUE (webhook_id, alert_id)
            )""",
            register_user_table("opinion_texts"),
        ),
    ),
    Migration(
        6,
        "surge_detector_state",
        (
            # Where each series' detectors stand, so every window is judged once.
            """CREATE TABLE monitor_state (
                topic VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                granularity VARCHAR NOT NULL,
                statistic VARCHAR NOT NULL,
                last_window TIMESTAMP NOT NULL,
                level DOUBLE NOT NULL,
                quiet INTEGER NOT NULL,
                PRIMARY KEY (topic, source, granularity, statistic)
            )""",
        ),
    ),
    Migration(
        7,
        "experiments",
        (
            # Exposures (who saw which variant, from when) are events in the log:
            # type 'exposure' without an item, properties {experiment, variant}.
            """CREATE TABLE experiments (
                experiment_id VARCHAR PRIMARY KEY,
                name VARCHAR NOT NULL UNIQUE,
                description VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                salt VARCHAR NOT NULL,
                variants JSON NOT NULL,
                primary_metric VARCHAR NOT NULL,
                guardrail_metrics VARCHAR[] NOT NULL,
                audience JSON NOT NULL,
                min_exploration DOUBLE NOT NULL,
                created_at TIMESTAMP NOT NULL,
                started_at TIMESTAMP,
                stopped_at TIMESTAMP
            )""",
            # A bandit's traffic split over time (A/B experiments keep their weights).
            """CREATE TABLE experiment_allocations (
                experiment_id VARCHAR NOT NULL,
                updated_at TIMESTAMP NOT NULL,
                weights JSON NOT NULL,
                PRIMARY KEY (experiment_id, updated_at)
            )""",
        ),
    ),
)
