"""Mount the dashboard on the API app: HTML shells, static assets, vendored plotly.js.

Everything mounted here is public: the shells carry no data, and their scripts
fetch it from the ``/v1`` API with the key the user signed in with.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from uxlift import __version__
from uxlift.errors import NotFound
from uxlift.web.pages import DASHBOARD_PREFIX, LOGIN_PATH, NAV_PAGES, Page, PageRegistry

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"
PLOTLY_URL = "/static/vendor/plotly.min.js"

# The shells load only same-origin scripts; plotly sets inline styles on its SVG.
HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def plotly_js_path() -> Path | None:
    """The minified plotly.js bundled with the installed ``plotly`` package, if any."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def mount(app: FastAPI, *, pages: PageRegistry = NAV_PAGES) -> None:
    """Add the dashboard's routes and static files to ``app``."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals.update(nav_pages=list(pages), version=__version__, plotly_url=PLOTLY_URL)
    for page in pages:
        templates.env.get_template(page.template)  # fail at start-up, not on first visit
    _mount_vendor(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(DASHBOARD_PREFIX, status_code=302)

    @app.get(LOGIN_PATH, include_in_schema=False, response_class=HTMLResponse)
    def login(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "login.html", {"title": "Sign in"}, headers=HTML_HEADERS
        )

    for page in pages:
        app.add_api_route(
            page.path,
            _page_endpoint(templates, page),
            methods=["GET"],
            include_in_schema=False,
            response_class=HTMLResponse,
            name=f"dashboard:{page.path}",
        )

    # registered after the pages, so it only answers paths no page has
    known = {page.path for page in pages} | {LOGIN_PATH}

    @app.get(DASHBOARD_PREFIX + "/{rest:path}", include_in_schema=False)
    def unknown_page(request: Request, rest: str) -> Response:
        if (stripped := request.url.path.rstrip("/")) in known:  # /dashboard/models/
            return RedirectResponse(stripped, status_code=307)
        context = {"title": "Page not found", "path": request.url.path}
        return templates.TemplateResponse(
            request, "not_found.html", context, status_code=404, headers=HTML_HEADERS
        )


def _page_endpoint(templates: Jinja2Templates, page: Page) -> Callable[[Request], Response]:
    def render(request: Request) -> Response:
        context = {"title": page.title, "page": page}
        return templates.TemplateResponse(request, page.template, context, headers=HTML_HEADERS)

    render.__name__ = f"dashboard_{page.title.lower().replace(' ', '_')}"
    return render


def _mount_vendor(app: FastAPI) -> None:
    """Serve plotly.js straight from the installed package (registered before /static)."""
    path = plotly_js_path()
    if path is None:
        log.warning("plotly.min.js not found in the plotly package; dashboard charts are off")

    @app.get(PLOTLY_URL, include_in_schema=False)
    def plotly_js() -> FileResponse:
        if path is None:
            raise NotFound("plotly.js is not installed on this server (pip install plotly)")
        return FileResponse(
            path,
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
