"""``kj report``: the clinician report as PDF or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kratom_journal.cli.common import console, fail, open_command
from kratom_journal.domain.timeparse import parse_optional_day

if TYPE_CHECKING:
    from kratom_journal.reports.model import CrisisSection


def report_command(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="First day of the period (YYYY-MM-DD); default four weeks before --to."
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last day of the period (YYYY-MM-DD); default today."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="report.pdf or report.html.")] = Path(
        "kratom-journal-report.pdf"
    ),
    analysis: Annotated[
        bool,
        typer.Option(
            "--analysis/--no-analysis",
            help="Include your analyses and self-experiments (default) or leave them out.",
        ),
    ] = True,
) -> None:
    """Write a two-page clinician report.

    Example: kj report --from 2026-10-01 --out report.pdf
    """
    from kratom_journal.reports.clinician import build_report
    from kratom_journal.reports.render import write_report
    from kratom_journal.services.report import resolve_period

    if out.suffix.lower() not in {".pdf", ".html", ".htm"}:
        fail(f"--out {out}: expected a file name ending in .pdf or .html")
    command = open_command(ctx)
    period = resolve_period(
        command.journal,
        parse_optional_day(start, "--from"),
        parse_optional_day(end, "--to"),
        clock=command.clock,
    )
    report = build_report(command.journal, period, now=command.now, with_analysis=analysis)
    if report.crisis is not None:
        _print_crisis(report.crisis)
    kind = write_report(report, out)
    console.print(
        f"Wrote the {kind} report for {period.start} to {period.end} "
        f"({report.nights_logged} nights logged) to {out}"
    )


def _print_crisis(crisis: CrisisSection) -> None:
    """The crisis resources come first, on the terminal too."""
    from kratom_journal.cli.crisis_view import show_crisis

    show_crisis(crisis.resources, console)


def register(app: typer.Typer) -> None:
    """Add ``kj report``."""
    app.command("report")(report_command)
