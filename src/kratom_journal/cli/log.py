"""``kj log``: a dose, another substance, a night's sleep diary, a mood check-in, a side effect."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.prompt import Prompt

from kratom_journal.cli.common import (
    Command,
    YesFlag,
    confirming,
    err_console,
    fail,
    interactive,
    open_command,
    say,
)
from kratom_journal.cli.diary_prompt import diary_answers, missing_flags
from kratom_journal.domain.entries import Dose
from kratom_journal.domain.timeparse import parse_day
from kratom_journal.domain.words import day_text
from kratom_journal.services import entries as entry_service
from kratom_journal.store.journal import StoredEntry

log_app = typer.Typer(
    help="Log a dose, a night's sleep, a mood check-in, a side effect.\n\n"
    "Example: kj log mood 6 --anxiety 3",
    no_args_is_help=True,
)


At = Annotated[
    str | None,
    typer.Option("--at", help="When: HH:MM (today, or on --date) or ISO 8601; default now."),
]
OnDate = Annotated[
    str | None,
    typer.Option("--date", help="The day of --at (YYYY-MM-DD); needed for a time later than now."),
]
Yesterday = Annotated[
    bool, typer.Option("--yesterday", help="--at is yesterday's (for last evening's dose).")
]
Note = Annotated[str | None, typer.Option("--note", help="A free-text note.")]
EntryId = Annotated[
    str, typer.Argument(help="The entry's id, or its first characters (at least 4).")
]


def substance_of(stored: StoredEntry) -> str:
    """The substance of a logged dose (``kj log substance`` only logs doses)."""
    return stored.entry.substance if isinstance(stored.entry, Dose) else ""


def _saved(command: Command, stored: StoredEntry) -> None:
    when = entry_service.when_text(stored, command.settings.zone_name)
    say(
        f"Saved {stored.kind.value.replace('-', ' ')} [bold]{stored.short_id}[/] ({when}): "
        f"{entry_service.summary_text(stored)}"
    )
    if command.settings.first_run_open:
        err_console.print(
            "[dim]Tip: set your country (for crisis lines) and usual sleep times with: kj init[/]"
        )


def day_of(command: Command, on_date: str | None, yesterday: bool) -> str | None:
    """The day ``--date`` or ``--yesterday`` names (``None``: a clock time is today's)."""
    if on_date and yesterday:
        fail("give --date or --yesterday, not both")
    if yesterday:
        return (command.today - timedelta(days=1)).isoformat()
    return on_date


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
    on_date: OnDate = None,
    yesterday: Yesterday = False,
    note: Note = None,
    yes: YesFlag = False,
) -> None:
    """Log a kratom dose.

    A time later than now is refused unless --date or --yesterday says which day.

    Example: kj log dose 3.5g --strain "Red Bali" --form powder --at 21:30
    """
    command = open_command(ctx)
    day = day_of(command, on_date, yesterday)
    data = entry_service.DoseInput(
        amount=amount,
        strain=strain,
        form=form,
        product=product,
        at=at,
        grams_per_capsule=grams_per_capsule,
        note=note,
        day=day,
        future_ok=day is not None,
    )
    _saved(
        command,
        confirming(
            lambda ok: entry_service.log_dose(
                command.journal, data, ok, settings=command.settings, clock=command.clock
            ),
            yes,
        ),
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
    on_date: OnDate = None,
    yesterday: Yesterday = False,
    note: Note = None,
    yes: YesFlag = False,
) -> None:
    """Log another substance.

    Example: kj log substance caffeine 200mg --at 15:00
    """
    command = open_command(ctx)
    day = day_of(command, on_date, yesterday)
    data = entry_service.DoseInput(
        amount=amount, substance=substance, at=at, note=note, day=day, future_ok=day is not None
    )
    stored = confirming(
        lambda ok: entry_service.log_dose(
            command.journal, data, ok, settings=command.settings, clock=command.clock
        ),
        yes,
    )
    _saved(command, stored)
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
    zone = command.settings.zone
    day = parse_day(night, "--night") if night else command.today - timedelta(days=1)
    given = {
        "bed_at": bed,
        "tried_at": tried,
        "sol_min": None if sol is None else str(sol),
        "awakenings": None if awakenings is None else str(awakenings),
        "waso_min": None if waso is None else str(waso),
        "final_wake_at": final_wake,
        "out_of_bed_at": out,
        "quality": None if quality is None else str(quality),
    }
    missing = missing_flags(given)
    if missing and not interactive():
        fail(f"missing diary items: {', '.join(missing)} (or run in a terminal to be asked)")
    if missing:
        say(f"Sleep diary for the night of {day_text(day)}:")
    try:
        values = diary_answers(
            given, day, zone, _ask, lambda text: say(f"[red]{text}[/]"), usual_answers(command)
        )
    except (EOFError, KeyboardInterrupt):
        fail("stopped before the last question; nothing saved")
    data = entry_service.SleepInput(
        night=day.isoformat(),
        bed_at=values["bed_at"],
        tried_at=values["tried_at"],
        sol_min=int(values["sol_min"]),
        awakenings=int(values["awakenings"]),
        waso_min=int(values["waso_min"]),
        final_wake_at=values["final_wake_at"],
        out_of_bed_at=values["out_of_bed_at"],
        quality=int(values["quality"]),
        nap_count=naps,
        nap_min=nap_min,
        note=note,
    )
    _saved(
        command,
        entry_service.log_sleep(
            command.journal, data, settings=command.settings, clock=command.clock
        ),
    )


def _ask(question: str, default: str | None) -> str:
    if default:
        return Prompt.ask(question, default=default)
    return Prompt.ask(question)


def usual_answers(command: Command) -> dict[str, str]:
    """The usual bed and rise times from the first run, as the prompts' defaults."""
    from kratom_journal.services.diary_form import usual_clock

    stored = command.settings.stored
    bed = usual_clock(stored.get("usual-bedtime"))
    rise = usual_clock(stored.get("usual-rise-time"))
    found = {"bed_at": bed, "tried_at": bed, "final_wake_at": rise, "out_of_bed_at": rise}
    return {name: value for name, value in found.items() if value}


@log_app.command("mood")
def log_mood(
    ctx: typer.Context,
    mood: Annotated[int, typer.Argument(help="Mood 0 (worst) to 10 (best).")],
    anxiety: Annotated[int | None, typer.Option(help="Anxiety 0 (none) to 10.")] = None,
    energy: Annotated[int | None, typer.Option(help="Energy 0 to 10.")] = None,
    at: At = None,
    on_date: OnDate = None,
    yesterday: Yesterday = False,
    note: Note = None,
) -> None:
    """Log a mood check-in.

    Example: kj log mood 6 --anxiety 3
    """
    command = open_command(ctx)
    day = day_of(command, on_date, yesterday)
    _saved(
        command,
        entry_service.log_mood(
            command.journal,
            mood,
            anxiety,
            energy,
            at,
            note,
            settings=command.settings,
            clock=command.clock,
            day=day,
            future_ok=day is not None,
        ),
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
    on_date: OnDate = None,
    yesterday: Yesterday = False,
    note: Note = None,
) -> None:
    """Log a side effect.

    Example: kj log side-effect nausea --severity 1
    """
    command = open_command(ctx)
    day = day_of(command, on_date, yesterday)
    _saved(
        command,
        entry_service.log_side_effect(
            command.journal,
            symptom,
            severity,
            at,
            note,
            settings=command.settings,
            clock=command.clock,
            day=day,
            future_ok=day is not None,
        ),
    )
