"""The web app: server-rendered pages and a JSON API over the same services as the CLI."""

from kratom_journal.web.app import create_app
from kratom_journal.web.config import WebSettings

__all__ = ["WebSettings", "create_app"]
