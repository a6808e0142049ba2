"""Experiments: plan (with the withdrawal warning where it applies), schedule, adherence, result."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import ExperimentPlan, ExperimentResult, pairs_needed
from kratom_journal.domain.errors import InvalidInput, JournalError
from kratom_journal.domain.timeparse import parse_day
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import Clock
from kratom_journal.services.experiments import StoredExperiment
from kratom_journal.services.insight_views import outcome_choices, outcome_unit
from kratom_journal.store.journal import Journal
from kratom_journal.web import forest_chart
from kratom_journal.web.charts import Chart
from kratom_journal.web.deps import ClockDep, JournalDep, TodayDep
from kratom_journal.web.views import (
    FormState,
    checked_form,
    redirect,
    render,
    text_values,
    written,
)

router = APIRouter(include_in_schema=False)

Choice = TypeVar("Choice", Comparison, Design)


def _current(journal: Journal) -> StoredExperiment | None:
    try:
        return experiment_service.current_experiment(journal, include_closed=True)
    except AnalysisError:
        return None


def _calendar(
    stored: StoredExperiment, adherence: dict[date, bool], today: date
) -> list[dict[str, Any]]:
    days = []
    for scheduled in stored.schedule.days if stored.schedule else ():
        days.append(
            {
                "day": scheduled.day,
                "condition": scheduled.condition,
                "washout": scheduled.washout,
                "today": scheduled.day == today,
                "followed": adherence.get(scheduled.day),
            }
        )
    return days


def _result(
    journal: Journal, today: date
) -> tuple[ExperimentResult | None, str | None, Chart | None]:
    try:
        result = experiment_service.experiment_result(journal, today)
    except AnalysisError as exc:
        return None, str(exc), None
    chart = None
    bounds = (result.estimate, result.ci_low, result.ci_high)
    # An interval from inverting the randomization test is unbounded while too few days are
    # analysed; the summary says so in words and no chart is drawn.
    if all(v is not None and math.isfinite(v) for v in bounds):
        assert result.estimate is not None and result.ci_low is not None
        assert result.ci_high is not None
        chart = forest_chart.forest_chart(
            "experiment-forest",
            "Effect of A compared with B",
            result.estimate,
            result.ci_low,
            result.ci_high,
            None,
            outcome_unit(result.plan.outcome),
        )
    return result, None, chart


def _page(
    request: Request,
    journal: Journal,
    today: date,
    state: FormState,
    warnings: list[str] | None = None,
    status: int = 200,
) -> Response:
    stored = _current(journal)
    context: dict[str, Any] = {
        "page": "experiments",
        "title": "Experiments",
        "stored": stored,
        "state": state,
        "warnings": warnings or [],
        "outcomes": outcome_choices(),
        "comparisons": [c.value for c in Comparison],
        "designs": [d.value for d in Design],
        "pairs_needed": pairs_needed(),
        "power": experiment_service.power_table(),
        "tomorrow": today + timedelta(days=1),
        "today": today,
    }
    if stored is not None and stored.schedule is not None:
        plan = stored.plan
        adherence = experiment_service.adherence_log(journal, stored.id)
        context["calendar"] = _calendar(stored, adherence, today)
        context["result"], context["result_problem"], context["result_chart"] = _result(
            journal, today
        )
        context["condition_name"] = lambda c: experiment_service.condition_name(plan, c)
    return render(request, "experiments.html", context, status=status)


@router.get("/experiments", response_class=HTMLResponse)
def experiments_page(request: Request, journal: JournalDep, today: TodayDep) -> Response:
    return _page(request, journal, today, FormState())


def _whole(values: dict[str, str], name: str, default: int) -> int:
    text = values.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{name}: expected a whole number, got {text!r}") from None


def _choice(kind: type[Choice], text: str) -> Choice:
    try:
        return kind(text)
    except ValueError:
        expected = ", ".join(member.value for member in kind)
        raise InvalidInput(f"expected one of {expected}, got {text!r}") from None


def _plan_from(values: dict[str, str], tomorrow: date) -> ExperimentPlan:
    """The plan the form describes (the analysis layer checks that it can work)."""
    start = values.get("start", "").strip()
    return ExperimentPlan(
        values.get("condition_a", ""),
        values.get("condition_b", ""),
        values.get("outcome", "sol_min"),
        _choice(Comparison, values.get("comparison", "other")),
        _choice(Design, values.get("design", "day")),
        _whole(values, "pairs", 0),
        parse_day(start, "start") if start else tomorrow,
        seed=0,
        block_days=_whole(values, "block_days", 1),
        washout_days=_whole(values, "washout_days", 0),
    )


@router.post("/experiments/plan")
def plan(
    request: Request,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    today: TodayDep,
    clock: ClockDep,
) -> Response:
    """Declare the plan; the power check and the withdrawal warning come from the service."""
    values = text_values(form)
    try:
        _, warnings = experiment_service.plan_experiment(
            journal, _plan_from(values, today + timedelta(days=1)), clock=clock
        )
    except JournalError as exc:
        message = str(exc)
        state = FormState(values=values, errors={"form": message}, message=message)
        return _page(request, journal, today, state, status=422)
    written(request)
    return _page(request, journal, today, FormState(), warnings=list(warnings))


def _act(journal: Journal, action: str, values: dict[str, str], clock: Clock) -> bool:
    """Start, stop, or log adherence; ``False`` for an action that does not exist."""
    if action == "start":
        experiment_service.start_experiment(journal, clock=clock)
    elif action == "stop":
        experiment_service.stop_experiment(journal, values.get("reason") or None, clock=clock)
    elif action == "adherence":
        experiment_service.log_adherence(
            journal,
            parse_day(values.get("day", ""), "day"),
            values.get("followed") == "yes",
            values.get("note") or None,
            clock=clock,
        )
    else:
        return False
    return True


@router.post("/experiments/{action}")
def act(
    request: Request,
    action: str,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    today: TodayDep,
    clock: ClockDep,
) -> Response:
    """Start, stop, or log whether the schedule was followed on a day."""
    try:
        done = _act(journal, action, text_values(form), clock)
    except JournalError as exc:
        return _page(request, journal, today, FormState(message=str(exc)), status=422)
    if done:
        written(request)
    return redirect("/experiments")
