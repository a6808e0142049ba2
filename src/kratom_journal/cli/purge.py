"""``kj purge``: delete an entry forever, with its history (asks first)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.prompt import Confirm

from kratom_journal.cli.common import fail, interactive, open_from_context, say
from kratom_journal.services import entries as entry_service
from kratom_journal.services.purge import PURGE_WARNING, purge


def purge_command(
    ctx: typer.Context,
    entry_id: Annotated[
        str, typer.Argument(help="The entry's id, or its first characters (at least 4).")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete forever without asking.")
    ] = False,
) -> None:
    """Delete an entry forever: it and all its earlier versions (kj delete can be undone).

    Example: kj purge 3f2a9c1b --yes
    """
    journal = open_from_context(ctx)
    stored = journal.entries.get(entry_id)
    summary = entry_service.summary_text(stored)
    if not yes:
        if not interactive():
            fail(f"{stored.short_id} was not removed: add --yes to delete it forever")
        say(PURGE_WARNING)
        if not Confirm.ask(f"Delete {stored.short_id} ({summary}) forever?", default=False):
            fail(f"{stored.short_id} was not removed")
    purge(journal, stored.id)
    say(f"Deleted {stored.short_id} forever ({summary}), with its history.")
