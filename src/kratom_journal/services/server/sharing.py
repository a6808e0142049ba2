"""Sharing with a clinician: grants a person gives and revokes, and what the clinician sees.

A grant names the clinician, the areas shared (``all``, or some of
:data:`~kratom_journal.store.server.rls.AREAS`, plus ``profile`` for the name and
birth date in the report) and an expiry. The clinician's pages read the patient's
journal *as the clinician* looking at the patient: PostgreSQL shows them the rows the
grant covers and nothing else, and a revoked grant hides everything at once. Every
such view is written to the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from kratom_journal.domain.entries import Kind, MoodCheckin
from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock, FixedClock, journal_zone
from kratom_journal.services.questionnaires import list_administrations
from kratom_journal.services.server.signin import audit
from kratom_journal.services.sleep_stats import sleep_stats, week_view
from kratom_journal.store.journal import Journal
from kratom_journal.store.server import accounts as account_store
from kratom_journal.store.server import grants as store
from kratom_journal.store.server.rls import AREAS
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as

SHAREABLE = (*AREAS, "profile")
AREA_LABELS = {
    "doses": "Kratom and other doses",
    "sleep": "Sleep diary and wearable nights",
    "mood": "Mood check-ins",
    "side-effects": "Side effects",
    "questionnaires": "Questionnaires (PHQ-9, GAD-7, ...)",
    "medicines": "Declared medicines",
    "experiments": "Self-experiments",
    "profile": "Name and birth date (for the report)",
    "all": "Everything, including derived results",
}
MAX_DAYS = 730
CRISIS_WINDOW = timedelta(days=30)
"""A PHQ-9 item-9 answer above 0 is flagged on the patient list for 30 days."""


@dataclass(frozen=True, slots=True)
class GrantView:
    id: uuid.UUID
    other: str
    """The clinician (for the giver) or the patient (for the clinician), by name."""
    other_id: uuid.UUID
    kind: str
    areas: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def check_areas(areas: list[str]) -> list[str]:
    chosen = sorted({a.strip() for a in areas if a.strip()})
    unknown = [a for a in chosen if a not in (*SHAREABLE, "all")]
    if unknown:
        raise InvalidInput(f"unknown area {unknown[0]!r}; expected {', '.join(SHAREABLE)} or all")
    if not chosen:
        raise InvalidInput("choose at least one area to share")
    return ["all"] if "all" in chosen else chosen


def clinicians(db: ServerDatabase) -> list[tuple[str, str]]:
    """(username, name) of every active clinician, for the sharing form."""
    with db.session() as session:
        return [
            (a.username, a.display_name)
            for a in account_store.accounts(session, ["clinician"])
            if a.disabled_at is None
        ]


def share_with_clinician(
    db: ServerDatabase,
    owner_id: uuid.UUID,
    clinician_username: str,
    areas: list[str],
    days: int,
    clock: Clock = SYSTEM_CLOCK,
) -> GrantView:
    """Grant a clinician read access to chosen areas for ``days`` days."""
    chosen = check_areas(areas)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a share lasts 1 to {MAX_DAYS} days")
    now = clock.now()
    with acting_as(owner_id), db.session() as session:
        clinician = account_store.account_by_username(session, clinician_username.strip().lower())
        if clinician is None or clinician.role != "clinician" or clinician.disabled_at:
            raise InvalidInput(f"no clinician {clinician_username!r} on this server")
        grant = store.add_grant(
            session,
            owner_id=owner_id,
            grantee_id=clinician.id,
            kind="clinician",
            areas=chosen,
            now=now,
            expires_at=now + timedelta(days=days),
        )
        account_store.add_event(
            session,
            at=now,
            action="grant-given",
            actor_id=owner_id,
            subject_id=owner_id,
            detail=f"to {clinician.username}: {','.join(chosen)}",
        )
        return _view(grant, clinician.display_name, clinician.id)


def _view(grant: store.AccessGrant, other: str, other_id: uuid.UUID) -> GrantView:
    return GrantView(
        grant.id,
        other,
        other_id,
        grant.kind,
        tuple(grant.areas),
        grant.created_at,
        grant.expires_at,
        grant.revoked_at,
    )


def grants_given(db: ServerDatabase, owner_id: uuid.UUID) -> list[GrantView]:
    with acting_as(owner_id), db.session() as session:
        names = {a.id: a.display_name for a in account_store.accounts(session)}
        return [
            _view(g, names.get(g.grantee_id, "(removed)"), g.grantee_id)
            for g in store.grants_given(session, owner_id)
        ]


def revoke(
    db: ServerDatabase, owner_id: uuid.UUID, grant_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> None:
    """Revoke one's own grant; the grantee's next request sees nothing of it."""
    with acting_as(owner_id), db.session() as session:
        if store.revoke(session, grant_id, clock.now()) == 0:
            raise NotFound("no such share")
        account_store.add_event(
            session,
            at=clock.now(),
            action="grant-revoked",
            actor_id=owner_id,
            subject_id=owner_id,
            detail=str(grant_id),
        )


# --- the clinician's side ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatientRow:
    """One line of the clinician's patient list."""

    id: uuid.UUID
    name: str
    areas: tuple[str, ...]
    expires_at: datetime | None
    crisis_day: date | None
    """The latest PHQ-9 with item 9 above 0 in the last 30 days."""
    questionnaires_shared: bool


