"""The ``kratom-journal`` (``kj``) command."""

from __future__ import annotations

import os
from typing import Any

import typer
from typer.core import TyperGroup

from kratom_journal.cli import journal as journal_commands
from kratom_journal.cli.common import DbOption, err_console


class FriendlyGroup(TyperGroup):
    """Turns the errors a person can cause into one line and a non-zero exit."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        from kratom_journal.services.imports import ImportFailed
        from kratom_journal.store.db import JournalOpenError

        try:
            return super().invoke(ctx)
        except ImportFailed as exc:
            for problem in exc.problems[:20]:
                err_console.print(f"[bold red]error:[/] {problem}", soft_wrap=True)
            if len(exc.problems) > 20:
                err_console.print(f"... and {len(exc.problems) - 20} more bad rows")
            err_console.print("Nothing was imported.")
            raise typer.Exit(1) from None
        except (ValueError, LookupError, JournalOpenError, OSError) as exc:
            if os.environ.get("KJ_DEBUG"):
                raise
            err_console.print(f"[bold red]error:[/] {_message(exc)}", soft_wrap=True)
            raise typer.Exit(1) from None


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    if isinstance(exc, KeyError):
        return str(exc.args[0])
    return str(exc)


app = typer.Typer(
    cls=FriendlyGroup,
    name="kratom-journal",
    help="A private sleep and mood journal that shows what your own data say about kratom.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def root(ctx: typer.Context, db: DbOption = None) -> None:
    """Kratom Journal: log doses, nights and moods; see what your data show, with uncertainty.

    It never gives dosing advice.
    """
    ctx.obj = {"db": db}


def _register_all() -> None:
    from kratom_journal.cli import analysis, report, safety, survey, wearables, web

    journal_commands.register(app)
    for module in (survey, wearables, analysis, safety, web, report):
        module.register(app)


_register_all()


def main() -> None:
    """Console-script entry point for ``kratom-journal`` and ``kj``."""
    app()
