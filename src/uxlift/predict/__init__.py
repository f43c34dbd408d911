"""Behaviour prediction: point-in-time datasets from the event log, estimators, registry."""
