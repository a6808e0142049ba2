"""Command-line face of imports and wearable nights: progress bar, night listing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from kratom_journal.store.journal import Journal

if TYPE_CHECKING:
    from kratom_journal.services.import_summary import ImportSummary
    from kratom_journal.services.imports import ExportOptions

# The import machinery (and lxml) loads only when an import or night command runs,
# so that `kj log` starts fast.


def import_with_progress(
    journal: Journal,
    source: str | None,
    path: Path,
    skip_bad: bool = False,
    confirmed: bool = False,
    console: Console | None = None,
    options: ExportOptions | None = None,
) -> ImportSummary:
    """Run :func:`~kratom_journal.services.imports.run_import`, with a Rich progress bar
    when on a terminal.

    On a terminal, an export whose times carry no offset is imported only after
    asking which zone they were recorded in (unless ``--zone`` or the journal's
    ``timezone`` setting says so already).

    Raises the import's :class:`~kratom_journal.domain.errors.JournalError` (one line,
    or every bad row) when nothing could be imported.
    """
    from kratom_journal.services.imports import ExportOptions, run_import

    console = console or Console(stderr=True)
    wanted = options or ExportOptions()
    if not console.is_terminal:
        return run_import(
            journal, source, path, skip_bad=skip_bad, confirmed=confirmed, options=wanted
        )
    if wanted.zone is None:
        wanted = replace(wanted, zone=_ask_zone(journal, source, path, console))
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[records]:,} records"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"Importing {path.name}", total=None, records=0)

        def on_bytes(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def on_records(count: int) -> None:
            bar.update(task, records=count)

        return run_import(
            journal,
            source,
            path,
            skip_bad=skip_bad,
            confirmed=confirmed,
            progress=on_bytes,
            on_records=on_records,
            options=wanted,
        )


def _ask_zone(journal: Journal, source: str | None, path: Path, console: Console) -> str | None:
    """Ask which zone an offset-less export was recorded in; ``None`` when not needed."""
    from kratom_journal.domain.timeparse import is_zone
    from kratom_journal.services.clock import system_zone_name
    from kratom_journal.services.imports import detect_source
    from kratom_journal.services.wearables import asks_for_zone

    if source is None and detect_source(path) in ("csv", "json"):
        return None
    title = asks_for_zone(journal, source, path)
    if title is None:
        return None
    console.print(
        f"{title} writes its times without a UTC offset, so the journal needs the time zone "
        "they were recorded in (set it for good with: kj config set timezone Area/City)."
    )
    while True:
        answer = str(typer.prompt("Time zone (Area/City)", default=system_zone_name())).strip()
        if is_zone(answer):
            return answer
        console.print(f"[red]unknown time zone {answer!r}[/]; for example Europe/Berlin")


def print_nights(
    journal: Journal,
    since: date | None = None,
    until: date | None = None,
    as_json: bool = False,
    console: Console | None = None,
) -> None:
    """``kj list --kind night``: one row (or JSON object) per night with its chosen source."""
    from kratom_journal.cli.common import console as shared_console
    from kratom_journal.services.wearable_nights import list_nights, night_dict

    console = console or shared_console
    nights = list_nights(journal, since, until)
    if as_json:
        payload = [night_dict(chosen, others) for chosen, others in nights]
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if not nights:
        console.print("No nights yet. Import an export with: kj import PATH")
        return
    table = Table("night", "source", "in bed", "asleep", "SOL", "WASO", "wake", "HR", box=None)
    for chosen, _others in nights:
        table.add_row(
            chosen.night.isoformat(),
            chosen.source.name,
            _minutes(chosen.time_in_bed_min),
            _minutes(chosen.total_sleep_min),
            _minutes(chosen.sleep_onset_latency_min),
            _minutes(chosen.waso_min),
            "" if chosen.awakenings is None else str(chosen.awakenings),
            "" if chosen.heart_rate_mean is None else f"{chosen.heart_rate_mean:.0f}",
        )
    console.print(table)


def _minutes(value: float | None) -> str:
    if value is None:
        return ""
    hours, minutes = divmod(round(value), 60)
    return f"{hours}h{minutes:02d}" if hours else f"{minutes}m"


def register(app: typer.Typer) -> None:
    """Add ``kj sleep-sources`` (which sources recorded nights, and the priority in use)."""

    @app.command("sleep-sources")
    def sleep_sources(ctx: typer.Context) -> None:
        """Show the wearable sources with nights and the sleep-source-priority setting.

        Example: kj sleep-sources
        """
        from kratom_journal.cli.common import open_from_context
        from kratom_journal.services.wearable_nights import list_nights
        from kratom_journal.services.wearables import source_priority

        journal = open_from_context(ctx)
        counts: dict[str, list[int]] = {}
        for chosen, others in list_nights(journal):
            counts.setdefault(chosen.source.label, [0, 0])[0] += 1
            for other in others:
                counts.setdefault(other.source.label, [0, 0])[1] += 1
        priority = source_priority(journal)
        console = Console()
        console.print(
            "sleep-source-priority: "
            + (", ".join(priority) if priority else "default (staged watch/ring first)")
        )
        table = Table("source", "nights chosen", "nights not chosen")
        for label, (chosen_count, other_count) in sorted(counts.items()):
            table.add_row(label, str(chosen_count), str(other_count))
        console.print(table)


def list_nights_command(
    journal: Journal, kinds: list[str], since: str | None, until: str | None, as_json: bool
) -> None:
    """``kj list --kind night``: derived nights (other kinds cannot be mixed in)."""
    from kratom_journal.cli.common import fail

    if any(k.strip().lower() != "night" for k in kinds):
        fail("--kind night lists wearable nights and cannot be combined with other kinds")
    from kratom_journal.domain.timeparse import parse_optional_day

    first = parse_optional_day(since, "--since")
    last = parse_optional_day(until, "--until")
    # --until is exclusive, as for the other kinds.
    print_nights(journal, first, last - timedelta(days=1) if last else None, as_json)


__all__ = [
    "import_with_progress",
    "list_nights_command",
    "print_nights",
    "register",
]
