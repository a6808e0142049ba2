"""Core journal commands: log, list, show, edit, delete, export, import, backup, config, demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.table import Table

from kratom_journal.cli.common import (
    JsonFlag,
    YesFlag,
    console,
    err_console,
    fail,
    open_command,
    open_from_context,
    say,
)
from kratom_journal.domain.entries import Dose, Kind
from kratom_journal.domain.errors import ImplausibleEntry
from kratom_journal.services import entries as entry_service
from kratom_journal.services.editing import editable_fields
from kratom_journal.store.journal import Journal, StoredEntry

log_app = typer.Typer(
    help="Log a dose, a night's sleep, a mood check-in, a side effect.\n\n"
    "Example: kj log mood 6 --anxiety 3",
    no_args_is_help=True,
)
config_app = typer.Typer(
    help="Journal settings (time zone, country, region, ...).\n\n"
    "Example: kj config set timezone Europe/Berlin",
    no_args_is_help=True,
)

At = Annotated[str | None, typer.Option("--at", help="When: HH:MM (most recent) or ISO 8601.")]
Note = Annotated[str | None, typer.Option("--note", help="A free-text note.")]
EntryId = Annotated[
    str, typer.Argument(help="The entry's id, or its first characters (at least 4).")
]


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _confirming(store: Callable[[bool], StoredEntry], yes: bool) -> StoredEntry:
    """Store; on an implausible value ask (in a terminal) or explain ``--yes``."""
    try:
        return store(yes)
    except ImplausibleEntry as exc:
        if interactive() and Confirm.ask(f"{exc.message}. Save it anyway?", default=False):
            return store(True)
        fail(f"{exc.message}; nothing saved (use --yes to accept it)")


def substance_of(stored: StoredEntry) -> str:
    """The substance of a logged dose (``kj log substance`` only logs doses)."""
    return stored.entry.substance if isinstance(stored.entry, Dose) else ""


def _saved(stored: StoredEntry) -> None:
    say(
        f"Saved {stored.kind.value} [bold]{stored.short_id}[/]: "
        f"{entry_service.summary_text(stored)}"
    )


@log_app.command("dose")
def log_dose(
    ctx: typer.Context,
    amount: Annotated[str, typer.Argument(help="Amount with unit: 3.5g, 500mg, 4capsules.")],
    strain: Annotated[str | None, typer.Option(help="Strain label as on the pack.")] = None,
    form: Annotated[
        str | None, typer.Option(help="powder, capsule, extract, tea, 7-oh, other.")
    ] = None,
    product: Annotated[str | None, typer.Option(help="Product or vendor name.")] = None,
    grams_per_capsule: Annotated[
        float | None, typer.Option(help="Grams of kratom per capsule.")
    ] = None,
    at: At = None,
    note: Note = None,
    yes: YesFlag = False,
) -> None:
    """Log a kratom dose.

    Example: kj log dose 3.5g --strain "Red Bali" --form powder --at 21:30
    """
    command = open_command(ctx)
    data = entry_service.DoseInput(
        amount=amount,
        strain=strain,
        form=form,
        product=product,
        at=at,
        grams_per_capsule=grams_per_capsule,
        note=note,
    )
    _saved(
        _confirming(
            lambda ok: entry_service.log_dose(
                command.journal, data, ok, settings=command.settings, clock=command.clock
            ),
            yes,
        )
    )


@log_app.command("substance")
def log_substance(
    ctx: typer.Context,
    substance: Annotated[
        str,
        typer.Argument(
            help="caffeine, alcohol, melatonin, cannabis, medication:<name>, other:<name>."
        ),
    ],
    amount: Annotated[str, typer.Argument(help="Amount with unit: 200mg, 2standard_drink.")],
    at: At = None,
    note: Note = None,
    yes: YesFlag = False,
) -> None:
    """Log another substance.

    Example: kj log substance caffeine 200mg --at 15:00
    """
    command = open_command(ctx)
    data = entry_service.DoseInput(amount=amount, substance=substance, at=at, note=note)
    stored = _confirming(
        lambda ok: entry_service.log_dose(
            command.journal, data, ok, settings=command.settings, clock=command.clock
        ),
        yes,
    )
    _saved(stored)
    from kratom_journal.services.safety import interaction_note_for

    note_text = interaction_note_for(substance_of(stored))
    if note_text:
        say(note_text)


@log_app.command("sleep")
def log_sleep(
    ctx: typer.Context,
    night: Annotated[
        str | None, typer.Option(help="Date of the evening the night began (default: last night).")
    ] = None,
    bed: Annotated[str | None, typer.Option(help="Time into bed, HH:MM.")] = None,
    tried: Annotated[str | None, typer.Option(help="Time you tried to sleep, HH:MM.")] = None,
    sol: Annotated[int | None, typer.Option(help="Minutes to fall asleep.")] = None,
    awakenings: Annotated[int | None, typer.Option(help="Number of awakenings.")] = None,
    waso: Annotated[int | None, typer.Option(help="Total minutes awake in the night.")] = None,
    final_wake: Annotated[str | None, typer.Option(help="Final awakening, HH:MM.")] = None,
    out: Annotated[str | None, typer.Option(help="Time out of bed, HH:MM.")] = None,
    quality: Annotated[int | None, typer.Option(help="Sleep quality 1 (very poor)-5.")] = None,
    naps: Annotated[int | None, typer.Option(help="Number of naps the day before.")] = None,
    nap_min: Annotated[int | None, typer.Option(help="Total minutes napped.")] = None,
    note: Note = None,
) -> None:
    """Log last night's Consensus Sleep Diary (asks for the items not given as options).

    Example: kj log sleep --bed 22:30 --tried 23:00 --sol 20 --awakenings 2 --waso 25
    --final-wake 06:40 --out 07:00 --quality 3
    """
    command = open_command(ctx)
    values = _ask_missing_sleep(
        bed=bed,
        tried=tried,
        sol=sol,
        awakenings=awakenings,
        waso=waso,
        final_wake=final_wake,
        out=out,
        quality=quality,
    )
    data = entry_service.SleepInput(
        night=night,
        bed_at=values["bed"],
        tried_at=values["tried"],
        sol_min=values["sol"],
        awakenings=values["awakenings"],
        waso_min=values["waso"],
        final_wake_at=values["final_wake"],
        out_of_bed_at=values["out"],
        quality=values["quality"],
        nap_count=naps,
        nap_min=nap_min,
        note=note,
    )
    _saved(
        entry_service.log_sleep(
            command.journal, data, settings=command.settings, clock=command.clock
        )
    )


_SLEEP_QUESTIONS = {
    "bed": ("What time did you get into bed? (HH:MM)", str),
    "tried": ("What time did you try to go to sleep? (HH:MM)", str),
    "sol": ("How long did it take you to fall asleep? (minutes)", int),
    "awakenings": ("How many times did you wake up, not counting the final awakening?", int),
    "waso": ("In total, how long did these awakenings last? (minutes)", int),
    "final_wake": ("What time was your final awakening? (HH:MM)", str),
    "out": ("What time did you get out of bed for the day? (HH:MM)", str),
    "quality": ("How would you rate the quality of your sleep? 1 very poor - 5 very good", int),
}


def _ask_missing_sleep(**given: Any) -> dict[str, Any]:
    """Prompt for diary items not given as flags (only in a terminal)."""
    missing = [name for name, value in given.items() if value is None]
    if missing and not interactive():
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        fail(f"missing diary items: {flags} (or run in a terminal to be asked)")
    values = dict(given)
    for name in missing:
        question, kind = _SLEEP_QUESTIONS[name]
        values[name] = IntPrompt.ask(question) if kind is int else Prompt.ask(question)
    return values


@log_app.command("mood")
def log_mood(
    ctx: typer.Context,
    mood: Annotated[int, typer.Argument(help="Mood 0 (worst) to 10 (best).")],
    anxiety: Annotated[int | None, typer.Option(help="Anxiety 0 (none) to 10.")] = None,
    energy: Annotated[int | None, typer.Option(help="Energy 0 to 10.")] = None,
    at: At = None,
    note: Note = None,
) -> None:
    """Log a mood check-in.

    Example: kj log mood 6 --anxiety 3
    """
    command = open_command(ctx)
    _saved(
        entry_service.log_mood(
            command.journal,
            mood,
            anxiety,
            energy,
            at,
            note,
            settings=command.settings,
            clock=command.clock,
        )
    )


@log_app.command("side-effect")
def log_side_effect(
    ctx: typer.Context,
    symptom: Annotated[
        str,
        typer.Argument(
            help="constipation, nausea, itching, sweating, dizziness, headache, restlessness, "
            "low_appetite, other."
        ),
    ],
    severity: Annotated[int, typer.Option(help="0 none, 1 mild, 2 moderate, 3 severe.")] = 1,
    at: At = None,
    note: Note = None,
) -> None:
    """Log a side effect.

    Example: kj log side-effect nausea --severity 1
    """
    command = open_command(ctx)
    _saved(
        entry_service.log_side_effect(
            command.journal,
            symptom,
            severity,
            at,
            note,
            settings=command.settings,
            clock=command.clock,
        )
    )


KindOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kind", help="dose, sleep, mood, side-effect (repeatable), or night (wearables)."
    ),
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
    kinds = [_kind(k) for k in kind] if kind else None
    stored = entry_service.list_entries(
        command.journal, kinds, since, until, deleted, settings=command.settings
    )
    if as_json:
        typer.echo(
            json.dumps([entry_service.entry_view(s) for s in stored], ensure_ascii=False, indent=1)
        )
        return
    table = Table("id", "when", "kind", "entry", box=None)
    for item in stored:
        when = entry_service.entry_time(item).strftime("%Y-%m-%d %H:%M")
        label = entry_service.summary_text(item) + (" [dim](deleted)[/]" if item.deleted_at else "")
        table.add_row(item.short_id, when, item.kind.value, label)
    console.print(table if stored else "No entries.")


def _kind(text: str) -> Kind:
    try:
        return Kind(text.strip().lower())
    except ValueError:
        fail(f"unknown kind {text!r}; expected one of {', '.join(k.value for k in Kind)}")


def show_command(ctx: typer.Context, entry_id: EntryId, as_json: JsonFlag = False) -> None:
    """Show an entry and its history.

    Example: kj show 3f2a9c1b
    """
    journal = open_from_context(ctx)
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
    for key, value in view.items():
        say(f"[bold]{key}[/]: {value}")
    for revision in history:
        when = f"{revision.changed_at:%Y-%m-%d %H:%M}"
        say(f"  v{revision.version} {revision.action} {when}")


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
        raw = _ask_changes(command.journal, entry_id)
    stored = _confirming(
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


def _ask_changes(journal: Journal, entry_id: str) -> dict[str, str]:
    if not interactive():
        fail("say what to change with --set field=value")
    stored = journal.entries.get(entry_id)
    view = entry_service.entry_view(stored)
    raw: dict[str, str] = {}
    for name in (item.name for item in editable_fields(stored.kind)):
        value = view.get(name)
        answer = Prompt.ask(name, default="" if value is None else str(value))
        if answer != ("" if value is None else str(value)):
            raw[name] = answer
    if not raw:
        fail("nothing changed")
    return raw


def delete_command(ctx: typer.Context, entry_id: EntryId) -> None:
    """Delete an entry (it can be restored with kj undelete).

    Example: kj delete 3f2a9c1b
    """
    journal = open_from_context(ctx)
    stored = journal.entries.delete(entry_id)
    say(f"Deleted {stored.short_id}. Restore it with: kj undelete {stored.short_id}")


def undelete_command(ctx: typer.Context, entry_id: EntryId) -> None:
    """Restore a deleted entry.

    Example: kj undelete 3f2a9c1b
    """
    journal = open_from_context(ctx)
    stored = journal.entries.undelete(entry_id)
    say(f"Restored {stored.short_id}: {entry_service.summary_text(stored)}")


def export_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="File (json) or folder/file (csv) to write.")],
    fmt: Annotated[
        str, typer.Option("--format", help="json, csv, fhir, parquet or tidy-csv.")
    ] = "json",
    kind: KindOption = None,
) -> None:
    """Export the journal.

    Example: kj export --format json journal.json
    """
    from kratom_journal.services import transfer

    journal = open_from_context(ctx)
    exporters = _exporters()
    if fmt not in exporters:
        fail(f"unknown export format {fmt!r}; expected one of {', '.join(exporters)}")
    if fmt == "json":
        count = transfer.export_json(journal, path)
        say(f"Wrote {count} entries (with their history) to {path}")
        return
    if fmt == "csv":
        counts = transfer.export_csv(journal, path, [_kind(k) for k in kind] if kind else None)
        say("Wrote " + ", ".join(f"{n} {k.value}" for k, n in counts.items()) + f" rows to {path}")
        return
    console.print(exporters[fmt](journal, path))


def _exporters() -> dict[str, Any]:
    """Export formats; report modules add theirs (fhir, parquet) through this registry."""
    from kratom_journal.reports.exports import EXPORTERS

    return {"json": None, "csv": None, **EXPORTERS}


def import_command(
    ctx: typer.Context,
    source_or_path: Annotated[
        str,
        typer.Argument(metavar="[SOURCE]", help="csv, json or a wearable source; may be left out."),
    ],
    path: Annotated[Path | None, typer.Argument(help="File or folder to import.")] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good rows and report each bad one.")
    ] = False,
    yes: YesFlag = False,
) -> None:
    """Import a journal export, CSV files or a wearable export.

    Example: kj import csv doses.csv
    """
    from kratom_journal.cli.wearables import import_with_progress

    journal = open_from_context(ctx)
    source, target = (source_or_path, path) if path is not None else (None, Path(source_or_path))
    summary = import_with_progress(journal, source, target, skip_bad=skip_bad, confirmed=yes)
    for problem in summary.skipped:
        err_console.print(f"[yellow]skipped:[/] {problem}", soft_wrap=True)
    say(summary.line())


def backup_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to write the backup.")],
) -> None:
    """Write a consistent copy of the journal.

    Example: kj backup ~/journal-backup.sqlite3
    """
    from kratom_journal.services.backup import backup

    journal = open_from_context(ctx)
    kind = backup(journal, path)
    say(f"Backed up the journal to {path} ({kind})")


@config_app.command("set")
def config_set(ctx: typer.Context, key: str, value: str) -> None:
    """Set a setting.

    Example: kj config set timezone Europe/Berlin
    """
    from kratom_journal.services.settings import set_setting

    journal = open_from_context(ctx)
    say(f"{key} = {set_setting(journal, key, value)}")


@config_app.command("get")
def config_get(ctx: typer.Context, key: str) -> None:
    """Show one setting.

    Example: kj config get timezone
    """
    from kratom_journal.services.settings import effective_settings

    journal = open_from_context(ctx)
    say(effective_settings(journal).get(key, "(not set)"))


@config_app.command("list")
def config_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Show all settings.

    Example: kj config list
    """
    from kratom_journal.services.settings import effective_settings

    journal = open_from_context(ctx)
    settings = effective_settings(journal)
    if as_json:
        typer.echo(json.dumps(settings, indent=1))
        return
    for key, value in settings.items():
        say(f"{key} = {value}")


