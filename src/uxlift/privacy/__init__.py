"""Privacy by default: pseudonymized user ids, PII redaction, erasure on request."""
