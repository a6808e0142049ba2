"""The read-only JSON API of what the journal shows: insights, safety, the current experiment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from kratom_journal.analysis.answers import clean
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services import safety as safety_service
from kratom_journal.services.insight_payload import report_payload
from kratom_journal.web.deps import JournalDep, PageCacheDep, SettingsDep, TodayDep
from kratom_journal.web.routes.insights import insight_report
from kratom_journal.web.routes.safety_page import safety_overview

router = APIRouter()


@router.get("/insights", tags=["insights"], summary="Every insight the journal supports")
def insights(journal: JournalDep, cache: PageCacheDep) -> dict[str, Any]:
    report, problem = insight_report(journal, cache)
    if report is None:
        raise HTTPException(409, problem or "no insights yet")
    return report_payload(report)


@router.get(
    "/safety",
    tags=["safety"],
    summary="Dependence and withdrawal signals, interaction checks, legal status",
)
def safety(
    journal: JournalDep, settings: SettingsDep, today: TodayDep, cache: PageCacheDep
) -> dict[str, Any]:
    return safety_overview(journal, settings, today, cache).to_dict()


@router.get("/safety/evidence", tags=["safety"], summary="The evidence panel")
def evidence() -> list[dict[str, Any]]:
    return safety_service.evidence_panel()


@router.get(
    "/experiments/current",
    tags=["experiments"],
    summary="The open (or latest) experiment, tonight's condition and the result",
)
def current_experiment(journal: JournalDep, today: TodayDep) -> dict[str, Any]:
    try:
        stored = experiment_service.current_experiment(journal, include_closed=True)
    except AnalysisError as exc:
        raise HTTPException(404, str(exc)) from None
    tonight = experiment_service.tonight(journal, today)
    result = None
    try:
        found = experiment_service.experiment_result(journal, today)
        result = {
            "summary": found.summary(),
            "estimate": found.estimate,
            "ci_low": clean(found.ci_low),
            "ci_high": clean(found.ci_high),
            "randomization_p": found.randomization_p,
            "cent": found.cent_items(),
        }
    except AnalysisError:
        pass  # started experiments without analysable nights have no result yet
    return {
        "id": stored.id,
        "status": stored.status,
        "summary": stored.plan.summary(),
        "tonight": None
        if tonight is None
        else {"condition": tonight.label, "name": tonight.condition, "washout": tonight.washout},
        "result": result,
    }
