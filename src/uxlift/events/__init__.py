"""The event log: schemas, validation, ingestion and file imports."""
