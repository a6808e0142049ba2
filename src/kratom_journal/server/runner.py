"""Starting app processes (uvicorn) and job workers, with JSON logs on standard error."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

from kratom_journal.server.config import ServerSettings

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"format": '{"ts":"%(asctime)s","level":"%(levelname)s","log":%(message)s}'}
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "kratom_journal": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": [], "level": "WARNING"},
        "uvicorn.error": {"level": "WARNING"},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}


def configure_logging() -> None:
    import logging.config

    logging.config.dictConfig(LOGGING)


def serve(
    settings: ServerSettings, host: str, port: int, workers: int, proxy: str | None = None
) -> None:
    """Check the database once, then run ``workers`` uvicorn processes of the app."""
    import uvicorn

    from kratom_journal.store.server.schema import open_server_database

    open_server_database(settings.database_url).close()  # a clear error before forking
    os.environ.update(settings.to_environment())
    print(f"Kratom Journal server on http://{host}:{port}/ ({workers} process(es)).", flush=True)
    uvicorn.run(
        "kratom_journal.server.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        proxy_headers=proxy is not None,
        forwarded_allow_ips=proxy or "",
        server_header=False,
        access_log=False,
        log_config=LOGGING,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
    )


def work(url: str) -> None:
    """Run the job queue in this process until SIGINT or SIGTERM."""
    from kratom_journal.services.server.jobs import run_worker
    from kratom_journal.store.server.schema import open_server_database

    configure_logging()
    db = open_server_database(url)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    logging.getLogger("kratom_journal.server").info('{"event":"worker-started"}')
    try:
        run_worker(db, stop)
    finally:
        db.close()
