"""Mood & scores: daily mood and anxiety, questionnaire totals against their bands."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.entries import Kind
from kratom_journal.web import charts
from kratom_journal.web.optional import feature
from kratom_journal.web.views import cache_of, day_start, journal_of, render, today_of, zone_of

router = APIRouter(include_in_schema=False)

MOOD_DAYS = 42
SCORED_INSTRUMENTS = ("phq9", "gad7")
SURVEYS = ("phq9", "gad7", "sows", "kud")


def questionnaire_panel(request: Request) -> dict[str, Any] | None:
    """Score charts, recent results and the crisis notice first when the latest PHQ-9 needs it."""
    service = feature("questionnaires")
    if service is None:
        return None
    from kratom_journal.instruments.loader import shipped_instrument

    journal = journal_of(request)
    administrations = service.list_administrations(journal)
    charts_shown = []
    for instrument_id in SCORED_INSTRUMENTS:
        instrument = shipped_instrument(instrument_id)
        mine = [a for a in administrations if a.instrument.id == instrument_id]
        points = [
            (a.administered_at.isoformat(), a.result.total)
            for a in mine
            if a.result.total is not None
        ]
        if not points:
            continue
        bands = [(b.min, b.max, b.label) for b in instrument.bands]
        charts_shown.append(
            charts.score_chart(instrument.short_name, points, bands, instrument.score_range[1])
        )
    latest_phq9 = next((a for a in reversed(administrations) if a.instrument.id == "phq9"), None)
    crisis = (
        service.crisis_notice_for(journal) if latest_phq9 and latest_phq9.result.crisis else None
    )
    surveys = [shipped_instrument(i) for i in SURVEYS]
    return {
        "charts": charts_shown,
        "recent": list(reversed(administrations))[:10],
        "crisis": crisis,
        "surveys": surveys,
    }


@router.get("/mood", response_class=HTMLResponse)
def mood_page(request: Request) -> Response:
    journal, zone = journal_of(request), zone_of(request)
    today = today_of(request)
    days = [today - timedelta(days=i) for i in range(MOOD_DAYS - 1, -1, -1)]
    checkins = [
        s.entry for s in journal.entries.list(Kind.MOOD, since=day_start(days[0], zone), tz=zone)
    ]
    chart = charts.mood_chart(checkins, days)  # type: ignore[arg-type]
    return render(
        request,
        "mood.html",
        {
            "page": "mood",
            "title": "Mood & scores",
            "main_chart": chart,
            "questionnaires": cache_of(request).get(
                "questionnaires", lambda: questionnaire_panel(request)
            ),
        },
    )
