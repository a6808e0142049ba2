"""The ``kratom-journal`` (``kj``) command."""

from __future__ import annotations

import os
from typing import Any

import click
import typer
from rich.markup import escape
from typer.core import TyperGroup

from kratom_journal.cli import journal as journal_commands
from kratom_journal.cli.common import DbOption, err_console
from kratom_journal.cli.passphrase import PassphraseFileOption
from kratom_journal.domain.errors import JournalError
from kratom_journal.domain.timeparse import FutureTime

INTERNAL_ERROR_EXIT = 70
"""Exit status of a bug in Kratom Journal (``EX_SOFTWARE`` of sysexits.h)."""

MAX_PROBLEMS_SHOWN = 20


class FriendlyGroup(TyperGroup):
    """Turns the errors a person can cause into one line; anything else is reported as a bug.

    A :class:`JournalError` (or an ``OSError`` naming a file) is one ``error:`` line
    and exit 1. Any other exception is a bug: one line saying so, exit 70.
    ``KJ_DEBUG=1`` shows the traceback instead.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if os.environ.get("KJ_DEBUG"):
                raise
            raise typer.Exit(report_error(exc)) from None


def report_error(exc: Exception) -> int:
    """Print what went wrong in one line (a list for a failed import); return the exit status."""
    from kratom_journal.services.imports import ImportFailed

    if isinstance(exc, ImportFailed):
        for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
            err_console.print(f"[bold red]error:[/] {escape(problem)}", soft_wrap=True)
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            err_console.print(f"... and {len(exc.problems) - MAX_PROBLEMS_SHOWN} more bad rows")
        err_console.print("Nothing was imported.")
        return 1
    if isinstance(exc, FutureTime):
        err_console.print(f"[bold red]error:[/] {escape(future_time_line(exc))}", soft_wrap=True)
        return 1
    if isinstance(exc, JournalError) or (isinstance(exc, OSError) and exc.filename):
        err_console.print(f"[bold red]error:[/] {escape(_message(exc))}", soft_wrap=True)
        return 1
    err_console.print(internal_error_line(exc), markup=False, soft_wrap=True)
    return INTERNAL_ERROR_EXIT


def future_time_line(exc: FutureTime) -> str:
    """A time later than now, given without a day: nothing is saved until the day is said."""
    today = exc.instant.date().isoformat()
    return (
        f"{exc}; nothing saved. Say which day: --yesterday for "
        f"{exc.yesterday:%a %d %b} at {exc.yesterday:%H:%M}, or --date {today} for later today"
    )


def internal_error_line(exc: BaseException) -> str:
    """The one line shown for a bug, never mistaken for something the person did."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return (
        f"internal error in Kratom Journal: {type(exc).__name__}: {text} — this is a bug; "
        "please report it (run with KJ_DEBUG=1 for the traceback)"
    )


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename and not isinstance(exc, JournalError):
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


app = typer.Typer(
    cls=FriendlyGroup,
    name="kratom-journal",
    help="A private sleep and mood journal that shows what your own data say about kratom.\n\n"
    'Example: kj log dose 3.5g --strain "Red Bali" --at 21:30',
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def root(
    ctx: typer.Context, db: DbOption = None, passphrase_file: PassphraseFileOption = None
) -> None:
    """Kratom Journal: log doses, nights and moods; see what your data show, with uncertainty.

    It never gives dosing advice.
    """
    ctx.obj = {"db": db, "passphrase_file": passphrase_file}


def _register_all() -> None:
    from kratom_journal.cli import (
        analysis,
        init,
        integrity,
        passphrase,
        report,
        safety,
        server,
        share,
        survey,
        wearables,
        web,
    )

    journal_commands.register(app)
    for module in (init, survey, wearables, analysis, safety, web, report, share, server):
        module.register(app)
    integrity.register(app)
    passphrase.register(app)


_register_all()


def main() -> None:
    """Console-script entry point for ``kratom-journal`` and ``kj``."""
    app()
