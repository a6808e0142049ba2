"""Questionnaire use cases: record an administration, list scores, change against the last one.

Every view this module returns puts the crisis notice first when an answer
requires it; faces (CLI, web, reports) render these views and add nothing.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.instruments import (
    ChangeResult,
    Instrument,
    ScoreResult,
    compare,
    needs_crisis_resources,
    safety_flags,
    score,
    shipped_instrument,
    validate_answers,
)
from kratom_journal.instruments.loader import SHIPPED_IDS
from kratom_journal.safety.crisis import CrisisNotice, crisis_resources
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.entry_checks import entry_range
from kratom_journal.services.settings import JournalSettings, read_settings
from kratom_journal.store.journal import Journal
from kratom_journal.store.questionnaires import (
    StoredAdministration,
    add_administration,
    live_administrations,
)

COUNTRY_KEY = "country"

CRISIS_DAYS_ON_TODAY = 14
"""Today repeats the crisis resources for the PHQ-9's own recall period (two weeks)."""


@dataclass(frozen=True, slots=True)
class Administration:
    """A stored administration with its score recomputed from the raw answers."""

    id: str
    instrument: Instrument
    administered_at: datetime
    answers: dict[str, int | None]
    result: ScoreResult
    change: ChangeResult | None
    zone: str | None = None
    """The zone the administration was recorded in (its journal day is read in it)."""
    crisis_shown: dict[str, Any] | None = None
    """The crisis resources shown with a crisis answer, as shown then (``CrisisNotice.to_dict``)."""

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def day(self) -> date:
        """The journal day the questionnaire was answered on (04:00 to 04:00 local time)."""
        return journal_day(self.administered_at, self.zone)


def record_administration(
    journal: Journal,
    instrument: Instrument,
    answers: Mapping[str, int | None],
    at: datetime | None = None,
    zone: str | None = None,
    *,
    clock: Clock = SYSTEM_CLOCK,
    settings: JournalSettings | None = None,
) -> Administration:
    """Validate, score and store one administration in a single transaction (``at``: now).

    With a crisis answer, the crisis resources the person is shown (for the country
    set now) are stored with it, so the clinician report can say what was shown.
    """
    if instrument.id in SHIPPED_IDS and instrument != shipped_instrument(instrument.id):
        raise InvalidInput(
            f"instrument id {instrument.id!r} belongs to the shipped {instrument.short_name}; "
            "give your file another id"
        )
    checked = validate_answers(instrument, answers)
    result = score(instrument, checked)
    moment = at or clock.now()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("the administration time needs a time zone")
    snapshot = settings if settings is not None else read_settings(journal)
    entry_range(snapshot, clock.now()).check_instant(moment, "at")
    shown = crisis_notice_for(journal, snapshot).to_dict() if result.crisis else None
    stored = StoredAdministration(
        id=uuid.uuid4().hex,
        instrument_id=instrument.id,
        instrument_as_of=instrument.as_of.isoformat(),
        administered_at=moment,
        zone=zone,
        answers=dict(checked),
        total=result.total,
        band=result.band,
        crisis=result.crisis,
        definition=None if instrument.id in SHIPPED_IDS else instrument.model_dump(mode="json"),
        created_at=clock.now(),
        crisis_shown=shown,
    )
    with journal.session() as session:
        add_administration(session, stored)
        history = live_administrations(session, instrument.id)
    recorded = [a for a in _with_change(history) if a.id == stored.id]
    return recorded[0] if recorded else _administration(stored, None)


def list_administrations(
    journal: Journal, instrument_id: str | None = None
) -> list[Administration]:
    """Stored administrations, oldest first, each with its change against the previous one."""
    with journal.session() as session:
        rows = live_administrations(session, instrument_id)
    by_instrument: dict[str, list[StoredAdministration]] = {}
    for row in rows:
        by_instrument.setdefault(row.instrument_id, []).append(row)
    administrations = [a for group in by_instrument.values() for a in _with_change(group)]
    administrations.sort(key=lambda a: (a.administered_at.astimezone(UTC), a.id))
    return administrations


def find_administration(journal: Journal, administration_id: str) -> Administration:
    """One stored administration by its id (:class:`NotFound` when there is none)."""
    for administration in list_administrations(journal):
        if administration.id == administration_id:
            return administration
    raise NotFound(f"no questionnaire result with id {administration_id!r}")


MIN_DAYS_BETWEEN: dict[str, int] = {"phq9": 14, "gad7": 14}
"""Change on these is only described between answers at least this many days apart.

Both ask about the last two weeks (Kroenke, Spitzer & Williams 2001, J Gen Intern Med
16:606; Spitzer et al. 2006, Arch Intern Med 166:1092): two answers a few days apart
cover mostly the same days, so their difference is not a change over time.
"""


def _with_change(rows: list[StoredAdministration]) -> list[Administration]:
    """Administrations of one instrument with change against an earlier scored one.

    The earlier one is the latest scored administration before, at least
    :data:`MIN_DAYS_BETWEEN` days earlier for the PHQ-9 and GAD-7.
    """
    results: list[Administration] = []
    baseline: int | None = None
    scored: list[tuple[date, int]] = []
    for row in rows:
        administration = _administration(row, None)
        total = administration.result.total
        gap = MIN_DAYS_BETWEEN.get(administration.instrument.id, 0)
        earlier = [t for d, t in scored if (administration.day - d).days >= gap]
        change = None
        if total is not None and earlier:
            change = compare(administration.instrument, total, earlier[-1], baseline)
        if total is not None:
            baseline = total if baseline is None else baseline
            scored.append((administration.day, total))
        results.append(dataclasses.replace(administration, change=change))
    return results


