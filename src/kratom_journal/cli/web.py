"""``kj serve``: the web app for this journal."""

from __future__ import annotations

from typing import Annotated

import typer

from kratom_journal.cli.common import journal_target


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback unless --lan).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[
        str | None, typer.Option("--db", help="Journal file path or SQLAlchemy URL.")
    ] = None,
    lan: Annotated[
        bool,
        typer.Option(
            "--lan",
            help="Also reachable from your phone on the same network, with an access "
            "link (printed with a QR code).",
        ),
    ] = False,
) -> None:
    """Open the journal in the browser.

    Example: kj serve --port 8000
    """
    serve_journal(db or journal_target(ctx), host=host, port=port, lan=lan)


def serve_journal(db: str, host: str = "127.0.0.1", port: int = 8000, lan: bool = False) -> None:
    """Serve the journal ``db`` in the web app until interrupted.

    The one place the CLI enters the web app (``kj serve`` and ``kj demo``); the
    layer contracts allow this import and no other between the two faces.
    """
    from kratom_journal.web.server import serve

    serve(db, host=host, port=port, lan=lan)


def register(app: typer.Typer) -> None:
    """Add ``kj serve``."""
    app.command("serve")(serve_command)
