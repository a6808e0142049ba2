"""What every command shares: the journal to open, one-line errors, the console."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DB_ENV = "KRATOM_JOURNAL_DB"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", envvar=DB_ENV, help="Journal file path or SQLAlchemy URL.", show_envvar=True
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
YesFlag = Annotated[bool, typer.Option("--yes", "-y", help="Accept unusual values without asking.")]


def say(message: str) -> None:
    """Print one message line unwrapped (panels and tables still fit the terminal)."""
    console.print(message, soft_wrap=True)


def default_journal_path() -> Path:
    """The journal file in the user's data folder (created on first use)."""
    from platformdirs import user_data_path

    return user_data_path("kratom-journal", appauthor=False) / "journal.sqlite3"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear error line and exit non-zero (never a traceback)."""
    err_console.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


def journal_target(ctx: typer.Context) -> str:
    root = ctx.find_root()
    target = (root.obj or {}).get("db") if isinstance(root.obj, dict) else None
    return target or os.environ.get(DB_ENV) or str(default_journal_path())


def open_from_context(ctx: typer.Context):  # type: ignore[no-untyped-def]
    """Open the journal the command line names (``--db``, ``$KRATOM_JOURNAL_DB`` or default)."""
    from kratom_journal.store.db import JournalOpenError
    from kratom_journal.store.journal import open_journal

    try:
        journal = open_journal(journal_target(ctx))
    except JournalOpenError as exc:
        fail(str(exc))
    except Exception as exc:  # a server that refuses, a driver error: one line, no traceback
        fail(
            f"cannot open the journal {journal_target(ctx)}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}"
        )
    ctx.call_on_close(journal.close)
    return journal
