"""The REST API: one router per capability, one error shape, keys with scopes."""
