"""What every command shares: the journal to open, its settings and clock, one-line errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.prompt import Confirm

from kratom_journal.domain.entries import Kind
from kratom_journal.domain.errors import ImplausibleEntry
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.store.journal import StoredEntry

if TYPE_CHECKING:
    from kratom_journal.services.settings import JournalSettings
    from kratom_journal.store.journal import Journal

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
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


CLOCK: Clock = SYSTEM_CLOCK
"""The one clock every command reads the time from (tests replace it to fix the time)."""


def command_clock() -> Clock:
    return CLOCK


def journal_target(ctx: typer.Context) -> str:
    root = ctx.find_root()
    target = (root.obj or {}).get("db") if isinstance(root.obj, dict) else None
    return target or os.environ.get(DB_ENV) or str(default_journal_path())


def open_from_context(ctx: typer.Context) -> Journal:
    """Open the journal the command line names (``--db``, ``$KRATOM_JOURNAL_DB`` or default)."""
    from kratom_journal.cli.passphrase import unlock_for_command
    from kratom_journal.domain.errors import JournalError
    from kratom_journal.store.journal import open_journal

    unlock_for_command(ctx)
    try:
        journal = open_journal(journal_target(ctx))
    except JournalError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - a refusing server, a driver error: one line
        fail(
            f"cannot open the journal {journal_target(ctx)}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}"
        )
    ctx.call_on_close(lambda: _report_unreadable_and_close(journal))
    return journal


MAX_UNREADABLE_SHOWN = 20


def _report_unreadable_and_close(journal: Journal) -> None:
    """Name every row the command skipped because it no longer parses (never silently)."""
    skipped = journal.unreadable.all()
    for row in skipped[:MAX_UNREADABLE_SHOWN]:
        err_console.print(f"[yellow]skipped:[/] {escape(row.line())}", soft_wrap=True)
    if len(skipped) > MAX_UNREADABLE_SHOWN:
        err_console.print(f"... and {len(skipped) - MAX_UNREADABLE_SHOWN} more unreadable rows")
    if skipped:
        err_console.print(
            f"{len(skipped)} stored rows could not be read and were left out; "
            "everything else is complete. `kj check` checks the file itself.",
            soft_wrap=True,
        )
    journal.close()


@dataclass(frozen=True, slots=True)
class Command:
    """What a command works with: the open journal, its settings read once, and the clock."""

    journal: Journal
    settings: JournalSettings
    clock: Clock

    @property
    def now(self) -> datetime:
        return self.clock.now_in(self.settings.zone)

    @property
    def today(self) -> date:
        """Today's calendar date in the journal's zone."""
        return self.clock.today(self.settings.zone)

    @property
    def journal_today(self) -> date:
        """Today's journal day (from 04:00) in the journal's zone."""
        return self.clock.journal_today(self.settings.zone)


def open_command(ctx: typer.Context) -> Command:
    """Open the journal and read its settings once, for one command."""
    from kratom_journal.services.settings import read_settings

    journal = open_from_context(ctx)
    return Command(journal, read_settings(journal), command_clock())


KindOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kind", help="dose, sleep, mood, side-effect (repeatable), or night (wearables)."
    ),
]


def parse_kind(text: str) -> Kind:
    try:
        return Kind(text.strip().lower())
    except ValueError:
        fail(f"unknown kind {text!r}; expected one of {', '.join(k.value for k in Kind)}")


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def confirming(store: Callable[[bool], StoredEntry], yes: bool) -> StoredEntry:
    """Store; on an implausible value ask (in a terminal) or explain ``--yes``."""
    try:
        return store(yes)
    except ImplausibleEntry as exc:
        if interactive() and Confirm.ask(f"{exc.message}. Save it anyway?", default=False):
            return store(True)
        fail(f"{exc.message}; nothing saved (use --yes to accept it)")
