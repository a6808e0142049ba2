"""What a researcher sees of a study: each participant's progress and the open safety flags.

Every participant's data are read as the researcher looking at that participant, so
PostgreSQL shows only what their consent covers; each view is written to the audit log.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import Schedule
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock, journal_zone
from kratom_journal.services.insights import journal_day_table
from kratom_journal.services.questionnaires import list_administrations
from kratom_journal.services.server.studies import StudyView, own_study
from kratom_journal.store.server import accounts as account_store
from kratom_journal.store.server import studies as store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as

FLAG_DAYS = 30
MISSING_WINDOW = 3


@dataclass(frozen=True, slots=True)
class ParticipantData:
    """One participant's schedule and logged outcome, as the researcher may read them."""

    pseudonym: str
    owner_id: uuid.UUID
    status: str
    consented: datetime
    withdrawn: datetime | None
    deleted: bool
    schedule: Schedule | None
    outcomes: dict[date, float]
    adherence: dict[date, bool]
    today: date
    flag_day: date | None


def participants_data(
    db: ServerDatabase,
    researcher_id: uuid.UUID,
    study: StudyView,
    clock: Clock = SYSTEM_CLOCK,
    address: str = "",
) -> list[ParticipantData]:
    """Every participant of the researcher's study, read through their study grant."""
    now = clock.now()
    with acting_as(researcher_id), db.session() as session:
        rows = store.participations(session, study.id)
        for row in rows:
            if row.data_deleted_at is None:
                account_store.add_event(
                    session,
                    at=now,
                    action="viewed-participant",
                    actor_id=researcher_id,
                    subject_id=row.owner_id,
                    study_id=study.id,
                    address=address,
                )
    found = []
    for row in rows:
        data = ParticipantData(
            row.pseudonym,
            row.owner_id,
            row.status,
            row.consented_at,
            row.withdrawn_at,
            row.data_deleted_at is not None,
            None,
            {},
            {},
            now.date(),
            None,
        )
        if not data.deleted:
            data = _read(db, researcher_id, data, study.protocol.outcome, now)
        found.append(data)
    return found


def _read(
    db: ServerDatabase, researcher_id: uuid.UUID, data: ParticipantData, outcome: str, now: datetime
) -> ParticipantData:
    with acting_as(researcher_id, data.owner_id):
        today = now.astimezone(journal_zone(db.journal)).date()
        try:
            stored = experiment_service.current_experiment(db.journal, include_closed=True)
        except AnalysisError:
            return data
        table = journal_day_table(db.journal)
        outcomes: dict[date, float] = {}
        if table.dates is not None and table.has(outcome):
            for day, value in zip(table.dates, table.column(outcome), strict=True):
                if math.isfinite(value):
                    outcomes[day] = float(value)
        adherence = experiment_service.adherence_log(db.journal, stored.id)
        since = now - timedelta(days=FLAG_DAYS)
        flagged = [
            a.day
            for a in list_administrations(db.journal, "phq9")
            if a.result.crisis and a.administered_at >= since
        ]
    return ParticipantData(
        data.pseudonym,
        data.owner_id,
        data.status,
        data.consented,
        data.withdrawn,
        False,
        stored.schedule,
        outcomes,
        adherence,
        today,
        max(flagged) if flagged else None,
    )


@dataclass(frozen=True, slots=True)
class MonitorRow:
    pseudonym: str
    status: str
    joined: date
    days_elapsed: int
    days_planned: int
    outcome_days: int
    expected_days: int
    missing_recent: int
    adherence: float | None
    flag_day: date | None
    deleted: bool


def _monitor_row(p: ParticipantData) -> MonitorRow:
    schedule = p.schedule.days if p.schedule else ()
    last = p.today - timedelta(days=1)  # last night that can be logged by now
    if p.withdrawn is not None:
        last = min(last, p.withdrawn.date())
    elapsed = [d for d in schedule if d.day <= last]
    expected = [d for d in elapsed if not d.washout]
    logged = [d for d in expected if d.day in p.outcomes]
    recent = [d for d in expected if d.day > last - timedelta(days=MISSING_WINDOW)]
    followed = [ok for day, ok in p.adherence.items() if day <= last]
    return MonitorRow(
        p.pseudonym,
        p.status,
        p.consented.date(),
        len(elapsed),
        len(schedule),
        len(logged),
        len(expected),
        sum(1 for d in recent if d.day not in p.outcomes),
        sum(followed) / len(followed) if followed else None,
        p.flag_day,
        p.deleted,
    )


@dataclass(frozen=True, slots=True)
class Monitoring:
    study: StudyView
    rows: list[MonitorRow]
    enrolled: int
    active: int
    withdrawn: int
    flagged: int
    completeness: float | None


def monitoring(
    db: ServerDatabase,
    researcher_id: uuid.UUID,
    study_id: uuid.UUID,
    address: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> Monitoring:
    study = own_study(db, researcher_id, study_id)
    rows = [_monitor_row(p) for p in participants_data(db, researcher_id, study, clock, address)]
    expected = sum(r.expected_days for r in rows)
    return Monitoring(
        study,
        rows,
        len(rows),
        sum(1 for r in rows if r.status == "active"),
        sum(1 for r in rows if r.status == "withdrawn"),
        sum(1 for r in rows if r.flag_day),
        sum(r.outcome_days for r in rows) / expected if expected else None,
    )
