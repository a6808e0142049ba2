"""``kratom-journal server``: the clinic and study server's commands.

The one place the CLI enters the server face; the layer contracts allow this import
and no other between the two.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``kratom-journal server ...``."""
    from kratom_journal.server.cli import server_app

    app.add_typer(server_app, name="server")
