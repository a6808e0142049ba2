"""Logging, listing and changing entries: what ``kj log``/``list``/``edit`` and the web forms do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from kratom_journal.domain.amounts import implausibility, parse_amount
from kratom_journal.domain.entries import (
    Dose,
    Entry,
    Form,
    Kind,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Symptom,
    Unit,
)
from kratom_journal.domain.errors import ImplausibleEntry, InvalidEntry
from kratom_journal.domain.serialize import entry_from_dict, entry_to_dict
from kratom_journal.domain.timeparse import night_time, parse_day, parse_when
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.settings import JournalSettings, read_settings
from kratom_journal.sleep.metrics import diary_metrics
from kratom_journal.store.journal import (
    Journal,
    StoredEntry,
    add_entry,
    live_diary_for_night,
)


def check_plausible(entry: Entry, confirmed: bool) -> None:
    """Raise :class:`ImplausibleEntry` for a likely typo unless the person confirmed it."""
    if isinstance(entry, Dose) and not confirmed:
        reason = implausibility(entry)
        if reason:
            raise ImplausibleEntry(reason, "amount")


@dataclass(frozen=True)
class DoseInput:
    """A dose as typed: ``amount`` like ``3.5g``; ``at`` like ``21:30`` or ISO 8601."""

    amount: str
    substance: str = "kratom"
    strain: str | None = None
    form: str | None = None
    product: str | None = None
    at: str | None = None
    grams_per_capsule: float | None = None
    note: str | None = None


def _snapshot(journal: Journal, settings: JournalSettings | None) -> JournalSettings:
    return settings if settings is not None else read_settings(journal)


def build_dose(data: DoseInput, settings: JournalSettings, now: datetime) -> Dose:
    """The dose ``data`` describes, its time read in the journal's zone as of ``now``."""
    zone = settings.zone
    amount, unit = parse_amount(data.amount)
    form = Form(data.form) if data.form in {f.value for f in Form} else data.form
    if unit is Unit.CAPSULE and form is None and data.substance == "kratom":
        form = Form.CAPSULE
    return Dose(
        taken_at=parse_when(data.at, zone, now),
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


def log_dose(
    journal: Journal,
    data: DoseInput,
    confirmed: bool = False,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    """Validate and store a dose; implausible amounts need ``confirmed``."""
    dose = build_dose(data, _snapshot(journal, settings), clock.now())
    check_plausible(dose, confirmed)
    return journal.entries.add(dose)


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


def build_sleep(data: SleepInput, settings: JournalSettings, today: date) -> SleepDiaryEntry:
    """The diary night ``data`` describes; without a night given, the night before ``today``."""
    zone = settings.zone
    night = parse_day(data.night, "night") if data.night else today - timedelta(days=1)
    return SleepDiaryEntry(
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


def log_sleep(
    journal: Journal,
    data: SleepInput,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    """Store a diary night; a night that already has a diary entry must be edited instead."""
    snapshot = _snapshot(journal, settings)
    entry = build_sleep(data, snapshot, clock.today(snapshot.zone))
    with journal.session() as session:
        existing = live_diary_for_night(session, entry.night)
        if existing is not None:
            raise InvalidEntry(
                f"the night of {entry.night} already has a diary entry ({existing.short_id}); "
                f"change it with: kj edit {existing.short_id}",
                "night",
            )
        return add_entry(session, entry)


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
) -> StoredEntry:
    snapshot = _snapshot(journal, settings)
    entry = MoodCheckin(
        at=parse_when(at, snapshot.zone, clock.now()),
        mood=mood,
        anxiety=anxiety,
        energy=energy,
        note=note,
        zone=snapshot.zone_name,
    )
    return journal.entries.add(entry)


def log_side_effect(
    journal: Journal,
    symptom: str,
    severity: int,
    at: str | None = None,
    note: str | None = None,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    snapshot = _snapshot(journal, settings)
    key = symptom.strip().casefold().replace(" ", "_").replace("-", "_")
    entry = SideEffect(
        at=parse_when(at, snapshot.zone, clock.now()),
        symptom=Symptom(key) if key in {s.value for s in Symptom} else key,  # type: ignore[arg-type]
        severity=severity,
        note=note,
        zone=snapshot.zone_name,
    )
    return journal.entries.add(entry)


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
    start = parse_day(since, "since") if since else None
    end = parse_day(until, "until") if until else None
    result: list[StoredEntry] = []
    for kind in kinds or list(Kind):
        result.extend(journal.entries.list(kind, start, end, include_deleted, tz=zone))
    return sorted(result, key=_sort_time)


def _sort_time(stored: StoredEntry) -> datetime:
    entry = stored.entry
    if isinstance(entry, Dose):
        return entry.taken_at
    if isinstance(entry, SleepDiaryEntry):
        return entry.bed_at
    return entry.at


def coerce_changes(
    stored: StoredEntry, raw: Mapping[str, str], zone: tzinfo, now: datetime
) -> dict[str, Any]:
    """Turn ``field=value`` text from the CLI or a form into typed changes for :func:`edit`."""
    entry = stored.entry
    changes: dict[str, Any] = {}
    for name, text in raw.items():
        if not hasattr(entry, name) or name == "kind":
            raise InvalidEntry(f"{stored.kind.value} has no field {name!r}", name)
        current = getattr(entry, name)
        changes[name] = _coerce_text(entry, name, text, current, zone, now)
    return changes


def _coerce_text(
    entry: Entry, name: str, text: str, current: Any, zone: tzinfo, now: datetime
) -> Any:
    if text == "" and name in {
        "note",
        "strain",
        "product",
        "form",
        "anxiety",
        "energy",
        "nap_count",
        "nap_min",
        "grams_per_capsule",
    }:
        return None
    if isinstance(current, datetime) or name in {
        "taken_at",
        "at",
        "bed_at",
        "tried_at",
        "final_wake_at",
        "out_of_bed_at",
    }:
        if isinstance(entry, SleepDiaryEntry):
            return night_time(text, entry.night, zone, name).isoformat()
        return parse_when(text, zone, now).isoformat()
    if name == "night":
        return parse_day(text, "night").isoformat()
    if name in {"amount", "grams_per_capsule"}:
        return _number(text, name, float)
    if name in {
        "sol_min",
        "waso_min",
        "awakenings",
        "quality",
        "mood",
        "anxiety",
        "energy",
        "severity",
        "nap_count",
        "nap_min",
    }:
        return _number(text, name, int)
    return text


def _number(text: str, name: str, kind: type) -> Any:
    try:
        return kind(text.replace(",", ".") if kind is float else text)
    except ValueError:
        raise InvalidEntry(f"expected a number, got {text!r}", name) from None


def edit(
    journal: Journal,
    entry_id: str,
    raw: Mapping[str, str],
    confirmed: bool = False,
    *,
    settings: JournalSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredEntry:
    """Change fields of an entry; the previous version stays in its history."""
    stored = journal.entries.get(entry_id)
    changes = coerce_changes(stored, raw, _snapshot(journal, settings).zone, clock.now())
    candidate = entry_from_dict({**entry_to_dict(stored.entry), **changes})
    check_plausible(candidate, confirmed)
    return journal.entries.edit(stored.id, changes)


def entry_view(stored: StoredEntry) -> dict[str, Any]:
    """A listed entry as JSON-ready values: identity, state and the entry's own fields."""
    view: dict[str, Any] = {
        "id": stored.id,
        "kind": stored.kind.value,
        "version": stored.version,
        "created_at": stored.created_at.isoformat(),
        "updated_at": stored.updated_at.isoformat(),
        "deleted_at": stored.deleted_at.isoformat() if stored.deleted_at else None,
        "source": stored.source,
    }
    view.update({k: v for k, v in entry_to_dict(stored.entry).items() if k != "kind"})
    if isinstance(stored.entry, Dose):
        view["strain_key"] = stored.entry.strain_key
        view["grams"] = stored.entry.grams
    if isinstance(stored.entry, SleepDiaryEntry):
        # Derived Consensus Sleep Diary metrics beside the diary items (docs/instruments.md).
        view["metrics"] = diary_metrics(stored.entry)
    return view


def summary_text(stored: StoredEntry) -> str:
    """One short human line describing an entry (used in tables and confirmations)."""
    entry = stored.entry
    if isinstance(entry, Dose):
        parts = [f"{entry.amount:g} {entry.unit.value}", entry.substance]
        parts += [
            p for p in (entry.strain, entry.form.value if entry.form else None, entry.product) if p
        ]
        return " · ".join(parts)
    if isinstance(entry, SleepDiaryEntry):
        return (
            f"night {entry.night}: in bed {entry.bed_at:%H:%M}, up {entry.out_of_bed_at:%H:%M},"
            f" SOL {entry.sol_min} min, WASO {entry.waso_min} min, quality {entry.quality}/5"
        )
    if isinstance(entry, MoodCheckin):
        extra = "".join(
            f", {name} {value}/10"
            for name, value in (("anxiety", entry.anxiety), ("energy", entry.energy))
            if value is not None
        )
        return f"mood {entry.mood}/10{extra}"
    return f"{entry.symptom.value.replace('_', ' ')}, severity {entry.severity}/3"


def entry_time(stored: StoredEntry) -> datetime:
    """The instant an entry is listed at."""
    return _sort_time(stored)


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
