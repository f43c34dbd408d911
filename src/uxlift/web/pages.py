"""The dashboard's pages, in navigation order.

A capability adds its page with one line here plus a template under
``templates/`` (and, usually, a script under ``static/``)::

    register_page("/dashboard/monitor", "Monitor", "monitor.html", script="monitor.js")

``routes.mount`` serves every registered page and builds the navigation from
this registry, so no template lists the pages by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

DASHBOARD_PREFIX = "/dashboard"
LOGIN_PATH = DASHBOARD_PREFIX + "/login"


@dataclass(frozen=True)
class Page:
    """One dashboard page: where it lives, its nav label, its template and script."""

    path: str
    title: str
    template: str
    script: str | None = None
    uses_charts: bool = False


class PageRegistry:
    """An ordered set of pages, unique by path."""

    def __init__(self) -> None:
        self._pages: dict[str, Page] = {}

    def register(
        self,
        path: str,
        title: str,
        template: str,
        *,
        script: str | None = None,
        uses_charts: bool = False,
    ) -> Page:
        """Add a page to the navigation; raises ValueError on a bad or duplicate path."""
        if path != DASHBOARD_PREFIX and not path.startswith(DASHBOARD_PREFIX + "/"):
            raise ValueError(f"dashboard pages live under {DASHBOARD_PREFIX!r}, not {path!r}")
        if path == LOGIN_PATH or path in self._pages:
            raise ValueError(f"a dashboard page is already registered at {path!r}")
        page = Page(path, title, template, script, uses_charts)
        self._pages[path] = page
        return page

    def __iter__(self) -> Iterator[Page]:
        return iter(self._pages.values())

    def __len__(self) -> int:
        return len(self._pages)


NAV_PAGES = PageRegistry()
register_page = NAV_PAGES.register

register_page("/dashboard", "Overview", "overview.html", script="overview.js", uses_charts=True)
register_page("/dashboard/models", "Models", "models.html", script="models.js", uses_charts=True)
register_page(
    "/dashboard/recommendations", "Recommendations", "recommendations.html",
    script="recommendations.js", uses_charts=True,
)  # fmt: skip
register_page("/dashboard/assistant", "Assistant", "assistant.html", script="assistant.js")
register_page(
    "/dashboard/opinions", "Opinions", "opinions.html", script="opinions.js", uses_charts=True
)
register_page(
    "/dashboard/experiments", "Experiments", "experiments.html", script="experiments.js",
    uses_charts=True,
)  # fmt: skip
