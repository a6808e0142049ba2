"""``kj init``: the first run in the terminal (the web app asks the same at /welcome)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.prompt import Prompt

from kratom_journal.cli.common import Command, console, fail, interactive, open_command, say
from kratom_journal.cli.crisis_view import contact_text


def register(app: typer.Typer) -> None:
    """Add ``kj init``."""
    app.command("init")(init_command)


def init_command(
    ctx: typer.Context,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="Time zone, e.g. Europe/Berlin (any case).")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Country, by name or code (US, GB, ...).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="State or province, e.g. Alabama or US-AL.")
    ] = None,
    medicine: Annotated[
        list[str] | None, typer.Option("--medicine", help="A medicine you take (repeatable).")
    ] = None,
    bed: Annotated[str | None, typer.Option("--bed", help="Usual bedtime, HH:MM.")] = None,
    rise: Annotated[
        str | None, typer.Option("--rise", help="Usual time you get up, HH:MM.")
    ] = None,
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt",
            help="Create the journal encrypted (SQLCipher) under a passphrase you choose.",
        ),
    ] = False,
) -> None:
    """Set up the journal: time zone, country and region, medicines, usual sleep times.

    In a terminal it asks for what is not given as an option; the country decides
    which crisis line the journal shows if a questionnaire answer ever calls for one.

    Example: kj init --timezone Europe/London --country GB --bed 23:00 --rise 07:00
    """
    from kratom_journal.services.first_run import FirstRunAnswers, complete_first_run

    if encrypt:
        _prepare_encrypted(ctx)
    command = open_command(ctx)
    asking = interactive()
    answers = FirstRunAnswers(
        timezone=timezone or (_ask_zone(command) if asking else command.settings.zone_name),
        country=country if country is not None else (_ask_country() if asking else ""),
        region=region or "",
        usual_bedtime=bed if bed is not None else (_ask_clock("usual bedtime") if asking else ""),
        usual_rise_time=rise
        if rise is not None
        else (_ask_clock("usual time you get up") if asking else ""),
        medicines=list(medicine) if medicine is not None else (_ask_medicines() if asking else []),
    )
    result = complete_first_run(command.journal, answers, clock=command.clock)
    if result.problems:
        fail(
            "; ".join(f"{key}: {text}" for key, text in result.problems.items()) + "; nothing saved"
        )
    from kratom_journal.services.settings import read_settings

    settings = read_settings(command.journal)
    say(f"Time zone: {settings.zone_name}. New entries are recorded in it.")
    notice = result.crisis
    if notice is not None:
        if notice.lines:
            say("If you ever need to talk to someone:")
            for line in notice.lines:
                say(f"  [bold]{line.name}[/]: {contact_text(line)} ({line.hours})")
        else:
            say(notice.fallback_note or "")
            say(f"  [bold]{notice.directory.name}[/]: {contact_text(notice.directory)}")
    from kratom_journal.services.safety import interaction_summary

    for check in result.checks:
        say(f"Interaction check: {interaction_summary(check)}")
    say("Ready. Log your first entry with: kj log mood 6")


def _prepare_encrypted(ctx: typer.Context) -> None:
    """Make the journal about to be created an encrypted one."""
    from kratom_journal.cli.common import journal_target
    from kratom_journal.cli.passphrase import LOST_WARNING, new_passphrase
    from kratom_journal.domain.errors import JournalError
    from kratom_journal.services.encryption import prepare_encrypted_journal

    try:
        prepare_encrypted_journal(journal_target(ctx), new_passphrase(ctx))
    except JournalError as exc:
        fail(str(exc))
    say(f"The journal is encrypted. {LOST_WARNING}")


def _ask_zone(command: Command) -> str:
    from kratom_journal.domain.timeparse import canonical_zone_name, zone_names

    default = command.settings.zone_name
    while True:
        text = Prompt.ask("Your time zone (type part of a city's name to search)", default=default)
        found = canonical_zone_name(text)
        if found:
            return found
        matches = [n for n in zone_names() if text.strip().casefold() in n.casefold()]
        if len(matches) == 1:
            say(f"Taking {matches[0]}.")
            return matches[0]
        if matches:
            say("Which one? " + ", ".join(matches[:12]) + (" ..." if len(matches) > 12 else ""))
        else:
            say(f"No time zone matches {text!r}; try a city such as Berlin or New_York.")


def _ask_country() -> str:
    from kratom_journal.services.safety import find_country, jurisdiction_choices

    choices = jurisdiction_choices()
    for number, country in enumerate(choices, start=1):
        console.print(f"  {number:2d}  {country.name}")
    console.print("   0  my country is not listed")
    while True:
        text = Prompt.ask("Your country (number or name)", default="0").strip()
        if text.isdigit() and 0 <= int(text) <= len(choices):
            return choices[int(text) - 1].code if int(text) else ""
        found = find_country(text)
        if found is not None:
            return found.code
        if len(text) == 2 and text.isalpha():
            return text.upper()
        say(f"{text!r} is not in the list; give its number, its name or its two-letter code.")


def _ask_clock(what: str) -> str:
    from kratom_journal.domain.errors import InvalidEntry
    from kratom_journal.domain.timeparse import parse_clock

    while True:
        text = Prompt.ask(f"Your {what}, HH:MM (Enter to skip)", default="").strip()
        try:
            if not text or parse_clock(text) is not None:
                return text
        except InvalidEntry as exc:
            say(exc.message)
            continue
        say("Please give a time like 23:00.")


def _ask_medicines() -> list[str]:
    from kratom_journal.services.first_run import medicine_names

    text = Prompt.ask("Medicines you take, separated by commas (Enter for none)", default="")
    return medicine_names(text)
