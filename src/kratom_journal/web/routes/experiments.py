"""Experiments: plan (with the withdrawal warning where it applies), schedule, adherence, result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.web import charts
from kratom_journal.web.optional import feature, module
from kratom_journal.web.routes.insights import unit_of
from kratom_journal.web.views import (
    FormState,
    checked_form,
    journal_of,
    redirect,
    render,
    text_values,
    today_of,
    written,
)

router = APIRouter(include_in_schema=False)


def _is_analysis_error(exc: Exception) -> bool:
    return type(exc).__name__ == "AnalysisError" or isinstance(exc, ValueError | LookupError)


def _current(journal: Any, service: Any) -> Any:
    try:
        return service.current_experiment(journal, include_closed=True)
    except Exception as exc:
        if _is_analysis_error(exc):
            return None
        raise


def _outcomes() -> list[tuple[str, str]]:
    thresholds: Any = module("kratom_journal.analysis.thresholds")
    if thresholds is None:
        return []
    found = thresholds.load_thresholds().outcomes
    return sorted(
        ((key, getattr(meta, "label", key)) for key, meta in found.items()),
        key=lambda pair: pair[1],
    )


def _calendar(stored: Any, adherence: dict[date, bool], today: date) -> list[dict[str, Any]]:
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


def _result(journal: Any, service: Any, today: date) -> tuple[Any, str | None, Any]:
    try:
        result = service.experiment_result(journal, today)
    except Exception as exc:
        if _is_analysis_error(exc):
            return None, str(exc), None
        raise
    chart = None
    if None not in (result.estimate, result.ci_low, result.ci_high):
        chart = charts.forest_chart(
            "experiment-forest",
            "Effect of A compared with B",
            result.estimate,
            result.ci_low,
            result.ci_high,
            None,
            unit_of(result.plan.outcome),
        )
    return result, None, chart


def _page(
    request: Request, state: FormState, warnings: list[str] | None = None, status: int = 200
) -> Response:
    service: Any = feature("experiments")
    journal = journal_of(request)
    today = today_of(request)
    stored = _current(journal, service)
    analysis: Any = module("kratom_journal.analysis.experiments")
    context: dict[str, Any] = {
        "page": "experiments",
        "title": "Experiments",
        "stored": stored,
        "state": state,
        "warnings": warnings or [],
        "outcomes": _outcomes(),
        "comparisons": [c.value for c in analysis.Comparison],
        "designs": [d.value for d in analysis.Design],
        "pairs_needed": analysis.pairs_needed(),
        "power": service.power_table(),
        "tomorrow": today + timedelta(days=1),
        "today": today,
    }
    if stored is not None and stored.schedule is not None:
        adherence = service.adherence_log(journal, stored.id)
        context["calendar"] = _calendar(stored, adherence, today)
        context["result"], context["result_problem"], context["result_chart"] = _result(
            journal, service, today
        )
        context["condition_name"] = lambda c: service.condition_name(stored.plan, c)
    return render(request, "experiments.html", context, status=status)


@router.get("/experiments", response_class=HTMLResponse)
def experiments_page(request: Request) -> Response:
    if feature("experiments") is None:
        return render(
            request,
            "unavailable.html",
            {"page": "experiments", "title": "Experiments", "what": "Self-experiments"},
        )
    return _page(request, FormState())


def _plan_from(values: dict[str, str], tomorrow: date) -> Any:
    analysis: Any = module("kratom_journal.analysis.experiments")
    start = values.get("start", "").strip()
    return analysis.ExperimentPlan(
        values.get("condition_a", ""),
        values.get("condition_b", ""),
        values.get("outcome", "sol_min"),
        analysis.Comparison(values.get("comparison", "other")),
        analysis.Design(values.get("design", "day")),
        int(values.get("pairs") or 0),
        date.fromisoformat(start) if start else tomorrow,
        seed=0,
        block_days=int(values.get("block_days") or 1),
        washout_days=int(values.get("washout_days") or 0),
    )


@router.post("/experiments/plan")
def plan(request: Request, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    """Declare the plan; the power check and the withdrawal warning come from the service."""
    service: Any = feature("experiments")
    if service is None:
        return redirect("/experiments")
    values = text_values(form)
    try:
        _, warnings = service.plan_experiment(
            journal_of(request), _plan_from(values, today_of(request) + timedelta(days=1))
        )
    except Exception as exc:
        if not _is_analysis_error(exc):
            raise
        message = str(exc)
        if "invalid literal" in message:
            message = "expected a whole number"
        return _page(
            request, FormState(values=values, errors={"form": message}, message=message), status=422
        )
    written(request)
    return _page(request, FormState(), warnings=list(warnings))


@router.post("/experiments/{action}")
def act(
    request: Request, action: str, form: Annotated[FormData, Depends(checked_form)]
) -> Response:
    """Start, stop, or log whether the schedule was followed on a day."""
    service: Any = feature("experiments")
    if service is None:
        return redirect("/experiments")
    values = text_values(form)
    journal = journal_of(request)
    try:
        if action == "start":
            service.start_experiment(journal)
        elif action == "stop":
            service.stop_experiment(journal, values.get("reason") or None)
        elif action == "adherence":
            service.log_adherence(
                journal,
                date.fromisoformat(values.get("day", "")),
                values.get("followed") == "yes",
                values.get("note") or None,
            )
        else:
            return redirect("/experiments")
    except Exception as exc:
        if not _is_analysis_error(exc):
            raise
        return _page(request, FormState(message=str(exc)), status=422)
    written(request)
    return redirect("/experiments")
