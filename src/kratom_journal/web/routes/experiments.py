"""Experiments: plan (power table, withdrawal warning), schedule, adherence, result."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.web.optional import feature
from kratom_journal.web.views import render

router = APIRouter(include_in_schema=False)


@router.get("/experiments", response_class=HTMLResponse)
def experiments_page(request: Request) -> Response:
    if feature("experiments") is None:
        return render(request, "unavailable.html", {"page": "experiments",
                                                    "title": "Experiments",
                                                    "what": "Self-experiments"})
    return render(request, "unavailable.html", {"page": "experiments", "title": "Experiments",
                                                "what": "Self-experiments"})
