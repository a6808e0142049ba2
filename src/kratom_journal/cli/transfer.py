"""``kj export``, ``kj import`` and ``kj backup``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kratom_journal.cli.common import (
    KindOption,
    YesFlag,
    console,
    err_console,
    fail,
    open_from_context,
    parse_kind,
    say,
)


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
        counts = transfer.export_csv(journal, path, [parse_kind(k) for k in kind] if kind else None)
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
        bool,
        typer.Option(
            "--skip-bad",
            help="Journal CSV: import the good rows and report each bad one (exports always "
            "skip and count bad records).",
        ),
    ] = False,
    yes: YesFlag = False,
    zone: Annotated[
        str | None,
        typer.Option(
            "--zone",
            metavar="AREA/CITY",
            help="Time zone of an export whose times have no offset (Fitbit, Garmin, Sleep "
            "Cycle…); re-reads an export imported before in another zone.",
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN,…",
            help="sleep-csv: which column is which, e.g. start=Bedtime,end=Wake,asleep_min=Sleep.",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="NAME",
            help="sleep-csv: save --map under NAME, or use the map saved under NAME.",
        ),
    ] = None,
) -> None:
    """Import a journal export, CSV files or a wearable export.

    Example: kj import csv doses.csv
    """
    from kratom_journal.cli.wearables import import_with_progress
    from kratom_journal.services.imports import ExportOptions

    journal = open_from_context(ctx)
    source, target = (source_or_path, path) if path is not None else (None, Path(source_or_path))
    summary = import_with_progress(
        journal,
        source,
        target,
        skip_bad=skip_bad,
        confirmed=yes,
        options=ExportOptions(zone=zone, columns=columns, profile=profile),
    )
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
