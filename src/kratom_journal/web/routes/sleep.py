"""Sleep: the 24-hour diary chart, weekly metrics with their flags, diary against wearable."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.entries import Dose, Kind, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.services.entry_views import zone_note
from kratom_journal.services.sleep_panels import recent_weeks, wearable_period
from kratom_journal.services.sleep_stats import doses_by_night
from kratom_journal.sleep.metrics import NightMetrics, night_metrics
from kratom_journal.store.journal import Journal
from kratom_journal.web import sleep_chart
from kratom_journal.web.deps import JournalDep, SettingsDep, TodayDep
from kratom_journal.web.views import render

router = APIRouter(include_in_schema=False)

NIGHT_CHOICES = (7, 14, 28, 56)


def nights_shown(request: Request) -> int:
    try:
        value = int(request.query_params.get("nights", "14"))
    except ValueError:
        return 14
    return value if value in NIGHT_CHOICES else 14


def diary_window(
    journal: Journal, today: date, zone: tzinfo, count: int
) -> tuple[list[date], dict[date, SleepDiaryEntry], list[Dose]]:
    """The last ``count`` nights (newest last), their diary entries and the doses around them."""
    last = today - timedelta(days=1)
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


def diary_metrics(entry: SleepDiaryEntry | None) -> NightMetrics | None:
    """Derived diary metrics (total sleep, efficiency) of a night, if it is logged and complete."""
    if entry is None:
        return None
    try:
        return night_metrics(entry)
    except InvalidEntry:
        return None


@router.get("/sleep", response_class=HTMLResponse)
def sleep_page(
    request: Request, journal: JournalDep, settings: SettingsDep, today: TodayDep
) -> Response:
    count = nights_shown(request)
    zone = settings.zone
    nights, diary, doses = diary_window(journal, today, zone, count)
    wearable = wearable_period(journal, nights[0], nights[-1])
    stages = wearable.stages if wearable else None
    chart = sleep_chart.sleep_chart(nights, diary, doses, zone, stages)
    kratom = doses_by_night(d for d in doses if d.substance == "kratom")
    rows: list[dict[str, Any]] = []
    for night in reversed(nights):
        entry = diary.get(night)
        rows.append(
            {
                "night": night,
                "entry": entry,
                "metrics": diary_metrics(entry),
                "wearable": wearable.nights.get(night) if wearable else None,
                "kratom": kratom.get(night, []),
                "zone_note": zone_note(entry.bed_at, entry.zone, settings.zone_name).strip()
                if entry
                else "",
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
            "weeks": recent_weeks(journal, today, zone),
            "wearable": wearable,
            "zone_info": zone,
        },
    )
