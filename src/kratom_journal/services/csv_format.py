"""The journal's CSV formats: one file per kind, the kind told by the header.

These headers are a public contract (documented in the README); other tools write them.
Optional trailing columns (``grams_per_capsule``, ``nap_count``, ``nap_min``, ``zone``)
are written on export so that a CSV round trip keeps every field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from kratom_journal.domain.amounts import parse_unit
from kratom_journal.domain.days import zone_or_none
from kratom_journal.domain.entries import (
    Dose,
    Entry,
    Kind,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    kind_of,
)
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.numbers import decimal_number, whole_number
from kratom_journal.domain.timeparse import (
    check_exists,
    night_time,
    parse_day,
    parse_day_or_timestamp,
)


@dataclass(frozen=True)
class CsvFormat:
    """Required and optional columns of one kind's CSV file."""

    kind: Kind
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


FORMATS: dict[Kind, CsvFormat] = {
    Kind.DOSE: CsvFormat(
        Kind.DOSE,
        ("taken_at", "substance", "amount", "unit", "form", "strain", "product", "note"),
        ("grams_per_capsule", "zone"),
    ),
    Kind.SLEEP: CsvFormat(
        Kind.SLEEP,
        (
            "night",
            "bed_at",
            "tried_at",
            "sol_min",
            "awakenings",
            "waso_min",
            "final_wake_at",
            "out_of_bed_at",
            "quality",
            "note",
        ),
        ("nap_count", "nap_min", "zone"),
    ),
    Kind.MOOD: CsvFormat(Kind.MOOD, ("at", "mood", "anxiety", "energy", "note"), ("zone",)),
    Kind.SIDE_EFFECT: CsvFormat(Kind.SIDE_EFFECT, ("at", "symptom", "severity", "note"), ("zone",)),
}

FILE_NAMES: dict[Kind, str] = {
    Kind.DOSE: "doses.csv",
    Kind.SLEEP: "sleep.csv",
    Kind.MOOD: "mood.csv",
    Kind.SIDE_EFFECT: "side_effects.csv",
}


def detect_format(header: list[str]) -> CsvFormat:
    """The format whose required columns the header has (extra known columns allowed)."""
    names = [h.strip().lower() for h in header]
    for fmt in FORMATS.values():
        if set(fmt.required) <= set(names):
            unknown = set(names) - set(fmt.columns)
            if unknown:
                raise InvalidEntry(
                    f"unknown column(s) {', '.join(sorted(unknown))} in a {fmt.kind.value} file"
                )
            return fmt
    expected = "; ".join(",".join(f.required) for f in FORMATS.values())
    raise InvalidEntry(
        f"header {','.join(names)!r} matches no journal CSV format; expected one of: {expected}"
    )


def _text(row: dict[str, str], name: str) -> str | None:
    value = row.get(name)
    return value if value not in (None, "") else None


def _int(row: dict[str, str], name: str, required: bool = True) -> int | None:
    value = _text(row, name)
    if value is None:
        if required:
            raise InvalidEntry("is empty; expected a whole number", name)
        return None
    return whole_number(value, name)


def _float(row: dict[str, str], name: str, required: bool = True) -> float | None:
    value = _text(row, name)
    if value is None:
        if required:
            raise InvalidEntry("is empty; expected a number", name)
        return None
    return decimal_number(value, name)


def _row_zone(row: dict[str, str], zone: tzinfo) -> tzinfo:
    """A row's own zone (its ``zone`` column) reads its times, else the journal's."""
    return zone_or_none((_text(row, "zone") or "").strip()) or zone


def _instant(row: dict[str, str], name: str, zone: tzinfo) -> datetime:
    value = _text(row, name)
    if value is None:
        raise InvalidEntry("is empty; expected an ISO 8601 time stamp", name)
    local = _row_zone(row, zone)
    instant = parse_day_or_timestamp(value, local, name)
    return check_exists(instant, name) if instant.tzinfo is local else instant


def dose_of_row(row: dict[str, str], zone: tzinfo) -> Dose:
    return Dose(
        taken_at=_instant(row, "taken_at", zone),
        substance=_text(row, "substance") or "kratom",
        amount=_float(row, "amount"),  # type: ignore[arg-type]
        unit=parse_unit(_text(row, "unit") or ""),
        form=_text(row, "form"),  # type: ignore[arg-type]
        strain=_text(row, "strain"),
        product=_text(row, "product"),
        grams_per_capsule=_float(row, "grams_per_capsule", required=False),
        note=_text(row, "note"),
        zone=_text(row, "zone"),
    )


def sleep_of_row(row: dict[str, str], zone: tzinfo) -> SleepDiaryEntry:
    night = parse_day(_text(row, "night") or "", "night")
    local = _row_zone(row, zone)

    def at(name: str) -> datetime:
        value = _text(row, name)
        if value is None:
            raise InvalidEntry("is empty; expected HH:MM or ISO 8601", name)
        return night_time(value, night, local, name)

    return SleepDiaryEntry(
        night=night,
        bed_at=at("bed_at"),
        tried_at=at("tried_at"),
        sol_min=_int(row, "sol_min"),  # type: ignore[arg-type]
        awakenings=_int(row, "awakenings"),  # type: ignore[arg-type]
        waso_min=_int(row, "waso_min"),  # type: ignore[arg-type]
        final_wake_at=at("final_wake_at"),
        out_of_bed_at=at("out_of_bed_at"),
        quality=_int(row, "quality"),  # type: ignore[arg-type]
        nap_count=_int(row, "nap_count", required=False),
        nap_min=_int(row, "nap_min", required=False),
        note=_text(row, "note"),
        zone=_text(row, "zone"),
    )


def mood_of_row(row: dict[str, str], zone: tzinfo) -> MoodCheckin:
    return MoodCheckin(
        at=_instant(row, "at", zone),
        mood=_int(row, "mood"),  # type: ignore[arg-type]
        anxiety=_int(row, "anxiety", required=False),
        energy=_int(row, "energy", required=False),
        note=_text(row, "note"),
        zone=_text(row, "zone"),
    )


def side_effect_of_row(row: dict[str, str], zone: tzinfo) -> SideEffect:
    return SideEffect(
        at=_instant(row, "at", zone),
        symptom=(_text(row, "symptom") or "").strip().lower(),  # type: ignore[arg-type]
        severity=_int(row, "severity"),  # type: ignore[arg-type]
        note=_text(row, "note"),
        zone=_text(row, "zone"),
    )


READERS: dict[Kind, Callable[[dict[str, str], tzinfo], Entry]] = {
    Kind.DOSE: dose_of_row,
    Kind.SLEEP: sleep_of_row,
    Kind.MOOD: mood_of_row,
    Kind.SIDE_EFFECT: side_effect_of_row,
}


def row_of_entry(entry: Entry) -> dict[str, Any]:
    """The CSV row of an entry: instants in ISO 8601 with their offset, so nothing is lost."""
    values: dict[str, Any] = {}
    for name in FORMATS[kind_of(entry)].columns:
        value = getattr(entry, name)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        values[name] = "" if value is None else value
    return values
