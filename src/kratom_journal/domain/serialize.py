"""Entries to and from plain JSON-ready dicts: ISO 8601 instants with their offsets.

The dict form is the journal's interchange format (JSON export, revision
snapshots, the web API). It round-trips losslessly.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any

from kratom_journal.domain.entries import ENTRY_TYPES, Entry, Kind, kind_of
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.timeparse import parse_day, parse_instant

_DATETIME_FIELDS = frozenset(
    {"taken_at", "bed_at", "tried_at", "final_wake_at", "out_of_bed_at", "at"}
)
_DATE_FIELDS = frozenset({"night"})


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """Return the entry as a dict of JSON-ready values, with its ``kind``."""
    data: dict[str, Any] = {"kind": kind_of(entry).value}
    for f in dataclasses.fields(entry):
        data[f.name] = _plain(getattr(entry, f.name))
    return data


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def entry_from_dict(data: dict[str, Any]) -> Entry:
    """Build an entry from :func:`entry_to_dict` output; raise :class:`InvalidEntry` if bad."""
    try:
        kind = Kind(data["kind"])
    except (KeyError, ValueError):
        raise InvalidEntry(f"unknown kind {data.get('kind')!r}", "kind") from None
    cls = ENTRY_TYPES[kind]
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names - {"kind"}
    if unknown:
        raise InvalidEntry(f"unexpected fields {sorted(unknown)}", "kind")
    values: dict[str, Any] = {}
    for name in names & set(data):
        values[name] = _parse_field(name, data[name])
    try:
        return cls(**values)
    except TypeError as exc:
        raise InvalidEntry(f"missing fields for {kind.value}: {exc}") from None
    except OverflowError:
        # A time at the very edge of the calendar cannot be moved to its zone or to UTC.
        instant = next((n for n in sorted(names & set(data)) if n in _DATETIME_FIELDS), None)
        raise InvalidEntry("is out of the range of dates the journal takes", instant) from None


def _parse_field(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATETIME_FIELDS:
        return parse_instant(value, name)
    if name in _DATE_FIELDS:
        return parse_day(str(value), name)
    return value
