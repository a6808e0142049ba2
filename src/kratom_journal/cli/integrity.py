"""``kj check`` and ``kj recover``: SQLite's integrity check, and a way out of a damaged file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kratom_journal.cli.common import err_console, fail, journal_target, say


def check_command(ctx: typer.Context) -> None:
    """Check the journal file for damage (SQLite's full integrity check).

    Example: kj check
    """
    from kratom_journal.cli.passphrase import unlock_for_command
    from kratom_journal.services.integrity import check_journal

    unlock_for_command(ctx)
    outcome = check_journal(journal_target(ctx))
    if outcome.sound:
        say(f"{outcome.path}: the journal file passed its integrity check")
        return
    for problem in outcome.problems:
        err_console.print(f"problem: {problem}", markup=False, soft_wrap=True)
    fail(
        f"{outcome.path}: the journal file is damaged ({len(outcome.problems)} problems found); "
        f"writes are refused. Run `kj --db {outcome.path} recover NEW-FILE` to copy every "
        "entry that can still be read into a new journal"
    )


def recover_command(
    ctx: typer.Context,
    into: Annotated[Path, typer.Argument(help="The new journal file to write (must not exist).")],
) -> None:
    """Copy every row that can still be read from a damaged journal into a new journal.

    Example: kj recover ~/journal-recovered.sqlite3
    """
    from kratom_journal.services.integrity import recover

    outcome = recover(journal_target(ctx), into)
    for table in outcome.tables:
        if table.unreadable:
            err_console.print(f"lost: table {table.name} could not be read at all", markup=False)
        for first, last in table.lost_ranges:
            span = f"row {first}" if first == last else f"rows {first}-{last}"
            err_console.print(f"lost: {table.name} {span} could not be read", markup=False)
        if table.lost_ids:
            shown = ", ".join(table.lost_ids[:20])
            more = f" and {len(table.lost_ids) - 20} more" if len(table.lost_ids) > 20 else ""
            err_console.print(f"lost: {table.name} ids {shown}{more}", markup=False)
        if table.rejected:
            err_console.print(
                f"lost: {table.name}: {table.rejected} rows read but refused by the new journal",
                markup=False,
            )
    verdict = "everything was read" if outcome.complete else "some rows could not be read (above)"
    say(f"Recovered {outcome.copied} rows into {outcome.target}; {verdict}")
    if not outcome.complete:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
    app.command("recover")(recover_command)
