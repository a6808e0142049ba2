"""What the clinician report reads from a journal, gathered for one period.

This module only reads; :mod:`kratom_journal.reports.clinician` arranges what it
gathers into the report's sections. Every entry counts on its journal day
(:mod:`kratom_journal.domain.days`), the same day the analyses, the safety
signals and the exports give it. Scoring, sleep metrics, safety signals and
analyses come from their own services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import ExperimentResult
from kratom_journal.domain.date_range import EARLIEST_DAY
from kratom_journal.domain.days import journal_day
from kratom_journal.domain.entries import Dose, Kind, MoodCheckin, SideEffect, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry, InvalidInput
from kratom_journal.safety.crisis import CrisisNotice
from kratom_journal.safety.signals import SafetyReport
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock, journal_zone, journal_zone_name
from kratom_journal.services.experiments import experiment_result
from kratom_journal.services.insights import insight_rows
from kratom_journal.services.questionnaires import (
    Administration,
    crisis_notice_for,
    list_administrations,
)
from kratom_journal.services.safety import (
    SELF_CHECK_ID,
    SOWS_ID,
    DeclaredMedicine,
    list_medicines,
    questionnaire_scores,
    safety_report,
)
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.store.entry_reads import DoseFact, count_diary_nights, dose_facts, mood_facts
from kratom_journal.store.journal import Journal

__all__ = [
    "DEFAULT_DAYS",
    "MAX_TABLE_WEEKS",
    "DoseFact",
    "Period",
    "ReportData",
    "default_period",
    "gather",
    "person_details",
    "resolve_period",
]

DEFAULT_DAYS = 28
"""Default report period: the last four weeks, ending today."""
MAX_TABLE_WEEKS = 8
"""At most this many weeks of nights are read in full (the sleep-diary table shows them)."""


@dataclass(frozen=True)
class Period:
    """Inclusive range of journal days (nights are dated by the evening they began)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, read from the journal for one period.

    ``doses`` run one journal day past the period (the sleep log marks the
    morning after its last night); ``nights`` are the diary nights of the last
    :data:`MAX_TABLE_WEEKS` weeks, read in full; ``device_tst`` is the wearable's
    total sleep time of those nights.
    """

    period: Period
    generated_at: datetime
    zone: str
    person: dict[str, str]
    nights: list[SleepDiaryEntry]
    nights_logged: int
    doses: list[DoseFact]
    side_effects: list[SideEffect]
    moods: list[int]
    administrations: list[Administration]
    crisis_answers: list[Administration]
    """Administrations with a crisis answer from the period's start up to the report's day."""
    crisis_notice: CrisisNotice | None
    wearable_nights: dict[str, int]
    device_tst: dict[date, float]
    safety: SafetyReport
    sows: list[tuple[date, float]]
    self_checks: list[tuple[date, float]]
    medicines: list[DeclaredMedicine]
    insights: dict[str, Any] | None
    experiment: ExperimentResult | None

    @property
    def doses_in_period(self) -> list[DoseFact]:
        return [d for d in self.doses if journal_day(d.taken_at, d.zone) in self.period]


# --- the period ----------------------------------------------------------------------------


def default_period(journal: Journal, days: int = DEFAULT_DAYS) -> Period:
    """The ``days`` days ending on the latest day with a journal entry (today if none).

    For looking back at a journal's own data (its tests and benchmarks); the report's
    default period ends today (:func:`resolve_period`).
    """
    zone = journal_zone(journal)
    latest = _latest_day(journal)
    end = latest or SYSTEM_CLOCK.journal_today(zone)
    return Period(end - timedelta(days=days - 1), end)


def resolve_period(
    journal: Journal,
    start: date | None,
    end: date | None,
    *,
    today: date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Period:
    """Fill in a missing end (today) or start (four weeks before the end).

    Today is the journal day of the clock (or ``today``): a report made now covers
    what was logged up to now, never stopping at the last diary night.
    """
    _check_period_day(start, "from", clock)
    _check_period_day(end, "to", clock)
    if end is None:
        now = today or clock.journal_today(journal_zone(journal))
        end = now if start is None else max(start, now)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput(f"the first day ({start}) is after the last day ({end})")
    return Period(start, end)


PERIOD_AHEAD = timedelta(days=366)
"""A report period may end up to a year ahead (a planned period), never at 9999."""


def _check_period_day(day: date | None, field: str, clock: Clock) -> None:
    """Refuse a period day before 1970 or more than a year from now, naming ``field``."""
    if day is None:
        return
    if day < EARLIEST_DAY:
        raise InvalidEntry(
            f"{day.isoformat()} is before {EARLIEST_DAY.isoformat()}, "
            "the earliest date the journal takes",
            field,
        )
    latest = clock.now().date() + PERIOD_AHEAD
    if day > latest:
        raise InvalidEntry(
            f"{day.isoformat()} is more than a year from now; expected a date no later "
            f"than {latest.isoformat()}",
            field,
        )


def _latest_day(journal: Journal) -> date | None:
    """The latest diary night; without a diary, the latest journal day of any other entry."""
    recent = datetime.now(UTC) - timedelta(days=3650)
    nights = journal.entries.list(kind=Kind.SLEEP, since=recent)
    if nights and isinstance(nights[-1].entry, SleepDiaryEntry):
        return nights[-1].entry.night
    latest: date | None = None
    for kind in (Kind.DOSE, Kind.MOOD, Kind.SIDE_EFFECT):
        stored = journal.entries.list(kind=kind, since=recent)
        if stored:
            day = _day_of(stored[-1].entry)
            latest = day if latest is None else max(latest, day)
    return latest


def _day_of(entry: object) -> date:
    if isinstance(entry, Dose):
        return journal_day(entry.taken_at, entry.zone)
    if isinstance(entry, MoodCheckin | SideEffect):
        return journal_day(entry.at, entry.zone)
    raise TypeError(type(entry).__name__)


PERSON_SETTINGS = {
    "patient-name": "name",
    "patient-birth-date": "birth_date",
    "patient-gender": "gender",
}
"""Settings a person may fill to put their details on the report and in the FHIR export."""


def person_details(journal: Journal) -> dict[str, str]:
    """Only the details the person chose to record in the journal's settings."""
    settings = journal.settings.all()
    return {key: settings[name] for name, key in PERSON_SETTINGS.items() if settings.get(name)}


