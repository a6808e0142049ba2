"""Questionnaires and sleep statistics: ``kj survey``, ``kj scores``, ``kj sleep stats``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.prompt import Prompt
from rich.table import Table

from kratom_journal.cli.common import (
    JsonFlag,
    console,
    err_console,
    fail,
    open_command,
    open_from_context,
)
from kratom_journal.cli.crisis_view import show_crisis
from kratom_journal.cli.log import OnDate, Yesterday, day_of
from kratom_journal.domain.timeparse import parse_optional_day, parse_when
from kratom_journal.instruments import (
    SHIPPED_IDS,
    Instrument,
    load_instrument_file,
    parse_answer_list,
    shipped_instrument,
    shipped_instruments,
)
from kratom_journal.instruments.schema import Item
from kratom_journal.safety.crisis import CrisisNotice
from kratom_journal.services import questionnaires as survey_service

sleep_app = typer.Typer(
    help="Sleep diary statistics.\n\nExample: kj sleep stats --weeks 4", no_args_is_help=True
)

InstrumentArg = Annotated[
    str | None,
    typer.Argument(help=f"One of {', '.join(SHIPPED_IDS)}; leave out with --file."),
]
AnswersOption = Annotated[
    str | None,
    typer.Option("--answers", help="Answers in item order, e.g. 0,1,2,0,1,0,0,1,0; - skips one."),
]
FileOption = Annotated[
    Path | None,
    typer.Option("--file", help="A questionnaire file in the instrument format (validated)."),
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="When: HH:MM (today, or on --date) or ISO 8601; default now."),
]


def register(app: typer.Typer) -> None:
    """Add ``survey``, ``scores`` and ``sleep stats`` to the main application."""
    app.command("survey")(survey_command)
    app.command("scores")(scores_command)
    app.add_typer(sleep_app, name="sleep")


def survey_command(
    ctx: typer.Context,
    instrument_id: InstrumentArg = None,
    answers: AnswersOption = None,
    file: FileOption = None,
    at: AtOption = None,
    on_date: OnDate = None,
    yesterday: Yesterday = False,
    as_json: JsonFlag = False,
) -> None:
    """Answer a questionnaire, one item per screen.

    Example: kj survey phq9
    """
    instrument = _choose_instrument(instrument_id, file)
    if instrument is None:
        _print_instruments()
        return
    command = open_command(ctx)
    journal, settings = command.journal, command.settings
    day = day_of(command, on_date, yesterday)
    when = parse_when(
        at,
        settings.zone,
        command.clock.now(),
        parse_optional_day(day, "--date"),
        future_ok=day is not None,
    )
    if answers is not None:
        given = parse_answer_list(instrument, answers)
    else:

        def crisis_after(answer: dict[str, int | None]) -> CrisisNotice | None:
            return survey_service.crisis_notice_if_needed(journal, instrument, answer, settings)

        try:
            given = _ask(instrument, crisis_after)
        except (EOFError, KeyboardInterrupt):
            fail("stopped before the last question; nothing saved (in scripts, use --answers)")
    administration = survey_service.record_administration(
        journal, instrument, given, when, settings.zone_name, clock=command.clock, settings=settings
    )
    view = survey_service.survey_view(journal, administration)
    if as_json:
        if view["crisis"] is not None:
            show_crisis(survey_service.crisis_notice_for(journal, settings), err_console)
        typer.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    if administration.result.crisis:
        show_crisis(survey_service.crisis_notice_for(journal, settings), console)
    _print_result(view["administration"], instrument)


def _choose_instrument(instrument_id: str | None, file: Path | None) -> Instrument | None:
    if file is not None:
        instrument = load_instrument_file(file)
        if instrument_id is not None and instrument_id != instrument.id:
            fail(f"{file}: defines instrument {instrument.id!r}, not {instrument_id!r}")
        return instrument
    if instrument_id is None:
        return None
    return shipped_instrument(instrument_id.strip().lower())


def _print_instruments() -> None:
    table = Table("id", "questionnaire", "items", "recall period", box=None)
    for instrument in shipped_instruments():
        table.add_row(
            instrument.id,
            instrument.name,
            str(len(instrument.scored_items)),
            instrument.recall_period,
        )
    console.print(table)
    console.print("Start one with: kj survey phq9")


def _ask(
    instrument: Instrument,
    crisis_after: Callable[[dict[str, int | None]], CrisisNotice | None],
) -> dict[str, int | None]:
    """Ask each item on its own screen; an answer meeting a crisis rule shows the resources at once.

    ``crisis_after`` gets each answer as it is given and returns the notice it calls for.
    """
    answers: dict[str, int | None] = {}
    total = len(instrument.items)
    for position, item in enumerate(instrument.items, start=1):
        _item_screen(console, instrument, item, position, total)
        answers[item.id] = _ask_value(instrument, item)
        notice = crisis_after({item.id: answers[item.id]})
        if notice is not None:
            show_crisis(notice, console)
            Prompt.ask("Press Enter to continue", default="", show_default=False)
    return answers


def _item_screen(
    target: Console, instrument: Instrument, item: Item, position: int, total: int
) -> None:
    if target.is_terminal:
        target.clear()
    target.print(f"[bold]{instrument.short_name}[/]  question {position} of {total}")
    target.print(instrument.instructions, style="dim")
    target.print()
    target.print(f"[bold]{item.text}[/]")
    if item.note:
        target.print(item.note, style="dim")
    for option in instrument.options(item):
        target.print(f"  {option.value}  {option.label}")


def _ask_value(instrument: Instrument, item: Item) -> int | None:
    allowed = {str(option.value) for option in instrument.options(item)}
    skip_hint = " (Enter to skip)" if not item.required else " (s to skip)"
    while True:
        text = Prompt.ask(f"Your answer{skip_hint}", default="", show_default=False).strip()
        if (text == "" and not item.required) or text.lower() == "s":
            return None
        if text in allowed:
            return int(text)
        console.print(f"Please type one of {', '.join(sorted(allowed, key=int))}.")


def _print_result(view: dict[str, Any], instrument: Instrument) -> None:
    console.print()
    if view["total"] is None:
        console.print(f"[bold]{instrument.short_name}[/]: no score. {view['no_score_reason']}")
    else:
        band = f" ({view['band']})" if view["band"] else ""
        console.print(
            f"[bold]{instrument.short_name}[/]: {view['total']} of {view['max_total']}{band}"
        )
    for subscale in view["subscales"]:
        if subscale["total"] is not None:
            console.print(f"  {subscale['name']}: {subscale['total']} ({subscale['band']})")
    if view["change"] is not None:
        console.print("  " + _change_text(view["change"]))
    if view["disclaimer"]:
        console.print(view["disclaimer"], style="dim")
    console.print(f"Saved as {view['id'][:8]}.", style="dim")


def _change_text(change: dict[str, Any]) -> str:
    text = f"Change since last time: {change['delta']:+d}"
    if change["meaningful"] is not None:
        text += f" ({change['meaningful']}; a change of {change['mcid']:g} points is meaningful)"
    if change["response"]:
        text += "; at least 50% lower than your first score"
    if change["remission"]:
        text += "; below the remission cut-off"
    return text


def scores_command(
    ctx: typer.Context,
    instrument_id: Annotated[
        str | None, typer.Option("--instrument", help="Only this questionnaire (e.g. phq9).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List questionnaire scores with change since the previous one.

    Example: kj scores --json
    """
    journal = open_from_context(ctx)
    wanted = instrument_id.strip().lower() if instrument_id else None
    administrations = survey_service.list_administrations(journal, wanted)
    view = survey_service.scores_view(journal, administrations)
    target = err_console if as_json else console
    if view["crisis"] is not None:
        show_crisis(survey_service.crisis_notice_for(journal), target)
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    if not administrations:
        console.print("No questionnaires yet. Start one with: kj survey phq9")
        return
    table = Table("id", "when", "questionnaire", "score", "band", "change", box=None)
    for item in view["scores"]:
        score = "-" if item["total"] is None else f"{item['total']}/{item['max_total']}"
        if item["crisis_flag"]:
            score += " [bold red](item 9)[/]"
        change = item["change"]
        change_text = "" if change is None else f"{change['delta']:+d} {change['meaningful'] or ''}"
        table.add_row(
            item["id"][:8],
            item["administered_at"][:16].replace("T", " "),
            item["instrument_name"],
            score,
            item["band"] or "",
            change_text,
        )
    console.print(table)


