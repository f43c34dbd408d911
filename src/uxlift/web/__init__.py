"""The web dashboard: HTML shells, static assets and the page registry.

The pages hold no data; their scripts read the JSON API with the signed-in key.
"""
