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


def _insights(router: APIRouter) -> None:
    @router.get("/insights", tags=["insights"], summary="Every insight the journal supports")
    def insights(request: Request) -> dict[str, Any]:
        from kratom_journal.web.routes.insights import insight_report

        report, problem = insight_report(request)
        if report is None:
            raise HTTPException(409, problem or "no insights yet")
        return {"results": [r.as_dict() for r in report.results], "n_tests": report.n_tests}
