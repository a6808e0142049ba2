"""Fast reads of live entries: plain SELECTs of the columns a use case needs, no ORM objects.

The analyses and the clinician report read every live entry of journals that
span years; building ORM objects for each row takes several times as long as
reading the columns. Each function reads undeleted entries only and returns
instants at the offset they were recorded with (see :mod:`kratom_journal.store.types`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import distinct, func, select

from kratom_journal.domain.entries import ENTRY_TYPES, Dose, Entry, Form, Kind, Unit
from kratom_journal.store.journal import Journal
from kratom_journal.store.tables import ENTRY_TABLES, DoseRow, MoodRow, SleepDiaryRow
from kratom_journal.store.types import with_offset
from kratom_journal.store.unreadable import (
    READ_ERRORS,
    convert_each,
    mapping_by_id,
    rows_one_by_one,
)


def live_entries(journal: Journal, kind: Kind) -> list[Entry]:
    """Every undeleted entry of one kind, in no particular order.

    The same entries as ``journal.entries.list(kind=kind)``, read from the columns:
    each instant field ``x`` is stored as ``x_utc`` plus ``x_offset_s``.
    """
    table = ENTRY_TABLES[kind.value].__table__
    cls = ENTRY_TYPES[kind]
    columns = set(table.c.keys())
    plan = [(f.name, f"{f.name}_utc" in columns) for f in dataclasses.fields(cls)]
    stmt = select(table).where(table.c.deleted_at_utc.is_(None))
    found = journal.unreadable
    with journal.reading() as session:
        try:
            rows = list(session.execute(stmt).mappings().all())
        except READ_ERRORS:
            rows = rows_one_by_one(session, table.c.id, stmt, found, mapping_by_id(table))

    def convert(row: Any) -> Entry:
        values: dict[str, Any] = {}
        for name, is_instant in plan:
            if is_instant:
                values[name] = with_offset(row[f"{name}_utc"], int(row[f"{name}_offset_s"]))
            else:
                values[name] = row[name]
        return cls(**values)

    return convert_each(rows, convert, table.name, found, lambda row: row["id"])


@dataclass(frozen=True, slots=True)
class DoseFact:
    """What a summary needs of a dose: when, in which zone, what, which form and strain."""

    taken_at: datetime
    zone: str | None
    substance: str
    form: Form | None
    strain: str | None


@dataclass(frozen=True, slots=True)
class MoodFact:
    """A mood rating and when it was given."""

    at: datetime
    zone: str | None
    mood: int


def form_of(value: str | None) -> Form | None:
    """The stored form text as a :class:`Form` (an unknown text reads as ``other``)."""
    try:
        return Form(value) if value else None
    except ValueError:
        return Form.OTHER


def dose_facts(journal: Journal, since: datetime, until: datetime) -> list[DoseFact]:
    """Live doses taken from ``since`` up to (not including) ``until``, oldest first."""
    stmt = (
        select(
            DoseRow.taken_at_utc,
            DoseRow.taken_at_offset_s,
            DoseRow.zone,
            DoseRow.substance,
            DoseRow.form,
            DoseRow.strain,
        )
        .where(DoseRow.deleted_at_utc.is_(None))
        .where(DoseRow.taken_at_utc >= since, DoseRow.taken_at_utc < until)
        .order_by(DoseRow.taken_at_utc)
    )
    with journal.reading() as session:
        rows = session.execute(stmt).all()
    return [
        DoseFact(with_offset(at, offset), zone, substance, form_of(form), strain)
        for at, offset, zone, substance, form, strain in rows
    ]


def kratom_doses(journal: Journal, until: datetime) -> list[Dose]:
    """Every live kratom dose taken before ``until``, oldest first, built from its columns."""
    stmt = (
        select(
            DoseRow.taken_at_utc,
            DoseRow.taken_at_offset_s,
            DoseRow.amount,
            DoseRow.unit,
            DoseRow.form,
            DoseRow.strain,
            DoseRow.grams_per_capsule,
            DoseRow.zone,
        )
        .where(DoseRow.deleted_at_utc.is_(None), DoseRow.substance == "kratom")
        .where(DoseRow.taken_at_utc < until)
        .order_by(DoseRow.taken_at_utc)
    )
    with journal.reading() as session:
        rows = session.execute(stmt).all()
    return [
        Dose(
            taken_at=with_offset(at, offset),
            amount=amount,
            unit=Unit(unit),
            form=form_of(form),
            strain=strain,
            grams_per_capsule=per_capsule,
            zone=zone,
        )
        for at, offset, amount, unit, form, strain, per_capsule, zone in rows
    ]


def mood_facts(journal: Journal, since: datetime, until: datetime) -> list[MoodFact]:
    """Live mood ratings given from ``since`` up to (not including) ``until``."""
    stmt = (
        select(MoodRow.at_utc, MoodRow.at_offset_s, MoodRow.zone, MoodRow.mood)
        .where(MoodRow.deleted_at_utc.is_(None))
        .where(MoodRow.at_utc >= since, MoodRow.at_utc < until)
    )
    with journal.reading() as session:
        rows = session.execute(stmt).all()
    return [MoodFact(with_offset(at, offset), zone, mood) for at, offset, zone, mood in rows]


def count_diary_nights(journal: Journal, first: date, last: date) -> int:
    """How many distinct nights from ``first`` to ``last`` have a live diary entry."""
    stmt = select(func.count(distinct(SleepDiaryRow.night))).where(
        SleepDiaryRow.deleted_at_utc.is_(None),
        SleepDiaryRow.night >= first,
        SleepDiaryRow.night <= last,
    )
    with journal.reading() as session:
        return int(session.execute(stmt).scalar_one())
