"""Journal entries: doses, sleep diary nights, mood check-ins and side effects.

Every instant is time-zone aware. Entries validate themselves on creation and
raise :class:`~kratom_journal.domain.errors.InvalidEntry` naming the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import TypeVar

from kratom_journal.domain.days import night_of
from kratom_journal.domain.diary_rules import (
    DIARY_LIMITS,
    DIARY_ORDER_ITEMS,
    OPTIONAL_DIARY_ITEMS,
    diary_order_problem,
)
from kratom_journal.domain.diary_rules import require_int as _require_int
from kratom_journal.domain.diary_rules import require_range as _require_range
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.limits import check_lengths
from kratom_journal.domain.strains import normalize_strain, visible_text


class Unit(StrEnum):
    """Units a dose can be logged in."""

    G = "g"
    MG = "mg"
    CAPSULE = "capsule"
    ML = "ml"
    STANDARD_DRINK = "standard_drink"
    CUP = "cup"


class Form(StrEnum):
    """Product forms; ``seven_oh`` marks concentrated 7-hydroxymitragynine products."""

    POWDER = "powder"
    CAPSULE = "capsule"
    EXTRACT = "extract"
    TEA = "tea"
    SEVEN_OH = "7-oh"
    OTHER = "other"


class Symptom(StrEnum):
    """Side effects the journal asks about by name."""

    CONSTIPATION = "constipation"
    NAUSEA = "nausea"
    ITCHING = "itching"
    SWEATING = "sweating"
    DIZZINESS = "dizziness"
    HEADACHE = "headache"
    RESTLESSNESS = "restlessness"
    LOW_APPETITE = "low_appetite"
    OTHER = "other"


_E = TypeVar("_E", bound=StrEnum)

KNOWN_SUBSTANCES: tuple[str, ...] = (
    "kratom",
    "caffeine",
    "alcohol",
    "melatonin",
    "cannabis",
    "other",
)
"""Substance names accepted as they are; medicines are written ``medication:<name>``."""


def normalize_substance(name: str) -> str:
    """Return the canonical substance name or raise :class:`InvalidEntry`.

    >>> normalize_substance(" Caffeine ")
    'caffeine'
    >>> normalize_substance("medication: Sertraline")
    'medication:sertraline'
    """
    text = " ".join(visible_text(name).casefold().split())
    if text in KNOWN_SUBSTANCES:
        return text
    for prefix in ("medication:", "other:"):
        if text.startswith(prefix):
            rest = text[len(prefix) :].strip()
            if rest:
                return prefix + rest
    expected = ", ".join(KNOWN_SUBSTANCES)
    raise InvalidEntry(
        f"unknown substance {name!r}; expected one of {expected}, "
        "'medication:<name>' or 'other:<name>'",
        "substance",
    )


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise InvalidEntry(f"must be a date and time, got {value!r}", name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidEntry("needs a time zone or UTC offset", name)


def _fix_offset(entry: object, name: str) -> None:
    """Pin an instant to its UTC offset.

    Python compares and subtracts two datetimes of the same ``ZoneInfo`` by wall
    clock, which is wrong across a DST change (a night from 23:00 to 07:00 when
    clocks go forward is 7 hours, not 8). With fixed offsets all arithmetic is on
    real instants; the zone's name is kept in the entry's ``zone`` field.
    """
    value: datetime = getattr(entry, name)
    _require_aware(value, name)
    offset = value.utcoffset() or timedelta(0)
    object.__setattr__(entry, name, value.astimezone(timezone(offset)))


def _clean_text(value: str | None, name: str = "text") -> str | None:
    """Blank text is no text; NUL characters are refused (databases cannot store them)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEntry(f"must be text, got {value!r}", name)
    if "\x00" in value:
        raise InvalidEntry("must not contain NUL characters", name)
    return value if value.strip() else None


def _clean_key(value: str | None, name: str) -> str | None:
    """A name that groups entries (strain, product): invisible characters removed."""
    text = _clean_text(value, name)
    return _clean_text(visible_text(text), name) if text is not None else None


@dataclass(frozen=True, slots=True)
class Dose:
    """One dose of kratom or another substance.

    ``grams_per_capsule`` is required for capsule doses of kratom so that the
    amount in grams is known; ``strain`` keeps the label exactly as written.
    """

    taken_at: datetime
    amount: float
    unit: Unit
    substance: str = "kratom"
    form: Form | None = None
    strain: str | None = None
    product: str | None = None
    grams_per_capsule: float | None = None
    note: str | None = None
    zone: str | None = None

    def __post_init__(self) -> None:
        check_lengths(self)
        _fix_offset(self, "taken_at")
        object.__setattr__(self, "substance", normalize_substance(self.substance))
        object.__setattr__(self, "unit", _coerce(Unit, self.unit, "unit"))
        if self.form is not None:
            object.__setattr__(self, "form", _coerce(Form, self.form, "form"))
        if not isinstance(self.amount, int | float) or isinstance(self.amount, bool):
            raise InvalidEntry("must be a number", "amount")
        if not math.isfinite(self.amount) or self.amount <= 0:
            raise InvalidEntry(f"must be a positive number, got {self.amount:g}", "amount")
        object.__setattr__(self, "amount", float(self.amount))
        if self.grams_per_capsule is not None and not (
            math.isfinite(self.grams_per_capsule) and self.grams_per_capsule > 0
        ):
            raise InvalidEntry("must be a positive number", "grams_per_capsule")
        object.__setattr__(self, "strain", _clean_key(self.strain, "strain"))
        object.__setattr__(self, "product", _clean_key(self.product, "product"))
        object.__setattr__(self, "note", _clean_text(self.note, "note"))

    @property
    def strain_key(self) -> str | None:
        """Normalized strain key used to group doses (see :func:`normalize_strain`)."""
        return normalize_strain(self.strain) if self.strain else None

    @property
    def grams(self) -> float | None:
        """Amount in grams where the unit allows it, else ``None``."""
        if self.unit is Unit.G:
            return float(self.amount)
        if self.unit is Unit.MG:
            return self.amount / 1000.0
        if self.unit is Unit.CAPSULE and self.grams_per_capsule is not None:
            return self.amount * self.grams_per_capsule
        return None

    @property
    def is_seven_oh(self) -> bool:
        """True for concentrated 7-hydroxymitragynine products."""
        return self.form is Form.SEVEN_OH


