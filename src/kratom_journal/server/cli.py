"""``kratom-journal server``: migrate the database, add the first admin, run app processes.

Only Typer is imported here at start-up, so ``kj`` commands stay fast; each command
imports what it runs.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

URL_ENV = "KJ_SERVER_DATABASE_URL"

server_app = typer.Typer(
    name="server",
    help="The clinic and study server: many people's journals on PostgreSQL.\n\n"
    "Example: kj server run --url postgresql://kj_app@db/kj --workers 2",
    no_args_is_help=True,
)

AppUrl = Annotated[
    str,
    typer.Option(
        "--url",
        envvar=URL_ENV,
        show_envvar=True,
        help="PostgreSQL URL of the server database, as the app role (never the tables' owner).",
    ),
]


def _say(text: str) -> None:
    typer.echo(text)


@server_app.command("migrate")
def migrate_command(
    owner_url: Annotated[
        str, typer.Option("--owner-url", help="PostgreSQL URL as the role that owns the tables.")
    ],
    app_role: Annotated[
        str, typer.Option("--app-role", help="The role the app processes connect as.")
    ] = "kj_app",
    backup_role: Annotated[
        str | None,
        typer.Option("--backup-role", help="A LOGIN BYPASSRLS role pg_dump runs as (reads all)."),
    ] = None,
) -> None:
    """Create or upgrade the server database and wall off every person's rows.

    Runs the journal's and the server's migrations, then row-level security over
    every person-owned table, and grants the app role what it may do.

    Example: kj server migrate --owner-url postgresql://kj_owner@db/kj --app-role kj_app
    """
    from kratom_journal.store.server.schema import migrate_server

    migrate_server(owner_url, app_role, backup_role)
    _say(f"The server database is up to date; the app connects as {app_role}.")


@server_app.command("init-admin")
def init_admin_command(
    url: AppUrl,
    username: Annotated[str, typer.Option(help="The admin's username.")] = "admin",
    name: Annotated[str, typer.Option(help="The admin's name as staff see it.")] = "Administrator",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add the first admin (asks for a password; the second step is set up at first sign-in).

    Example: kj server init-admin --url postgresql://kj_app@db/kj --username admin
    """
    from kratom_journal.services.server import accounts
    from kratom_journal.store.server.schema import open_server_database

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt(
            "Password (at least 12 characters)", hide_input=True, confirmation_prompt=True
        )
    db = open_server_database(url)
    try:
        created = accounts.create_account(db, username, name, "admin", password)
    finally:
        db.close()
    _say(f"Admin {created.username} added. Sign in at /login; you will set up the second step.")


@server_app.command("reset-link")
def reset_link_command(
    url: AppUrl,
    username: Annotated[str, typer.Option(help="Whose password to reset.")],
    public_url: Annotated[str, typer.Option(help="Address people open.")] = "http://127.0.0.1:8080",
) -> None:
    """Print a one-time password reset link (for an admin who cannot sign in).

    Example: kj server reset-link --url postgresql://kj_app@db/kj --username admin
    """
    from kratom_journal.services.server import accounts
    from kratom_journal.store.server.schema import open_server_database

    db = open_server_database(url)
    try:
        account = accounts.find_by_username(db, username)
        token = accounts.issue_reset_link(db, account.id, account.id)
    finally:
        db.close()
    _say(f"{public_url.rstrip('/')}/reset/{token}")
    _say("It works once, for 24 hours.")


@server_app.command("run")
def run_command(
    url: AppUrl,
    host: Annotated[
        str, typer.Option(help="Address to listen on (the proxy's side).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    workers: Annotated[int, typer.Option(help="App processes (each stateless).")] = 2,
    allowed_host: Annotated[
        list[str] | None, typer.Option("--allowed-host", help="Host name people use (repeat).")
    ] = None,
    public_url: Annotated[str, typer.Option(help="Address people open, for links.")] = "",
    insecure_cookies: Annotated[
        bool,
        typer.Option("--insecure-cookies", help="Plain-HTTP cookies: only for loopback tests."),
    ] = False,
    proxy: Annotated[
        str | None,
        typer.Option(help="Address of the reverse proxy whose X-Forwarded-For is trusted."),
    ] = None,
    jobs: Annotated[bool, typer.Option(help="Also run background jobs in these processes.")] = True,
) -> None:
    """Serve the server's pages behind a reverse proxy that speaks TLS.

    Example: kj server run --url postgresql://kj_app@db/kj --workers 2
    """
    from kratom_journal.server.config import ServerSettings
    from kratom_journal.server.runner import serve

    hosts = tuple(allowed_host or ()) + ("127.0.0.1", "localhost", "::1")
    settings = ServerSettings(
        database_url=url,
        allowed_hosts=hosts,
        secure_cookies=not insecure_cookies,
        public_url=public_url,
        run_jobs=jobs,
    )
    serve(settings, host=host, port=port, workers=workers, proxy=proxy)


@server_app.command("worker")
def worker_command(url: AppUrl) -> None:
    """Run background jobs (pooled analyses, exports) until stopped.

    Example: kj server worker --url postgresql://kj_app@db/kj
    """
    from kratom_journal.server.runner import work

    work(url)
