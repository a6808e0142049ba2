"""API routes for the parts a build may lack (insights, safety, experiments, questionnaires).

Each is registered only when its service is present, so the OpenAPI document
describes exactly what this build can do.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from kratom_journal.web.optional import feature


def register(router: APIRouter) -> None:
    if feature("insights") is not None:
        _insights(router)
    if feature("safety") is not None:
        _safety(router)
    if feature("experiments") is not None:
        _experiments(router)


def _insights(router: APIRouter) -> None:
    @router.get("/insights", tags=["insights"], summary="Every insight the journal supports")
    def insights(request: Request) -> dict[str, Any]:
        from kratom_journal.web.routes.insights import insight_report

        report, problem = insight_report(request)
        if report is None:
            raise HTTPException(409, problem or "no insights yet")
        return {"results": [r.as_dict() for r in report.results], "n_tests": report.n_tests}


def _safety(router: APIRouter) -> None:
    @router.get(
        "/safety",
        tags=["safety"],
        summary="Dependence and withdrawal signals, interaction checks, legal status",
    )
    def safety(request: Request) -> dict[str, Any]:
        from kratom_journal.web.routes.safety_page import safety_views

        views = safety_views(request)
        legal = views["legal"]
        return {
            "report": views["report"],
            "interactions": views["checks"],
            "legal": legal if isinstance(legal, list) else None,
            "legal_problem": legal if isinstance(legal, str) else None,
        }

    @router.get("/safety/evidence", tags=["safety"], summary="The evidence panel")
    def evidence() -> list[dict[str, Any]]:
        service: Any = feature("safety")
        return list(service.evidence_panel())


def _experiments(router: APIRouter) -> None:
    @router.get(
        "/experiments/current",
        tags=["experiments"],
        summary="The open (or latest) experiment, tonight's condition and the result",
    )
    def current(request: Request) -> dict[str, Any]:
        from kratom_journal.web.routes.panels import tonight_assignment
        from kratom_journal.web.views import journal_of, today_of

        service: Any = feature("experiments")
        journal = journal_of(request)
        try:
            stored = service.current_experiment(journal, include_closed=True)
        except Exception as exc:
            if type(exc).__name__ == "AnalysisError":
                raise HTTPException(404, str(exc)) from None
            raise
        tonight = tonight_assignment(journal)
        result = None
        try:
            found = service.experiment_result(journal, today_of(request))
            result = {
                "summary": found.summary(),
                "estimate": found.estimate,
                "ci_low": found.ci_low,
                "ci_high": found.ci_high,
                "randomization_p": found.randomization_p,
                "cent": found.cent_items(),
            }
        except Exception as exc:
            if type(exc).__name__ != "AnalysisError":
                raise
        return {
            "id": stored.id,
            "status": stored.status,
            "summary": stored.plan.summary(),
            "tonight": None
            if tonight is None
            else {
                "condition": tonight["label"],
                "name": tonight["condition"],
                "washout": tonight["washout"],
            },
            "result": result,
        }