# --- reading the journal -------------------------------------------------------------------


def gather(
    journal: Journal, period: Period, now: datetime | None = None, with_analysis: bool = True
) -> ReportData:
    """Read what the report of ``period`` shows (the analyses only when ``with_analysis``)."""
    # Only the nights the table and the sleep log show are read in full; longer periods are
    # counted and summarised from a few columns, so a report over years stays quick.
    detail = Period(
        max(period.start, period.end - timedelta(days=7 * MAX_TABLE_WEEKS - 1)), period.end
    )
    nights = _nights(journal, detail)
    moment = now or SYSTEM_CLOCK.now()
    zone = journal_zone(journal)
    everything = list_administrations(journal)
    administrations = [a for a in everything if a.day in period]
    # A crisis answer after the period, up to the day the report is made, is on it too.
    report_day = max(period.end, journal_day(moment, zone))
    crisis_answers = [
        a for a in everything if a.result.safety_flags and period.start <= a.day <= report_day
    ]
    insights, experiment = _analyses(journal) if with_analysis else (None, None)
    return ReportData(
        period=period,
        generated_at=moment.astimezone(zone),
        zone=journal_zone_name(journal),
        person=person_details(journal),
        nights=nights,
        nights_logged=count_diary_nights(journal, period.start, period.end),
        doses=_doses(journal, period, extra_days=1),
        side_effects=_side_effects(journal, period),
        moods=_moods(journal, period),
        administrations=administrations,
        crisis_answers=crisis_answers,
        crisis_notice=crisis_notice_for(journal) if crisis_answers else None,
        wearable_nights=_wearable_nights(journal, period),
        device_tst=_device_tst(journal, nights),
        safety=safety_report(journal, period.end),
        sows=questionnaire_scores(journal, SOWS_ID),
        self_checks=questionnaire_scores(journal, SELF_CHECK_ID),
        medicines=list_medicines(journal),
        insights=insights,
        experiment=experiment,
    )


def _bounds(period: Period, before: int, after: int) -> tuple[datetime, datetime]:
    # A day's margin on each side covers every UTC offset and the 04:00 start of a journal
    # day; entries are then kept by their journal day.
    start = datetime.combine(period.start - timedelta(days=before + 1), time(0), tzinfo=UTC)
    end = datetime.combine(period.end + timedelta(days=after + 2), time(0), tzinfo=UTC)
    return start, end


def _doses(journal: Journal, period: Period, extra_days: int = 0) -> list[DoseFact]:
    wanted = Period(period.start, period.end + timedelta(days=extra_days))
    facts = dose_facts(journal, *_bounds(period, 0, extra_days))
    return [f for f in facts if journal_day(f.taken_at, f.zone) in wanted]


def _moods(journal: Journal, period: Period) -> list[int]:
    facts = mood_facts(journal, *_bounds(period, 0, 0))
    return [f.mood for f in facts if journal_day(f.at, f.zone) in period]


def _side_effects(journal: Journal, period: Period) -> list[SideEffect]:
    since, until = _bounds(period, 0, 0)
    return [
        s.entry
        for s in journal.entries.list(kind=Kind.SIDE_EFFECT, since=since, until=until)
        if isinstance(s.entry, SideEffect) and journal_day(s.entry.at, s.entry.zone) in period
    ]


def _nights(journal: Journal, period: Period) -> list[SleepDiaryEntry]:
    since, until = _bounds(period, 1, 0)
    by_night: dict[date, SleepDiaryEntry] = {}
    for stored in journal.entries.list(kind=Kind.SLEEP, since=since, until=until):
        entry = stored.entry
        if isinstance(entry, SleepDiaryEntry) and entry.night in period:
            by_night[entry.night] = entry
    return [by_night[night] for night in sorted(by_night)]


def _wearable_nights(journal: Journal, period: Period) -> dict[str, int]:
    """Nights per wearable source in the period (the preferred source of each night)."""
    counts: dict[str, int] = {}
    for chosen, _others in list_nights(journal, period.start, period.end):
        counts[chosen.source.label] = counts.get(chosen.source.label, 0) + 1
    return counts


def _device_tst(journal: Journal, nights: list[SleepDiaryEntry]) -> dict[date, float]:
    """The wearable's total sleep time on the diary's nights, where it has one."""
    if not nights:
        return {}
    return {
        chosen.night: float(chosen.total_sleep_min)
        for chosen, _ in list_nights(journal, nights[0].night, nights[-1].night)
        if chosen.total_sleep_min is not None
    }


def _analyses(journal: Journal) -> tuple[dict[str, Any], ExperimentResult | None]:
    insights = insight_rows(journal)  # recomputed only when the journal has changed
    try:
        return insights, experiment_result(journal)
    except AnalysisError:
        return insights, None
