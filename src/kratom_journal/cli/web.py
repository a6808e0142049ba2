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
    """Open the journal in the browser. Example: kj serve --port 8000"""
    from kratom_journal.web.server import serve

    serve(db or journal_target(ctx), host=host, port=port, lan=lan)


def register(app: typer.Typer) -> None:
    """Add ``kj serve``."""
    app.command("serve")(serve_command)
