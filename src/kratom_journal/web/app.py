"""``create_app``: the FastAPI application over one journal."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from kratom_journal import __version__
from kratom_journal.domain.errors import JournalError, NotFound
from kratom_journal.services.cache import keep_in_memory
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.import_jobs import ImportJobs
from kratom_journal.store.journal import Journal, open_journal
from kratom_journal.web.assets import VersionedStaticFiles
from kratom_journal.web.cache import PageCache
from kratom_journal.web.config import WebSettings
from kratom_journal.web.security import (
    AccessToken,
    BodyLimit,
    CsrfCookie,
    HostCheck,
    SecurityHeaders,
)
from kratom_journal.web.views import CsrfFailed, render

HERE = Path(__file__).parent

ERROR_TEXT = {
    400: ("Something was not right", "The request could not be read."),
    403: ("Not allowed", "This action is not allowed."),
    404: ("Not found", "There is no page or entry here."),
    405: ("Not allowed", "This page does not accept that kind of request."),
    413: ("Too large", "What was sent is larger than this page accepts."),
    422: ("Something was not right", "Some of what was sent could not be read."),
}


def plotly_js_path() -> Path:
    """Plotly's JavaScript as shipped inside the installed plotly package (no CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


INTERNAL_ERROR_TEXT = (
    "Something went wrong on our side: an internal error in Kratom Journal ({name}). "
    "This is a bug; please report it. What you sent may not have been saved, so check "
    "before sending it again."
)


SWITCH_INTERVAL_SECONDS = 0.001


def create_app(
    settings: WebSettings, clock: Clock = SYSTEM_CLOCK, journal: Journal | None = None
) -> FastAPI:
    """Build the web app for the journal ``settings.db`` (opened now, closed on shutdown).

    ``clock`` gives every page its "now" (a test can stop it). A ``journal`` given
    (the server's, scoped per signed-in person) is used instead and not closed here.
    """
    owned = journal is None
    journal = open_journal(settings.db, pooled=True) if journal is None else journal
    if owned:  # a local journal: pages only read, results stay in memory (single-flight)
        keep_in_memory(journal)
        # Requests run in threads beside the insights computation; a thread back from
        # the database waits for the interpreter lock up to this long (default 5 ms),
        # once per query.
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            journal.close()

    # No Swagger UI: it loads its scripts from a CDN. The OpenAPI document is served.
    app = FastAPI(
        title="Kratom Journal",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        description="Your own journal's entries, insights, experiments and safety "
        "signals. Nothing here gives dosing advice.",
    )
    app.state.journal = journal
    app.state.web_settings = settings
    app.state.page_cache = PageCache(journal)
    app.state.templates = _templates()
    app.state.clock = clock
    app.state.import_jobs = ImportJobs()
    app.mount("/static", VersionedStaticFiles(directory=HERE / "static"), name="static")
    _add_routes(app)
    _add_error_handlers(app)
    app.add_middleware(CsrfCookie, settings=settings)
    app.add_middleware(BodyLimit, settings=settings)
    if settings.access_token:
        app.add_middleware(AccessToken, token=settings.access_token, secure=settings.secure_cookies)
    app.add_middleware(HostCheck, hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    from kratom_journal.web import filters

    templates.env.filters.update(filters.FILTERS)
    from kratom_journal.services.safety import interaction_summary, jurisdiction_choices
    from kratom_journal.web.assets import static_url
    from kratom_journal.web.forms import new_form_key

    templates.env.globals["new_key"] = new_form_key
    templates.env.globals["static_url"] = static_url
    templates.env.globals["static"] = static_url
    templates.env.globals["countries"] = jurisdiction_choices()
    templates.env.filters["interaction_summary"] = interaction_summary
    return templates


def _add_routes(app: FastAPI) -> None:
    from kratom_journal.web.routes import ROUTERS

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_js_path(),
            media_type="text/javascript",
            headers={"cache-control": "public, max-age=86400"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(HERE / "static" / "icon.svg", media_type="image/svg+xml")

    for router in ROUTERS:
        app.include_router(router)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return _error_page(
            request,
            exc.status_code,
            exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            details = [
                {
                    "loc": list(e.get("loc", ())),
                    "msg": str(e.get("msg", "")),
                    "type": str(e.get("type", "")),
                }
                for e in exc.errors()
            ]
            return JSONResponse({"detail": details}, status_code=422)
        return _error_page(request, 422, None)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        return _error_page(
            request,
            403,
            "This form has expired or did not come from this app. "
            "Go back, reload the page and send it again.",
        )

    @app.exception_handler(JournalError)
    async def journal_error(request: Request, exc: JournalError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return _error_page(request, status, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "internal error; nothing was changed"}, status_code=500)
        return _error_page(request, 500, INTERNAL_ERROR_TEXT.format(name=type(exc).__name__))


def _error_page(request: Request, status: int, text: str | None) -> HTMLResponse:
    title, default = ERROR_TEXT.get(status, ("Something went wrong", "Please try again."))
    try:
        return render(
            request,
            "error.html",
            {"title": title, "text": text or default, "page": ""},
            status=status,
        )
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        return HTMLResponse(
            f"<!doctype html><title>{title}</title><h1>{title}</h1>", status_code=status
        )
