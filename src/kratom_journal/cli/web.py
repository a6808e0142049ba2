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
    show_ca: Annotated[
        bool,
        typer.Option(
            "--show-ca",
            help="With --lan: print the SHA-256 fingerprint of the journal's certificate "
            "authority (to compare with the phone) and exit.",
        ),
    ] = False,
    lan_address: Annotated[
        str | None,
        typer.Option(
            "--lan-address",
            hidden=True,
            help="With --lan: listen on this address and put it in the certificate "
            "(tests; computers on several networks).",
        ),
    ] = None,
) -> None:
    """Open the journal in the browser (with --lan: over HTTPS, for your phone too).

    Example: kj serve --lan
    """
    target = db or journal_target(ctx)
    if show_ca:
        if not lan:
            raise typer.BadParameter("--show-ca goes with --lan", param_hint="--show-ca")
        typer.echo(ca_fingerprint(target, lan_address))
        return
    serve_journal(target, host=host, port=port, lan=lan, lan_address=lan_address)


def serve_journal(
    db: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    lan: bool = False,
    lan_address: str | None = None,
) -> None:
    """Serve the journal ``db`` in the web app until interrupted.

    The one place the CLI enters the web app (``kj serve`` and ``kj demo``); the
    layer contracts allow this import and no other between the two faces.
    """
    from kratom_journal.web.server import serve

    serve(db, host=host, port=port, lan=lan, lan_address=lan_address)


def ca_fingerprint(db: str, lan_address: str | None = None) -> str:
    """The fingerprint line of ``kj serve --lan --show-ca``."""
    from kratom_journal.web.server import show_ca

    return f"SHA-256 {show_ca(db, lan_address)}"


def register(app: typer.Typer) -> None:
    """Add ``kj serve``."""
    app.command("serve")(serve_command)
