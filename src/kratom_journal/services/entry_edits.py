"""Changing an entry from ``field=value`` text (``kj edit --set``, the edit form, the API).

Times are read on the clock the entry was recorded with (its own zone), so
changing the journal's zone later never shifts what an edit means; a clock time
alone keeps the entry's own day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from kratom_journal.domain.amounts import parse_amount, parse_unit
from kratom_journal.domain.days import local_time, zone_or_none
from kratom_journal.domain.entries import Dose, Entry, SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.serialize import entry_from_dict, entry_to_dict
from kratom_journal.domain.timeparse import night_time, parse_day, parse_when
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.entry_checks import check_dates, check_plausible
from kratom_journal.services.settings import JournalSettings, read_settings
from kratom_journal.store.journal import Journal, StoredEntry

INSTANT_FIELDS = frozenset(
    {"taken_at", "at", "bed_at", "tried_at", "final_wake_at", "out_of_bed_at"}
)
CLEARABLE_FIELDS = frozenset(
    {
        "note",
        "strain",
        "product",
        "form",
        "anxiety",
        "energy",
        "nap_count",
        "nap_min",
        "grams_per_capsule",
    }
)
WHOLE_NUMBER_FIELDS = frozenset(
    {
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
    }
)


def entry_zone(entry: Entry, fallback: tzinfo) -> tzinfo:
    """The zone an entry was recorded in (the journal's for an entry without one)."""
    return zone_or_none(entry.zone) or fallback


def coerce_changes(
    stored: StoredEntry, raw: Mapping[str, str], zone: tzinfo, now: datetime
) -> dict[str, Any]:
    """Turn ``field=value`` text from the CLI or a form into typed changes for :func:`edit`.

    ``amount`` takes a unit too (``amount=3g``, ``amount=2 capsules``); a bare
    number keeps the entry's unit.
    """
    entry = stored.entry
    changes: dict[str, Any] = {}
    for name, text in raw.items():
        if not hasattr(entry, name) or name == "kind":
            raise InvalidEntry(f"a {stored.kind.value} has no field {name!r}", name)
        if name == "amount" and isinstance(entry, Dose):
            amount, unit = parse_amount(text, entry.unit)
            changes["amount"] = amount
            if "unit" not in raw and unit is not entry.unit:
                changes["unit"] = unit.value
            continue
        changes[name] = _coerce_text(entry, name, text.strip(), entry_zone(entry, zone), now)
    return changes


def _coerce_text(entry: Entry, name: str, text: str, zone: tzinfo, now: datetime) -> Any:
    if text == "" and name in CLEARABLE_FIELDS:
        return None
    if name in INSTANT_FIELDS:
        if isinstance(entry, SleepDiaryEntry):
            return night_time(text, entry.night, zone, name).isoformat()
        current: datetime = getattr(entry, name)
        own_day = local_time(current, zone).date()
        return parse_when(text, zone, now, own_day, field=name).isoformat()
    if name == "night":
        return parse_day(text, "night").isoformat()
    if name == "unit":
        return parse_unit(text).value
    if name in {"amount", "grams_per_capsule"}:
        return _number(text, name, float)
    if name in WHOLE_NUMBER_FIELDS:
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
    snapshot = settings if settings is not None else read_settings(journal)
    stored = journal.entries.get(entry_id)
    now = clock.now()
    changes = coerce_changes(stored, raw, snapshot.zone, now)
    candidate = entry_from_dict({**entry_to_dict(stored.entry), **changes})
    check_dates(candidate, snapshot, now)
    check_plausible(candidate, confirmed)
    return journal.entries.edit(stored.id, changes)