def _shares(areas: tuple[str, ...], area: str) -> bool:
    return "all" in areas or area in areas


def patients(
    db: ServerDatabase, clinician_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> list[PatientRow]:
    """The clinician's patients: everyone with an active grant to them."""
    now = clock.now()
    with acting_as(clinician_id), db.session() as session:
        received = store.grants_received(session, clinician_id, "clinician", now)
        names = {a.id: a.display_name for a in account_store.accounts(session)}
    rows: dict[uuid.UUID, PatientRow] = {}
    for grant in received:
        areas = tuple(grant.areas)
        crisis = (
            _crisis_day(db, clinician_id, grant.owner_id, now)
            if _shares(areas, "questionnaires")
            else None
        )
        rows[grant.owner_id] = PatientRow(
            grant.owner_id,
            names.get(grant.owner_id, "(unknown)"),
            areas,
            grant.expires_at,
            crisis,
            _shares(areas, "questionnaires"),
        )
    return sorted(rows.values(), key=lambda r: (r.crisis_day is None, r.name.casefold()))


def _crisis_day(
    db: ServerDatabase, clinician_id: uuid.UUID, patient_id: uuid.UUID, now: datetime
) -> date | None:
    with acting_as(clinician_id, patient_id):
        flagged = [
            a
            for a in list_administrations(db.journal, "phq9")
            if a.result.crisis and a.administered_at >= now - CRISIS_WINDOW
        ]
    return max(a.day for a in flagged) if flagged else None


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """What the clinician's page on one patient shows."""

    row: PatientRow
    weeks: list[dict[str, object]]
    mood_weeks: list[tuple[date, float, int]]
    scores: list[tuple[date, str, int | None, bool]]


def _patient_row(
    db: ServerDatabase, clinician_id: uuid.UUID, patient_id: uuid.UUID, now: datetime
) -> PatientRow:
    for row in patients(db, clinician_id, FixedClock(now)):
        if row.id == patient_id:
            return row
    raise NotFound("no such patient")


def patient_summary(
    db: ServerDatabase,
    clinician_id: uuid.UUID,
    patient_id: uuid.UUID,
    address: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> PatientSummary:
    """Trends of one patient (only through an active grant; the view is audited)."""
    now = clock.now()
    row = _patient_row(db, clinician_id, patient_id, now)
    audit(
        db,
        "viewed-patient",
        actor_id=clinician_id,
        subject_id=patient_id,
        address=address,
        clock=clock,
    )
    with acting_as(clinician_id, patient_id):
        weeks = [week_view(w) for w in sleep_stats(db.journal, weeks=8, clock=clock).weeks]
        moods = [s.entry for s in db.journal.entries.list(kind=Kind.MOOD)]
        zone = journal_zone(db.journal)
        scores = [
            (a.day, a.instrument.id, a.result.total, a.result.crisis)
            for a in list_administrations(db.journal)
        ]
    return PatientSummary(row, weeks, _mood_weeks(moods, zone, now), scores[-20:])


def _mood_weeks(
    moods: Sequence[object], tz: tzinfo, now: datetime
) -> list[tuple[date, float, int]]:
    """Mean mood per week (Monday first) over the last eight weeks."""
    today = now.astimezone(tz).date()
    start = today - timedelta(days=today.weekday() + 7 * 7)
    sums: dict[date, list[int]] = {}
    for mood in moods:
        if isinstance(mood, MoodCheckin):
            day = mood.at.astimezone(tz).date()
            if day >= start:
                week = day - timedelta(days=day.weekday())
                sums.setdefault(week, []).append(mood.mood)
    return [(w, sum(v) / len(v), len(v)) for w, v in sorted(sums.items())]


@contextmanager
def patient_journal(
    db: ServerDatabase,
    clinician_id: uuid.UUID,
    patient_id: uuid.UUID,
    action: str,
    address: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> Iterator[Journal]:
    """The patient's journal as the clinician's grant lets them read it (the view is audited).

    For the report: the block runs as the clinician looking at the patient, so every
    read inside it is filtered by PostgreSQL, and nothing can be written.
    """
    _patient_row(db, clinician_id, patient_id, clock.now())
    audit(db, action, actor_id=clinician_id, subject_id=patient_id, address=address, clock=clock)
    with acting_as(clinician_id, patient_id):
        yield db.journal
