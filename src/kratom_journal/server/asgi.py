"""The app factory uvicorn's worker processes call (settings come from the environment)."""

from __future__ import annotations

from kratom_journal.server.app import create_server_app
from kratom_journal.server.config import settings_from_environment
from kratom_journal.server.middleware import QuietErrors
from kratom_journal.server.runner import configure_logging


def create() -> QuietErrors:
    configure_logging()
    return QuietErrors(create_server_app(settings_from_environment()))
