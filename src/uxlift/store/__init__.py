"""The embedded store: the only package that writes SQL."""

from uxlift.store.database import Store

__all__ = ["Store"]