@sleep_app.command("stats")
def sleep_stats_command(
    ctx: typer.Context,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=520, help="Number of weeks to summarise.")
    ] = 4,
    end: Annotated[
        str | None,
        typer.Option(
            "--end", help="Last night of the period (YYYY-MM-DD); default: the last logged night."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Weekly sleep diary summaries and sleep regularity.

    Example: kj sleep stats --weeks 2
    """
    command = open_command(ctx)
    last = parse_optional_day(end, "--end")
    from kratom_journal.services import sleep_stats as sleep_service  # numpy: load on use

    stats = sleep_service.sleep_stats(command.journal, weeks, last, clock=command.clock)
    view = sleep_service.stats_view(stats)
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    _print_sleep(view)


_LABELS = {
    "tib_min": "time in bed (min)",
    "tst_min": "total sleep (min)",
    "sol_min": "fall asleep (min)",
    "waso_min": "awake in night (min)",
    "twak_min": "awake before rising (min)",
    "se_pct": "sleep efficiency (%)",
    "awakenings": "awakenings",
    "quality": "quality (1-5)",
}


def _print_sleep(view: dict[str, Any]) -> None:
    table = Table("", *(f"{w['start']}\n{w['end']}" for w in view["weeks"]), box=None)
    table.add_row("nights", *(f"{w['nights_valid']}/{w['nights_expected']}" for w in view["weeks"]))
    for name, label in _LABELS.items():
        table.add_row(label, *(_stat(w["metrics"][name]) for w in view["weeks"]))
    table.add_row("mean bedtime", *(w["bedtime_mean"] or "-" for w in view["weeks"]))
    table.add_row("mean rise time", *(w["rise_time_mean"] or "-" for w in view["weeks"]))
    for flag, label in (
        ("sol_over_30", "nights SOL > 30 min"),
        ("waso_over_30", "nights WASO > 30 min"),
        ("se_under_85", "nights SE < 85%"),
    ):
        table.add_row(label, *(str(w["flag_nights"][flag]) for w in view["weeks"]))
    table.add_row(
        "naps (days, min)", *(f"{w['nap_days']}, {w['nap_min_total']}" for w in view["weeks"])
    )
    console.print(table)
    regularity = view["regularity"]
    if regularity is not None:
        console.print(
            f"Sleep Regularity Index: {regularity['sri']:.1f} ({regularity['nights']} nights)"
        )
    console.print(view["regularity_note"], style="dim")
    console.print(view["caveat"], style="dim")


def _stat(stat: dict[str, Any]) -> str:
    if stat["mean"] is None:
        return "-"
    sd = f" ± {stat['sd']:.1f}" if stat["sd"] is not None else ""
    return f"{stat['mean']:.1f}{sd}"
