"""Safety: dependence and withdrawal signals, interactions, legal status, evidence."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.web.optional import feature
from kratom_journal.web.views import render

router = APIRouter(include_in_schema=False)


@router.get("/safety", response_class=HTMLResponse)
def safety_page(request: Request) -> Response:
    if feature("safety") is None:
        return render(request, "unavailable.html", {"page": "safety", "title": "Safety",
                                                    "what": "Safety signals, interactions, "
                                                            "legal status and evidence"})
    return render(request, "unavailable.html", {"page": "safety", "title": "Safety",
                                                "what": "Safety"})