def _administration(row: StoredAdministration, change: ChangeResult | None) -> Administration:
    instrument = _instrument_of(row)
    answers = {str(k): (int(v) if v is not None else None) for k, v in row.answers.items()}
    # Keys the definition no longer knows are dropped rather than failing a listing.
    known = {item.id for item in instrument.items}
    answers = {k: v for k, v in answers.items() if k in known}
    return Administration(
        row.id,
        instrument,
        row.administered_at,
        answers,
        score(instrument, answers),
        change,
        row.zone,
        row.crisis_shown,
    )


def _instrument_of(row: StoredAdministration) -> Instrument:
    if row.definition is not None:
        return Instrument.model_validate(row.definition)
    return shipped_instrument(row.instrument_id)


# --- views --------------------------------------------------------------------------------


def crisis_notice_for(journal: Journal, settings: JournalSettings | None = None) -> CrisisNotice:
    """The crisis notice for the journal's country setting (works with none set)."""
    country = settings.country if settings is not None else journal.settings.get(COUNTRY_KEY)
    return crisis_resources(country)


def crisis_notice_if_needed(
    journal: Journal,
    instrument: Instrument,
    answers: Mapping[str, object],
    settings: JournalSettings | None = None,
) -> CrisisNotice | None:
    """The crisis notice when the answers given so far meet a safety rule, else ``None``.

    Both survey faces call this after every answer, before showing anything else.
    """
    if needs_crisis_resources(safety_flags(instrument, answers)):
        return crisis_notice_for(journal, settings)
    return None


def survey_instrument(instrument_id: str) -> Instrument:
    """The questionnaire a survey screen asks, by id (:class:`InstrumentError` if unknown)."""
    return shipped_instrument(instrument_id)


def latest_with_crisis(administrations: list[Administration]) -> Administration | None:
    """The latest administration needing crisis resources, among each instrument's latest one.

    A later administration of the same questionnaire without a crisis answer
    replaces an earlier one (the person has answered again since).
    """
    latest: dict[str, Administration] = {}
    for administration in administrations:
        latest[administration.instrument.id] = administration
    flagged = [a for a in latest.values() if a.result.crisis]
    return max(flagged, key=lambda a: a.administered_at, default=None)


def recent_crisis_notice(
    journal: Journal,
    now: datetime,
    settings: JournalSettings | None = None,
    days: int | None = CRISIS_DAYS_ON_TODAY,
) -> CrisisNotice | None:
    """The crisis notice while a questionnaire's latest answers call for it.

    With ``days`` (Today): only when those answers are at most ``days`` old; with
    ``None`` (the scores page): however old they are. The rule that decides is the
    instrument's own (:func:`~kratom_journal.instruments.scoring.safety_flags`).
    """
    flagged = latest_with_crisis(list_administrations(journal))
    if flagged is None:
        return None
    if days is not None and now - flagged.administered_at > timedelta(days=days):
        return None
    return crisis_notice_for(journal, settings)


def result_view(result: ScoreResult, instrument: Instrument) -> dict[str, Any]:
    """The score of one administration as JSON-ready values (stable keys)."""
    return {
        "total": result.total,
        "max_total": result.max_total,
        "band": result.band,
        "answered": result.answered,
        "missing": list(result.missing),
        "prorated": result.prorated,
        "no_score_reason": result.no_score_reason,
        "subscales": [
            {"id": s.id, "name": s.name, "total": s.total, "band": s.band} for s in result.subscales
        ],
        "safety_flags": [{"item": f.item, "value": f.value} for f in result.safety_flags],
        "disclaimer": instrument.disclaimer,
    }


def change_view(change: ChangeResult | None) -> dict[str, Any] | None:
    """Change against the previous administration as JSON-ready values."""
    if change is None:
        return None
    return {
        "previous_total": change.previous_total,
        "delta": change.delta,
        "mcid": change.mcid,
        "meaningful": change.meaningful,
        "baseline_total": change.baseline_total,
        "percent_from_baseline": change.percent_from_baseline,
        "response": change.response,
        "remission": change.remission,
    }


def administration_view(administration: Administration) -> dict[str, Any]:
    """One administration as JSON-ready values (stable keys, see docs/instruments.md)."""
    instrument = administration.instrument
    return {
        "id": administration.id,
        "instrument": instrument.id,
        "instrument_name": instrument.short_name,
        "administered_at": administration.administered_at.isoformat(),
        "answers": administration.answers,
        **result_view(administration.result, instrument),
        "crisis_flag": administration.result.crisis,
        "change": change_view(administration.change),
    }


def survey_view(journal: Journal, administration: Administration) -> dict[str, Any]:
    """What ``kj survey --json`` prints: the crisis notice first, then the result."""
    crisis = crisis_notice_for(journal).to_dict() if administration.result.crisis else None
    return {"crisis": crisis, "administration": administration_view(administration)}


def scores_view(journal: Journal, administrations: list[Administration]) -> dict[str, Any]:
    """What ``kj scores --json`` prints: the crisis notice first when any listed answer needs it."""
    needs_crisis = any(a.result.crisis for a in administrations)
    return {
        "crisis": crisis_notice_for(journal).to_dict() if needs_crisis else None,
        "scores": [administration_view(a) for a in administrations],
    }