@dataclass(frozen=True, slots=True)
class SleepDiaryEntry:
    """One night of the Consensus Sleep Diary core items (Carney et al., 2012).

    ``night`` is the date of the evening the night began. Clock times are aware
    datetimes; durations are whole minutes.

    References
    ----------
    Carney CE, Buysse DJ, Ancoli-Israel S, et al. The Consensus Sleep Diary:
    standardizing prospective sleep self-monitoring. Sleep 2012;35(2):287-302.
    doi:10.5665/sleep.1642
    """

    night: date
    bed_at: datetime
    tried_at: datetime
    sol_min: int
    awakenings: int
    waso_min: int
    final_wake_at: datetime
    out_of_bed_at: datetime
    quality: int
    nap_count: int | None = None
    nap_min: int | None = None
    note: str | None = None
    zone: str | None = None

    def __post_init__(self) -> None:
        check_lengths(self)
        for name in ("bed_at", "tried_at", "final_wake_at", "out_of_bed_at"):
            _fix_offset(self, name)
        for name, (low, high) in DIARY_LIMITS.items():
            value = getattr(self, name)
            if value is not None or name not in OPTIONAL_DIARY_ITEMS:
                _require_int(value, name)
                _require_range(value, low, high, name)
        object.__setattr__(self, "note", _clean_text(self.note, "note"))
        problem = diary_order_problem({name: getattr(self, name) for name in DIARY_ORDER_ITEMS})
        if problem is not None:
            raise problem


@dataclass(frozen=True, slots=True)
class MoodCheckin:
    """A mood, anxiety and (optionally) energy rating, each 0-10."""

    at: datetime
    mood: int
    anxiety: int | None = None
    energy: int | None = None
    note: str | None = None
    zone: str | None = None

    def __post_init__(self) -> None:
        check_lengths(self)
        _fix_offset(self, "at")
        for name in ("mood", "anxiety", "energy"):
            value = getattr(self, name)
            if value is not None:
                _require_int(value, name)
                _require_range(value, 0, 10, name)
        object.__setattr__(self, "note", _clean_text(self.note, "note"))


@dataclass(frozen=True, slots=True)
class SideEffect:
    """A side effect and its severity: 0 none, 1 mild, 2 moderate, 3 severe."""

    at: datetime
    symptom: Symptom
    severity: int
    note: str | None = None
    zone: str | None = None

    def __post_init__(self) -> None:
        check_lengths(self)
        _fix_offset(self, "at")
        object.__setattr__(self, "symptom", _coerce(Symptom, self.symptom, "symptom"))
        _require_int(self.severity, "severity")
        _require_range(self.severity, 0, 3, "severity")
        object.__setattr__(self, "note", _clean_text(self.note, "note"))


Entry = Dose | SleepDiaryEntry | MoodCheckin | SideEffect
"""Any journal entry."""


class Kind(StrEnum):
    """Entry kinds, as used on the command line and in exports."""

    DOSE = "dose"
    SLEEP = "sleep"
    MOOD = "mood"
    SIDE_EFFECT = "side-effect"


ENTRY_TYPES: dict[Kind, type[Entry]] = {
    Kind.DOSE: Dose,
    Kind.SLEEP: SleepDiaryEntry,
    Kind.MOOD: MoodCheckin,
    Kind.SIDE_EFFECT: SideEffect,
}


def kind_of(entry: Entry) -> Kind:
    """Return the kind of an entry."""
    for kind, cls in ENTRY_TYPES.items():
        if isinstance(entry, cls):
            return kind
    raise TypeError(f"not a journal entry: {type(entry).__name__}")


def _coerce(enum: type[_E], value: object, name: str) -> _E:
    if isinstance(value, enum):
        return value
    try:
        return enum(str(value))
    except ValueError:
        expected = ", ".join(m.value for m in enum)
        raise InvalidEntry(f"unknown value {value!r}; expected one of {expected}", name) from None


__all__ = [
    "Dose",
    "Entry",
    "ENTRY_TYPES",
    "Form",
    "Kind",
    "MoodCheckin",
    "SideEffect",
    "SleepDiaryEntry",
    "Symptom",
    "Unit",
    "kind_of",
    "night_of",
    "normalize_substance",
]
