"""Sleep: the 24-hour diary chart, weekly metrics with their flags, diary against wearable."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.entries import Dose, Kind, SleepDiaryEntry
from kratom_journal.services.sleep_stats import doses_by_night
from kratom_journal.web import charts
from kratom_journal.web.optional import feature
from kratom_journal.web.routes.panels import sleep_week_metrics, wearable_nights
from kratom_journal.web.views import journal_of, render, today_of, zone_of

router = APIRouter(include_in_schema=False)

NIGHT_CHOICES = (7, 14, 28, 56)


def nights_shown(request: Request) -> int:
    try:
        value = int(request.query_params.get("nights", "14"))
    except ValueError:
        return 14
    return value if value in NIGHT_CHOICES else 14


def diary_window(
    request: Request, count: int
) -> tuple[list[date], dict[date, SleepDiaryEntry], list[Dose]]:
    """The last ``count`` nights (newest last), their diary entries and the doses around them."""
    journal, zone = journal_of(request), zone_of(request)
    last = today_of(request) - timedelta(days=1)
    nights = [last - timedelta(days=i) for i in range(count - 1, -1, -1)]
    since = datetime.combine(nights[0], time(0), tzinfo=zone)
    until = datetime.combine(last + timedelta(days=2), time(0), tzinfo=zone)
    diary = {
        s.entry.night: s.entry
        for s in journal.entries.list(
            Kind.SLEEP, since=since - timedelta(days=1), until=until, tz=zone
        )
        if isinstance(s.entry, SleepDiaryEntry)
    }
    doses = [
        s.entry
        for s in journal.entries.list(Kind.DOSE, since=since, until=until, tz=zone)
        if isinstance(s.entry, Dose)
    ]
    return nights, diary, doses


def diary_metrics(entry: SleepDiaryEntry | None) -> Any:
    """Derived diary metrics (total sleep, efficiency) where this build computes them."""
    if entry is None or feature("sleep_stats") is None:
        return None
    from kratom_journal.sleep.metrics import night_metrics

    try:
        return night_metrics(entry)
    except ValueError:
        return None


@router.get("/sleep", response_class=HTMLResponse)
def sleep_page(request: Request) -> Response:
    count = nights_shown(request)
    nights, diary, doses = diary_window(request, count)
    journal, zone = journal_of(request), zone_of(request)
    wearable = wearable_nights(journal, nights[0], nights[-1])
    stages = wearable["stages"] if wearable else None
    chart = charts.sleep_chart(nights, diary, doses, zone, stages)
    by_night = doses_by_night(d for d in doses if d.substance == "kratom")
    rows: list[dict[str, Any]] = []
    for night in reversed(nights):
        entry = diary.get(night)
        rows.append(
            {
                "night": night,
                "entry": entry,
                "metrics": diary_metrics(entry),
                "wearable": (wearable or {}).get("nights", {}).get(night),
                "kratom": by_night.get(night, []),
            }
        )
    return render(
        request,
        "sleep.html",
        {
            "page": "sleep",
            "title": "Sleep",
            "main_chart": chart,
            "rows": rows,
            "count": count,
            "choices": NIGHT_CHOICES,
            "weeks": sleep_week_metrics(journal, today_of(request)),
            "wearable": wearable,
            "zone_info": zone,
        },
    )
