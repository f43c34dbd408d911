"""uxlift: pretrained language models plus one event log, turned into a better user experience."""

__version__ = "0.1.0"