@config_app.command("unset")
def config_unset(ctx: typer.Context, key: str) -> None:
    """Remove a setting (its default applies again).

    Example: kj config unset region
    """
    from kratom_journal.services.settings import unset_setting

    journal = open_from_context(ctx)
    unset_setting(journal, key)
    say(f"{key} unset")


def demo_command(
    days: Annotated[int, typer.Option(help="Days of journal to generate (at least 120).")] = 150,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 7,
    path: Annotated[
        Path | None,
        typer.Option(
            help="Demo journal file (default: a demo file beside, never in, your journal)."
        ),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Open the demo in the web app.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the web app.")] = 8000,
) -> None:
    """Build a realistic demo journal in its own database and show it.

    Example: kj demo
    """
    from kratom_journal.demo.build import build_demo_journal, summary_rows

    journal, target = build_demo_journal(path, days=days, seed=seed)
    table = Table("what", "count", title=f"Demo journal at {target}")
    for label, count in summary_rows(journal):
        table.add_row(label, str(count))
    console.print(table)
    say("This demo is generated data, not advice: effects in it are noisy and mixed.")
    if serve:
        _serve_demo(target, port)


def _serve_demo(path: Path, port: int) -> None:
    """Serve the demo journal in the web app, on loopback."""
    from kratom_journal.cli.web import serve_journal

    serve_journal(str(path), host="127.0.0.1", port=port)


def register(app: typer.Typer) -> None:
    """Add the core commands."""
    app.add_typer(log_app, name="log")
    app.add_typer(config_app, name="config")
    app.command("list")(list_command)
    app.command("show")(show_command)
    app.command("edit")(edit_command)
    app.command("delete")(delete_command)
    app.command("undelete")(undelete_command)
    app.command("export")(export_command)
    app.command("import")(import_command)
    app.command("backup")(backup_command)
    app.command("demo")(demo_command)
