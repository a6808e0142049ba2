"""``create_server_app``: the local web app, scoped per person, plus the server's own pages."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from starlette.middleware import Middleware

from kratom_journal.server.config import ServerSettings
from kratom_journal.server.middleware import RequestLog, SessionGate
from kratom_journal.server.web_door import person_app
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.store.server.schema import ServerDatabase, open_server_database

HERE = Path(__file__).parent


def create_server_app(
    settings: ServerSettings, clock: Clock = SYSTEM_CLOCK, db: ServerDatabase | None = None
) -> FastAPI:
    """Build one stateless app process over the server database (as the app role)."""
    db = db or open_server_database(settings.database_url)
    secret = db.setting("csrf-secret")
    if not secret:
        from kratom_journal.store.server.schema import ServerDatabaseError

        raise ServerDatabaseError("the server has no signing secret; run 'server migrate'")
    app = person_app(
        db.journal,
        secret=secret,
        secure_cookies=settings.secure_cookies,
        allowed_hosts=settings.allowed_hosts,
        clock=clock,
    )
    app.title = "Kratom Journal server"
    app.state.server_db = db
    app.state.server_settings = settings
    _templates(app)
    from kratom_journal.server.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    # Innermost: runs after the host check, security headers and CSRF cookie of the app.
    app.user_middleware.append(
        Middleware(SessionGate, db=db, secure_cookies=settings.secure_cookies, clock=clock)
    )
    app.user_middleware.insert(0, Middleware(RequestLog))
    _lifespan(app, db, clock, settings.run_jobs)
    return app


def _templates(app: FastAPI) -> None:
    """Server pages first; ``base.html`` is the server's, which extends the app's own."""
    env = app.state.templates.env
    original = env.loader
    env.loader = ChoiceLoader(
        [FileSystemLoader(HERE / "templates"), PrefixLoader({"web": original}), original]
    )
    from kratom_journal.server import views

    env.globals["server_nav"] = views.server_nav


def _lifespan(app: FastAPI, db: ServerDatabase, clock: Clock, run_jobs: bool) -> None:
    """Start the job thread (when asked) with the app; stop it and close the pool at the end.

    Housekeeping is queued at every start, also by processes that take no jobs (a
    separate ``server worker`` runs it); it is queued once however many start.
    """
    from kratom_journal.services.server.housekeeping import queue_periodic
    from kratom_journal.services.server.jobs import run_worker

    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(db, stop), kwargs={"clock": clock}, daemon=True, name="kj-jobs"
    )
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(inner: FastAPI) -> AsyncIterator[None]:
        try:
            queue_periodic(db, clock)
        except Exception:  # noqa: BLE001 - a worker queues it later; the app serves meanwhile
            logging.getLogger("kratom_journal.server").error('{"event":"housekeeping-not-queued"}')
        if run_jobs:
            thread.start()
        async with original(inner):
            yield
        stop.set()
        if run_jobs:
            thread.join(timeout=10)
        db.close()

    app.router.lifespan_context = lifespan
