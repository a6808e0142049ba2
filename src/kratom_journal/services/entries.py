"""Logging, listing and changing entries: what ``kj log``/``list``/``edit`` and the web forms do.

Every write checks the entry's dates against the journal's range, asks about a
likely slip (see :mod:`kratom_journal.services.entry_checks`) and, given an
idempotency key, happens once however often the request is repeated
(:mod:`kratom_journal.services.keyed`). A clock time alone is that time today,
or on the day given, and is never moved to another day
(:func:`~kratom_journal.domain.timeparse.parse_when`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from kratom_journal.domain.amounts import parse_amount
from kratom_journal.domain.entries import (
    Dose,
    Form,
    Kind,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Symptom,
    Unit,
)
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.timeparse import night_time, parse_day, parse_when
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.entry_checks import (
    check_dates,
    check_plausible,
    confirm_dose,
    entry_range,
)
from kratom_journal.services.entry_edits import coerce_changes, edit
from kratom_journal.services.entry_views import (
    entry_time,
    entry_view,
    summary_text,
    when_text,
)
from kratom_journal.services.keyed import keyed_write
from kratom_journal.services.settings import JournalSettings, read_settings
from kratom_journal.store.journal import (
    Journal,
    StoredEntry,
    StoreSession,
    add_entry,
    live_diary_for_night,
    set_deleted,
)

__all__ = [
    "DoseInput",
    "SleepInput",
    "build_dose",
    "build_sleep",
    "check_plausible",
    "coerce_changes",
    "delete_entry",
    "edit",
    "entry_time",
    "entry_view",
    "last_kratom_dose",
    "list_entries",
    "log_dose",
    "log_mood",
    "log_side_effect",
    "log_sleep",
    "logged_between",
    "restore_entry",
    "summary_text",
    "when_text",
]


@dataclass(frozen=True)
class DoseInput:
    """A dose as typed: ``amount`` like ``3.5g``; ``at`` like ``21:30`` or ISO 8601.

    ``day`` (``YYYY-MM-DD``) says which day a clock time is on; without it a clock
    time is today's, and a time later than now needs ``future_ok``.
    """

    amount: str
    substance: str = "kratom"
    strain: str | None = None
    form: str | None = None
    product: str | None = None
    at: str | None = None
    grams_per_capsule: float | None = None
    note: str | None = None
    day: str | None = None
    future_ok: bool = False


def _snapshot(journal: Journal, settings: JournalSettings | None) -> JournalSettings:
    return settings if settings is not None else read_settings(journal)


def _day(text: str | None, settings: JournalSettings, now: datetime) -> date | None:
    """The day a form or flag names (checked against the journal's range), or ``None``."""
    if not text or not text.strip():
        return None
    day = parse_day(text, "date")
    entry_range(settings, now).check_day(day, "date")
    return day


def _when(
    text: str | None, day: str | None, future_ok: bool, settings: JournalSettings, now: datetime
) -> datetime:
    return parse_when(
        text, settings.zone, now, _day(day, settings, now), future_ok=future_ok, field="at"
    )


def build_dose(data: DoseInput, settings: JournalSettings, now: datetime) -> Dose:
    """The dose ``data`` describes, its time read in the journal's zone as of ``now``."""
    amount, unit = parse_amount(data.amount)
    form = Form(data.form) if data.form in {f.value for f in Form} else data.form
    if unit is Unit.CAPSULE and form is None and data.substance == "kratom":
        form = Form.CAPSULE
    dose = Dose(
        taken_at=_when(data.at, data.day, data.future_ok, settings, now),
        amount=amount,
        unit=unit,
        substance=data.substance,
        form=form,  # type: ignore[arg-type]
        strain=data.strain,
        product=data.product,
        grams_per_capsule=data.grams_per_capsule,
        note=data.note,
        zone=settings.zone_name,
    )
    check_dates(dose, settings, now)
    return dose


def _add(session: StoreSession, entry: object) -> StoredEntry:
    return add_entry(session, entry)  # type: ignore[arg-type]


def log_dose(
    journal: Journal,
    data: DoseInput,
    confirmed: bool = False,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    key: str | None = None,
) -> StoredEntry:
    """Validate and store a dose; a likely slip (typo, repeat, unusual day) needs ``confirmed``."""
    snapshot = _snapshot(journal, settings)

    def prepare() -> Dose:
        dose = build_dose(data, snapshot, clock.now())
        confirm_dose(journal, dose, confirmed)
        return dose

    return keyed_write(journal, key, "dose", (data, confirmed), prepare, _add)


@dataclass(frozen=True)
class SleepInput:
    """A diary night as typed; times ``HH:MM`` (from 12:00 the evening's) or ISO 8601."""

    night: str | None
    bed_at: str
    tried_at: str
    sol_min: int
    awakenings: int
    waso_min: int
    final_wake_at: str
    out_of_bed_at: str
    quality: int
    nap_count: int | None = None
    nap_min: int | None = None
    note: str | None = None


def build_sleep(
    data: SleepInput, settings: JournalSettings, today: date, now: datetime | None = None
) -> SleepDiaryEntry:
    """The diary night ``data`` describes; without a night given, the night before ``today``."""
    zone = settings.zone
    night = parse_day(data.night, "night") if data.night else today - timedelta(days=1)
    allowed = entry_range(settings, now or datetime.combine(today, datetime.min.time(), zone))
    allowed.check_day(night, "night")
    entry = SleepDiaryEntry(
        night=night,
        bed_at=night_time(data.bed_at, night, zone, "bed_at"),
        tried_at=night_time(data.tried_at, night, zone, "tried_at"),
        sol_min=data.sol_min,
        awakenings=data.awakenings,
        waso_min=data.waso_min,
        final_wake_at=night_time(data.final_wake_at, night, zone, "final_wake_at"),
        out_of_bed_at=night_time(data.out_of_bed_at, night, zone, "out_of_bed_at"),
        quality=data.quality,
        nap_count=data.nap_count,
        nap_min=data.nap_min,
        note=data.note,
        zone=settings.zone_name,
    )
    allowed.check_entry(entry)
    return entry


def log_sleep(
    journal: Journal,
    data: SleepInput,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    key: str | None = None,
) -> StoredEntry:
    """Store a diary night; a night that already has a diary entry must be edited instead."""
    snapshot = _snapshot(journal, settings)

    def prepare() -> SleepDiaryEntry:
        return build_sleep(data, snapshot, clock.today(snapshot.zone), clock.now())

    def write(session: StoreSession, entry: SleepDiaryEntry) -> StoredEntry:
        existing = live_diary_for_night(session, entry.night)
        if existing is not None:
            raise InvalidEntry(
                f"the night of {entry.night} already has a diary entry ({existing.short_id}); "
                "change that entry instead",
                "night",
            )
        return add_entry(session, entry)

    return keyed_write(journal, key, "sleep", data, prepare, write)


def log_mood(
    journal: Journal,
    mood: int,
    anxiety: int | None = None,
    energy: int | None = None,
    at: str | None = None,
    note: str | None = None,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    day: str | None = None,
    future_ok: bool = False,
    key: str | None = None,
) -> StoredEntry:
    """Store a mood check-in (``at`` and ``day`` read as for a dose)."""
    snapshot = _snapshot(journal, settings)

    def prepare() -> MoodCheckin:
        now = clock.now()
        entry = MoodCheckin(
            at=_when(at, day, future_ok, snapshot, now),
            mood=mood,
            anxiety=anxiety,
            energy=energy,
            note=note,
            zone=snapshot.zone_name,
        )
        check_dates(entry, snapshot, now)
        return entry

    request = (mood, anxiety, energy, at, note, day, future_ok)
    return keyed_write(journal, key, "mood", request, prepare, _add)


def log_side_effect(
    journal: Journal,
    symptom: str,
    severity: int,
    at: str | None = None,
    note: str | None = None,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    day: str | None = None,
    future_ok: bool = False,
    key: str | None = None,
) -> StoredEntry:
    """Store a side effect (``at`` and ``day`` read as for a dose)."""
    snapshot = _snapshot(journal, settings)
    name = symptom.strip().casefold().replace(" ", "_").replace("-", "_")

    def prepare() -> SideEffect:
        now = clock.now()
        entry = SideEffect(
            at=_when(at, day, future_ok, snapshot, now),
            symptom=Symptom(name) if name in {s.value for s in Symptom} else name,  # type: ignore[arg-type]
            severity=severity,
            note=note,
            zone=snapshot.zone_name,
        )
        check_dates(entry, snapshot, now)
        return entry

    request = (symptom, severity, at, note, day, future_ok)
    return keyed_write(journal, key, "side-effect", request, prepare, _add)


def delete_entry(journal: Journal, entry_id: str, key: str | None = None) -> StoredEntry:
    """Delete an entry softly (restorable); a repeated request returns the first result."""
    return keyed_write(
        journal,
        key,
        "delete",
        entry_id,
        lambda: entry_id,
        lambda session, target: set_deleted(session, target, True),
    )


def restore_entry(journal: Journal, entry_id: str, key: str | None = None) -> StoredEntry:
    """Restore a deleted entry; a repeated request returns the first result."""
    return keyed_write(
        journal,
        key,
        "restore",
        entry_id,
        lambda: entry_id,
        lambda session, target: set_deleted(session, target, False),
    )


def list_entries(
    journal: Journal,
    kinds: Sequence[Kind] | None = None,
    since: str | None = None,
    until: str | None = None,
    include_deleted: bool = False,
    *,
    settings: JournalSettings | None = None,
) -> list[StoredEntry]:
    """Entries of the given kinds, oldest first; dates are read in the journal's zone."""
    zone = _snapshot(journal, settings).zone
    start = _list_day(since, "since")
    end = _list_day(until, "until")
    result: list[StoredEntry] = []
    for kind in kinds or list(Kind):
        result.extend(journal.entries.list(kind, start, end, include_deleted, tz=zone))
    return sorted(result, key=entry_time)


def _list_day(text: str | None, field: str) -> date | None:
    """A list's bound: any date a person may type (years 1 to 9998 are all fine to ask for)."""
    if not text:
        return None
    day = parse_day(text, field)
    if day.year < 2 or day.year > 9998:
        raise InvalidEntry(
            f"expected a date between 0002-01-01 and 9998-12-31, got {text!r}", field
        )
    return day


PREFILL_STEPS = (2, 14, 60)
"""How far back (days) the dose form looks for the last kratom dose (bounded work)."""


def last_kratom_dose(journal: Journal, today: date, zone: tzinfo) -> StoredEntry | None:
    """The most recent kratom dose of the last weeks (to pre-fill a form, as a convenience only).

    The search widens step by step, so the usual case (a dose in the last days)
    reads only those days.
    """
    for days in PREFILL_STEPS:
        doses = journal.entries.list(Kind.DOSE, since=today - timedelta(days=days), tz=zone)
        kratom = [d for d in doses if isinstance(d.entry, Dose) and d.entry.substance == "kratom"]
        if kratom:
            return kratom[-1]
    return None


def logged_between(
    journal: Journal, start: datetime, end: datetime, zone: tzinfo, last_night: date
) -> list[StoredEntry]:
    """Doses, moods and side effects from ``start`` to ``end``, and the diary of ``last_night``.

    In the order they happened (a diary night at its time into bed).
    """
    logged: list[StoredEntry] = []
    for kind in (Kind.DOSE, Kind.MOOD, Kind.SIDE_EFFECT):
        logged.extend(journal.entries.list(kind, since=start, until=end, tz=zone))
    with journal.session() as session:
        diary = live_diary_for_night(session, last_night)
    if diary is not None:
        logged.append(diary)
    return sorted(logged, key=entry_time)
