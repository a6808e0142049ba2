"""``kj analyze`` and ``kj experiment ...``: thin faces over the analysis services."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

import typer

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.cli.common import console, open_command, open_from_context
from kratom_journal.domain.timeparse import parse_day, parse_optional_day

if TYPE_CHECKING:
    from kratom_journal.analysis.insights import InsightReport

# numpy, scipy and statsmodels load only inside these commands, never at start-up.


VERDICT_TAGS = {
    "associated_worse": "Associated with worse",
    "associated_better": "Associated with better",
    "not_clear_yet": "Not clear yet",
    "no_meaningful_difference": "No meaningful difference",
    "insufficient_data": "Not enough data yet",
}


def _say(text: str) -> None:
    # Sentences contain square brackets and numbers: print them literally, unwrapped.
    console.print(text, markup=False, soft_wrap=True)


def _report_json(report: InsightReport) -> str:
    from kratom_journal.services.insight_payload import report_payload

    return json.dumps(report_payload(report), indent=2, allow_nan=False)


def _print_report(report: InsightReport) -> None:
    _say(
        "Your own records, one question per part of sleep and mood, the clearest answer first. "
        "These are associations, not proof of what kratom does: the nights you dosed may differ "
        "in other ways. Only a randomized experiment ('kj experiment') can speak of an effect."
    )
    for family in report.families:
        primary = family.rebound if family.rebound is not None else family.sustained
        console.print(f"\n[bold]{family.label}[/bold]")
        if primary is not None:
            _say(f"[{VERDICT_TAGS[primary.verdict.value]}] {primary.sentence}")
            if primary.note:
                _say(primary.note)
        if family.exploratory:
            _say("  Details (exploratory, shrunk towards no difference):")
            for answer in family.exploratory:
                _say(f"  - [{VERDICT_TAGS[answer.verdict.value]}] {answer.sentence}")
    _say("\n" + report.logging.summary())
    _say(report.withdrawal.summary())


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and the ``experiment`` group to the main app."""

    @app.command("analyze")
    def analyze_command(
        ctx: typer.Context,
        outcome: list[str] | None = typer.Option(
            None, "--outcome", help="Outcome id to analyse (repeatable), e.g. sol_min."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON records."),
    ) -> None:
        """Associations between kratom use and your sleep and mood, with honest statistics.

        Example: kj analyze --outcome sol_min --json
        """
        from kratom_journal.services.insights import run_insights

        journal = open_from_context(ctx)
        report = run_insights(journal, outcomes=outcome or None)
        if as_json:
            typer.echo(_report_json(report))
        else:
            _print_report(report)

    experiment = typer.Typer(
        help="Randomized self-experiments (n-of-1 trials).\n\n"
        'Example: kj experiment plan --a "Red Bali" --b "Green Maeng Da" --pairs 8',
        no_args_is_help=True,
    )
    app.add_typer(experiment, name="experiment")
    _register_experiment(experiment)


PLAN_EXAMPLE = 'kj experiment plan --a "Red Bali" --b "Green Maeng Da" --pairs 8'


def _ask_plan(a: str | None, b: str | None, pairs: int | None) -> tuple[str, str, int]:
    """The two conditions and the number of pairs: given, or asked one by one in a terminal."""
    from rich.prompt import IntPrompt, Prompt

    from kratom_journal.cli.common import fail, interactive

    missing = [
        flag for flag, value in (("--a", a), ("--b", b), ("--pairs", pairs)) if value is None
    ]
    if missing and not interactive():
        fail(f"missing {', '.join(missing)}; for example: {PLAN_EXAMPLE} (or run in a terminal)")
    try:
        while a is None:
            a = Prompt.ask("Condition A, in your own words (e.g. Red Bali)")
        while b is None:
            b = Prompt.ask("Condition B, in your own words (e.g. Green Maeng Da)")
        while pairs is None:
            pairs = IntPrompt.ask(
                "How many pairs of days (each pair has one A and one B)", default=8
            )
    except (EOFError, KeyboardInterrupt):
        fail("stopped before the last question; nothing planned")
    return a, b, pairs


def _register_experiment(experiment: typer.Typer) -> None:
    @experiment.command("plan")
    def plan_command(
        ctx: typer.Context,
        condition_a: str | None = typer.Option(
            None, "--a", help="Condition A, in your own words (asked when left out)."
        ),
        condition_b: str | None = typer.Option(
            None, "--b", help="Condition B, in your own words (asked when left out)."
        ),
        outcome: str = typer.Option("sol_min", help="Primary outcome id, declared now."),
        comparison: Comparison = typer.Option(Comparison.OTHER, help="What A and B are."),
        design: Design = typer.Option(Design.DAY, help="day or block periods."),
        pairs: int | None = typer.Option(
            None, help="Pairs of periods (each pair has one A and one B; asked when left out)."
        ),
        block_days: int = typer.Option(1, help="Days per period (block designs)."),
        washout: int = typer.Option(0, help="Days at the start of each block not analysed."),
        start: str | None = typer.Option(None, help="First day, YYYY-MM-DD (default tomorrow)."),
    ) -> None:
        """Declare an experiment: two conditions, one outcome, the design.

        Example: kj experiment plan --a "Red Bali" --b "Green Maeng Da" --outcome sol_min --pairs 8
        """
        from kratom_journal.analysis.experiments import ExperimentPlan
        from kratom_journal.services import experiments

        condition_a, condition_b, pairs = _ask_plan(condition_a, condition_b, pairs)
        command = open_command(ctx)
        first = parse_day(start, "--start") if start else command.journal_today + timedelta(days=1)
        plan = ExperimentPlan(
            condition_a,
            condition_b,
            outcome,
            comparison,
            design,
            pairs,
            first,
            seed=0,
            block_days=block_days,
            washout_days=washout,
        )
        stored, warnings = experiments.plan_experiment(command.journal, plan, clock=command.clock)
        _say(f"Planned: {stored.plan.summary()}.")
        _say(
            f"Smallest possible p-value: {stored.plan.smallest_p_value():.3f}. The schedule is "
            "drawn at random and frozen when you run 'kj experiment start'."
        )
        for warning in warnings:
            console.print(f"[bold yellow]Warning:[/bold yellow] {warning}")

    @experiment.command("start")
    def start_command(
        ctx: typer.Context,
        seed: int | None = typer.Option(None, help="Random seed (default: drawn at random)."),
    ) -> None:
        """Draw and freeze the randomized schedule.

        Example: kj experiment start
        """
        from kratom_journal.services import experiments

        command = open_command(ctx)
        stored = experiments.start_experiment(command.journal, seed, clock=command.clock)
        _say(f"Started experiment {stored.id}: {stored.plan.summary()}.")
        _say(f"Schedule frozen; SHA-256 {stored.frozen_hash}.")
        _say("Run 'kj experiment today' each evening to see the night's condition.")

    @experiment.command("today")
    def today_command(
        ctx: typer.Context,
        day: str | None = typer.Option(None, "--date", help="Another day, YYYY-MM-DD."),
    ) -> None:
        """Show tonight's assigned condition.

        Example: kj experiment today --date 2026-10-05
        """
        from kratom_journal.services import experiments

        command = open_command(ctx)
        when = parse_optional_day(day, "--date") or command.journal_today
        stored, scheduled = experiments.assignment(command.journal, when)
        if scheduled is None:
            _say(
                f"{when.isoformat()} is outside the experiment "
                f"({stored.schedule.days[0].day} to {stored.schedule.days[-1].day})."
                if stored.schedule
                else "The experiment has no schedule yet."
            )
            return
        name = experiments.condition_name(stored.plan, scheduled.condition)
        wash = " This is a washout day: it is not analysed." if scheduled.washout else ""
        _say(f"{when.isoformat()}: {name} (condition {scheduled.condition}).{wash}")

    @experiment.command("log")
    def log_command(
        ctx: typer.Context,
        followed: bool = typer.Option(
            ..., "--followed/--not-followed", help="Whether the scheduled condition was followed."
        ),
        day: str | None = typer.Option(None, "--date", help="Day, YYYY-MM-DD (default today)."),
        note: str | None = typer.Option(None, help="What happened, if anything."),
    ) -> None:
        """Record adherence for a day.

        Example: kj experiment log --followed --note "took it at 20:00"
        """
        from kratom_journal.services import experiments

        command = open_command(ctx)
        when = parse_optional_day(day, "--date") or command.journal_today
        experiments.log_adherence(command.journal, when, followed, note, clock=command.clock)
        _say(f"Logged {when.isoformat()}: {'followed' if followed else 'not followed'}.")

    @experiment.command("status")
    def status_command(ctx: typer.Context) -> None:
        """Progress and adherence so far.

        Example: kj experiment status
        """
        from kratom_journal.services import experiments

        command = open_command(ctx)
        stored = experiments.current_experiment(command.journal, include_closed=True)
        _say(stored.summary())
        if stored.schedule is None:
            _say("Not started yet.")
            return
        today = command.journal_today
        elapsed = sum(1 for d in stored.schedule.days if d.day <= today)
        log = experiments.adherence_log(command.journal, stored.id)
        followed = sum(log.values())
        _say(
            f"Day {min(elapsed, len(stored.schedule.days))} of {len(stored.schedule.days)}; "
            f"adherence logged on {len(log)} day(s), followed on {followed}."
        )

    @experiment.command("result")
    def result_command(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Analyse the experiment so far (randomization test, AR(1) estimate, CENT items).

        Example: kj experiment result --json
        """
        from kratom_journal.analysis.answers import clean
        from kratom_journal.services import experiments

        command = open_command(ctx)
        result = experiments.experiment_result(command.journal, today=command.journal_today)
        if as_json:
            payload = {
                "outcome": result.plan.outcome,
                "difference": result.difference,
                "randomization_p": result.randomization_p,
                "exact": result.exact,
                "estimate": result.estimate,
                "ci_low": clean(result.ci_low),
                "ci_high": clean(result.ci_high),
                "method": result.method,
                "days_analysed": result.days_analysed,
                "cent": result.cent_items(),
                "summary": result.summary(),
            }
            typer.echo(json.dumps(payload, indent=2, allow_nan=False))
            return
        _say(result.summary())
        console.print("\n[bold]Report items (CENT 2015)[/bold]")
        for key, value in result.cent_items().items():
            _say(f"- {key}: {value}")

    @experiment.command("stop")
    def stop_command(
        ctx: typer.Context,
        reason: str | None = typer.Option(None, help="Why the experiment stopped early."),
    ) -> None:
        """Stop the experiment early; the result stays available.

        Example: kj experiment stop --reason "travelling for two weeks"
        """
        from kratom_journal.services import experiments

        command = open_command(ctx)
        stored = experiments.stop_experiment(command.journal, reason, clock=command.clock)
        _say(f"Stopped experiment {stored.id}. 'kj experiment result' shows what it found.")
