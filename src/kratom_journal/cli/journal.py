"""Core journal commands (list, show, edit, delete, undelete); registers the others."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.prompt import Prompt
from rich.table import Table

from kratom_journal.cli.common import (
    Command,
    JsonFlag,
    KindOption,
    YesFlag,
    confirming,
    console,
    fail,
    interactive,
    open_command,
    parse_kind,
    say,
)
from kratom_journal.services import entries as entry_service
from kratom_journal.services.editing import editable_fields, shown_values

At = Annotated[str | None, typer.Option("--at", help="When: HH:MM (most recent) or ISO 8601.")]
Note = Annotated[str | None, typer.Option("--note", help="A free-text note.")]
EntryId = Annotated[
    str, typer.Argument(help="The entry's id, or its first characters (at least 4).")
]


def list_command(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this date (YYYY-MM-DD).")] = None,
    kind: KindOption = None,
    deleted: Annotated[bool, typer.Option("--deleted", help="Include deleted entries.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List entries, oldest first.

    Example: kj list --since 2024-05-01 --kind dose --json
    """
    command = open_command(ctx)
    if kind and any(k.strip().lower() == "night" for k in kind):
        from kratom_journal.cli.wearables import list_nights_command

        list_nights_command(command.journal, kind, since, until, as_json)
        return
    kinds = [parse_kind(k) for k in kind] if kind else None
    stored = entry_service.list_entries(
        command.journal, kinds, since, until, deleted, settings=command.settings
    )
    if as_json:
        typer.echo(
            json.dumps([entry_service.entry_view(s) for s in stored], ensure_ascii=False, indent=1)
        )
        return
    table = Table("id", "when", "kind", "entry", box=None)
    zone_name = command.settings.zone_name
    for item in stored:
        when = entry_service.when_text(item, zone_name)
        label = entry_service.summary_text(item) + (" [dim](deleted)[/]" if item.deleted_at else "")
        table.add_row(item.short_id, when, item.kind.value.replace("-", " "), label)
    console.print(table if stored else "No entries.")


def show_command(ctx: typer.Context, entry_id: EntryId, as_json: JsonFlag = False) -> None:
    """Show an entry and its history.

    Example: kj show 3f2a9c1b
    """
    command = open_command(ctx)
    journal = command.journal
    stored = journal.entries.get(entry_id)
    history = journal.entries.history(stored.id)
    view = entry_service.entry_view(stored)
    if as_json:
        view["history"] = [
            {
                "version": r.version,
                "action": r.action,
                "changed_at": r.changed_at.isoformat(),
                "data": r.data,
            }
            for r in history
        ]
        typer.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    zone_name = command.settings.zone_name
    say(f"[bold]{stored.kind.value.replace('-', ' ')} {stored.short_id}[/] ({stored.id})")
    say(f"When: {entry_service.when_text(stored, zone_name)}")
    shown = shown_values(stored, command.settings.zone)
    for item in editable_fields(stored.kind):
        if shown.get(item.name):
            say(f"{item.label}: {shown[item.name].replace('T', ' ')}")
    if stored.deleted_at:
        say("[bold](deleted)[/]")
    say("History:")
    for revision in history:
        when = f"{revision.changed_at.astimezone(command.settings.zone):%Y-%m-%d %H:%M}"
        action = ACTION_WORDS.get(revision.action, revision.action)
        say(f"  version {revision.version}: {action} {when}")


ACTION_WORDS = {
    "create": "created",
    "edit": "changed",
    "delete": "deleted",
    "undelete": "restored",
}


def edit_command(
    ctx: typer.Context,
    entry_id: EntryId,
    changes: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="field=value (repeatable); without it you are asked in a terminal."
        ),
    ] = None,
    yes: YesFlag = False,
) -> None:
    """Change an entry; the previous version stays in its history.

    Example: kj edit 3f2a --set amount=3g
    """
    command = open_command(ctx)
    raw = _parse_assignments(changes or [])
    if not raw:
        raw = _ask_changes(command, entry_id)
    stored = confirming(
        lambda ok: entry_service.edit(
            command.journal, entry_id, raw, ok, settings=command.settings, clock=command.clock
        ),
        yes,
    )
    say(
        f"Updated {stored.short_id} (version {stored.version}): "
        f"{entry_service.summary_text(stored)}"
    )


def _parse_assignments(items: list[str]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"--set expects field=value, got {item!r}")
        raw[name.strip()] = value
    return raw


def _ask_changes(command: Command, entry_id: str) -> dict[str, str]:
    """Ask each field the edit form shows, with its current value as the default."""
    if not interactive():
        fail("say what to change with --set field=value")
    stored = command.journal.entries.get(entry_id)
    shown = shown_values(stored, command.settings.zone)
    raw: dict[str, str] = {}
    for item in editable_fields(stored.kind):
        before = shown.get(item.name, "")
        answer = Prompt.ask(item.label, default=before)
        if answer != before:
            raw[item.name] = answer
    if not raw:
        fail("nothing changed")
    return raw


def delete_command(ctx: typer.Context, entry_id: EntryId) -> None:
    """Delete an entry (it can be restored with kj undelete).

    Example: kj delete 3f2a9c1b
    """
    command = open_command(ctx)
    stored = entry_service.delete_entry(command.journal, entry_id)
    when = entry_service.when_text(stored, command.settings.zone_name)
    say(
        f"Deleted {stored.short_id} ({when}: {entry_service.summary_text(stored)}). "
        f"Restore it with: kj undelete {stored.short_id}"
    )


def undelete_command(ctx: typer.Context, entry_id: EntryId) -> None:
    """Restore a deleted entry.

    Example: kj undelete 3f2a9c1b
    """
    command = open_command(ctx)
    stored = entry_service.restore_entry(command.journal, entry_id)
    when = entry_service.when_text(stored, command.settings.zone_name)
    say(f"Restored {stored.short_id} ({when}): {entry_service.summary_text(stored)}")


def register(app: typer.Typer) -> None:
    """Add the core commands."""
    from kratom_journal.cli import config, log, purge, transfer

    app.add_typer(log.log_app, name="log")
    app.add_typer(config.config_app, name="config")
    app.command("list")(list_command)
    app.command("show")(show_command)
    app.command("edit")(edit_command)
    app.command("delete")(delete_command)
    app.command("undelete")(undelete_command)
    app.command("purge")(purge.purge_command)
    app.command("export")(transfer.export_command)
    app.command("import")(transfer.import_command)
    app.command("backup")(transfer.backup_command)
    app.command("demo")(config.demo_command)
