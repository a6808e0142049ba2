"""Mood & scores: daily mood and anxiety, questionnaire totals against their bands."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.entries import Kind, MoodCheckin
from kratom_journal.instruments.loader import shipped_instrument
from kratom_journal.services import questionnaires as survey_service
from kratom_journal.services.settings import JournalSettings
from kratom_journal.store.journal import Journal
from kratom_journal.web import charts
from kratom_journal.web.deps import JournalDep, PageCacheDep, SettingsDep, TodayDep
from kratom_journal.web.views import day_start, render

router = APIRouter(include_in_schema=False)

MOOD_DAYS = 42
SCORED_INSTRUMENTS = ("phq9", "gad7")
SURVEYS = ("phq9", "gad7", "sows", "kud")


def questionnaire_panel(journal: Journal, settings: JournalSettings) -> dict[str, Any]:
    """Score charts, recent results and the crisis notice first when the latest answers need it."""
    administrations = survey_service.list_administrations(journal)
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
    flagged = survey_service.latest_with_crisis(administrations)
    crisis = survey_service.crisis_notice_for(journal, settings) if flagged else None
    return {
        "charts": charts_shown,
        "recent": list(reversed(administrations))[:10],
        "crisis": crisis,
        "surveys": [shipped_instrument(i) for i in SURVEYS],
    }


@router.get("/mood", response_class=HTMLResponse)
def mood_page(
    request: Request,
    journal: JournalDep,
    settings: SettingsDep,
    today: TodayDep,
    cache: PageCacheDep,
) -> Response:
    zone = settings.zone
    days = [today - timedelta(days=i) for i in range(MOOD_DAYS - 1, -1, -1)]
    checkins = [
        s.entry
        for s in journal.entries.list(Kind.MOOD, since=day_start(days[0], zone), tz=zone)
        if isinstance(s.entry, MoodCheckin)
    ]
    chart = charts.mood_chart(checkins, days)
    return render(
        request,
        "mood.html",
        {
            "page": "mood",
            "title": "Mood & scores",
            "main_chart": chart,
            "questionnaires": cache.get(
                "questionnaires", lambda: questionnaire_panel(journal, settings)
            ),
        },
    )
