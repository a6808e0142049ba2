"""Safety commands: signals, interactions, declared medicines, legal status, evidence."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from kratom_journal.cli.common import JsonFlag, command_clock, fail, open_command, open_from_context

meds_app = typer.Typer(
    help="Regular medicines you take, checked against kratom.\n\n"
    "Example: kj meds add sertraline --daily",
    no_args_is_help=True,
)


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=1, ensure_ascii=False))


def _echo_lines(lines: list[str]) -> None:
    # Plain echo, not Rich: lines contain "[dangerous]" and similar brackets.
    for line in lines:
        typer.echo(line)


def _machine_today() -> date:
    """Today on this machine's clock, for facts shown without opening a journal."""
    return command_clock().now().astimezone().date()


def safety_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Dependence and withdrawal signals from your journal, with sources.

    Shows how often you take kratom, runs of consecutive days, 28-day trends with
    intervals, 7-OH use, withdrawal scores, the self-check and side effects, then
    checks your declared medicines and logged substances for interactions.

    Example: kj safety
    """
    from kratom_journal.safety.interactions import explain_lines
    from kratom_journal.safety.signals import report_lines
    from kratom_journal.services.safety import journal_checks, safety_report

    command = open_command(ctx)
    report = safety_report(command.journal, command.today, settings=command.settings)
    checks = journal_checks(command.journal)
    if as_json:
        _echo_json({**report.to_dict(), "interactions": [c.to_dict() for c in checks]})
        return
    _echo_lines(report_lines(report))
    typer.echo("")
    if not checks:
        typer.echo(
            "Interactions: no medicines declared or other substances logged "
            "(declare one with: kj meds add NAME --daily)."
        )
    for item in checks:
        typer.echo(f"Interactions, {item.origin}:")
        _echo_lines(explain_lines(item.result, command.today))


def interactions_command(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Medicine or substance names, generic or brand; none checks your journal."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """How medicines and substances combine with kratom, and why.

    With no names, checks every declared medicine and every substance logged in
    the journal. A name we do not list is never reported as safe.

    Example: kj interactions Xanax sertraline
    """
    from kratom_journal.safety.interactions import explain_lines, result_dict
    from kratom_journal.services.safety import check_names, journal_checks

    today = _machine_today()
    if names:
        results = check_names(names)
        if as_json:
            _echo_json([result_dict(r) for r in results])
            return
        for result in results:
            _echo_lines(explain_lines(result, today))
        return
    checks = journal_checks(open_from_context(ctx))
    if as_json:
        _echo_json([c.to_dict() for c in checks])
        return
    if not checks:
        typer.echo(
            "Nothing to check: no medicines declared and no other substances logged. "
            "Example: kj interactions Xanax, or kj meds add sertraline --daily"
        )
    for item in checks:
        typer.echo(f"{item.origin}:")
        _echo_lines(explain_lines(item.result, today))


@meds_app.command("add")
def meds_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Medicine name, generic or brand.")],
    daily: Annotated[bool, typer.Option("--daily", help="You take it every day.")] = False,
) -> None:
    """Declare a medicine you take, so every check includes it.

    Example: kj meds add sertraline --daily
    """
    from kratom_journal.safety.interactions import explain_lines
    from kratom_journal.services.safety import check_names, declare_medicine

    medicine = declare_medicine(open_from_context(ctx), name, daily, clock=command_clock())
    typer.echo(f"Declared {medicine.name}{' (daily)' if medicine.daily else ''}.")
    _echo_lines(explain_lines(check_names([medicine.name])[0], _machine_today()))


@meds_app.command("list")
def meds_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List declared medicines.

    Example: kj meds list
    """
    from kratom_journal.services.safety import list_medicines

    medicines = list_medicines(open_from_context(ctx))
    if as_json:
        _echo_json([m.to_dict() for m in medicines])
        return
    if not medicines:
        typer.echo("No medicines declared. Example: kj meds add sertraline --daily")
    for medicine in medicines:
        daily = " (daily)" if medicine.daily else ""
        typer.echo(f"{medicine.id[:8]}  {medicine.name}{daily}  since {medicine.added_at.date()}")


@meds_app.command("remove")
def meds_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name (or id) of a declared medicine.")],
) -> None:
    """Stop including a declared medicine in checks (kept in history).

    Example: kj meds remove sertraline
    """
    from kratom_journal.services.safety import remove_medicine

    medicine = remove_medicine(open_from_context(ctx), name, clock=command_clock())
    typer.echo(f"Removed {medicine.name} from your declared medicines.")


def legal_command(
    ctx: typer.Context,
    code: Annotated[
        str | None,
        typer.Argument(
            help="Country (TH), state or province (US-AL), or city/county (US-CA:san-diego). "
            "Default: the journal's region, then country."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Legal status of kratom where you are, dated, with sources.

    Shows the status of leaf products, 7-OH and concentrate rules, age limits,
    labelling laws, pending bills and scheduling actions with their stage, the
    sources (secondary ones marked) and a confidence level. A row more than six
    months old says it may have changed. A code that is not ISO 3166 is refused
    with the list of valid ones.

    Example: kj legal US-AL
    """
    from kratom_journal.safety.legal import latest_as_of
    from kratom_journal.services.safety import NoRegionSet, legal_status

    command = open_command(ctx) if code is None else None
    # A place named on the command line needs no journal: today is the machine's.
    today = command.today if command else _machine_today()
    try:
        result = legal_status(
            command.journal if command else None,
            code,
            today,
            settings=command.settings if command else None,
        )
    except NoRegionSet as exc:
        fail(f"{exc} (legal list last updated {latest_as_of().isoformat()})")
    if as_json:
        _echo_json(result.to_dict())
        return
    _echo_lines(result.lines())


def evidence_command(as_json: JsonFlag = False) -> None:
    """What published research says about popular claims, and how to test them yourself.

    Example: kj evidence
    """
    from kratom_journal.safety.evidence import PANEL_NOTE, claim_lines, claims
    from kratom_journal.services.safety import evidence_panel

    if as_json:
        _echo_json({"note": PANEL_NOTE, "claims": evidence_panel()})
        return
    typer.echo(PANEL_NOTE)
    for claim in claims():
        typer.echo("")
        _echo_lines(claim_lines(claim))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main application."""
    app.command("safety")(safety_command)
    app.command("interactions")(interactions_command)
    app.add_typer(meds_app, name="meds")
    app.command("legal")(legal_command)
    app.command("evidence")(evidence_command)
