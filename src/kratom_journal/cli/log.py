"""``kj log``: a dose, another substance, a night's sleep diary, a mood check-in, a side effect."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.prompt import IntPrompt, Prompt

from kratom_journal.cli.common import (
    YesFlag,
    confirming,
    fail,
    interactive,
    open_command,
    say,
)
from kratom_journal.domain.entries import Dose
from kratom_journal.services import entries as entry_service
from kratom_journal.store.journal import StoredEntry

log_app = typer.Typer(
    help="Log a dose, a night's sleep, a mood check-in, a side effect.\n\n"
    "Example: kj log mood 6 --anxiety 3",
    no_args_is_help=True,
)


At = Annotated[str | None, typer.Option("--at", help="When: HH:MM (most recent) or ISO 8601.")]
Note = Annotated[str | None, typer.Option("--note", help="A free-text note.")]
EntryId = Annotated[
    str, typer.Argument(help="The entry's id, or its first characters (at least 4).")
]


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
        confirming(
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
    stored = confirming(
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
