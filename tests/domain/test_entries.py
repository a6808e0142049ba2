"""Domain rules: validation of each entry kind, strain keys, amounts, the noon rule.

What is tested: every refusal the CLI and imports rely on, with the field named.
What is NOT tested: storage (tests/store) and text parsing of times (tests/services).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kratom_journal.domain.amounts import implausibility, parse_amount
from kratom_journal.domain.entries import (
    Dose,
    Form,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Unit,
    night_of,
    normalize_substance,
)
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.serialize import entry_from_dict, entry_to_dict
from kratom_journal.domain.strains import normalize_strain

BERLIN = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=BERLIN)


def diary(**changes: object) -> SleepDiaryEntry:
    values: dict[str, object] = dict(
        night=date(2024, 5, 1),
        bed_at=at(22),
        tried_at=at(22, 30),
        sol_min=18,
        awakenings=2,
        waso_min=30,
        final_wake_at=at(6, 30, day=2),
        out_of_bed_at=at(6, 45, day=2),
        quality=3,
    )
    values.update(changes)
    return SleepDiaryEntry(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Red Bali ", "red-bali"),
        ("red  bali", "red-bali"),
        ("Bali Red", "red-bali"),
        ("RED-BALI", "red-bali"),
        ("Green Maeng Da", "green-maeng-da"),
        ("maeng da green", "green-maeng-da"),
        ("White Borneo", "white-borneo"),
        ("Indonesian Red", "red-indo"),
        ("House blend", "house-blend"),
        ("  ", None),
    ],
)
def test_strain_keys(label: str, key: str | None) -> None:
    assert normalize_strain(label) == key


def test_dose_keeps_label_and_normalizes_key() -> None:
    dose = Dose(taken_at=at(21, 30), amount=3.5, unit=Unit.G, strain="Red Bali ")
    assert dose.strain == "Red Bali "
    assert dose.strain_key == "red-bali"
    assert dose.grams == 3.5


def test_capsule_grams() -> None:
    dose = Dose(taken_at=at(21), amount=4, unit=Unit.CAPSULE, grams_per_capsule=0.5)
    assert dose.grams == 2.0
    assert dose.amount == 4.0 and isinstance(dose.amount, float)


@pytest.mark.parametrize("amount", [0, -1, float("nan"), float("inf")])
def test_dose_refuses_non_positive_amounts(amount: float) -> None:
    with pytest.raises(InvalidEntry) as info:
        Dose(taken_at=at(21), amount=amount, unit=Unit.G)
    assert info.value.field == "amount"


def test_dose_refuses_naive_time_and_unknown_values() -> None:
    with pytest.raises(InvalidEntry, match="time zone"):
        Dose(taken_at=datetime(2024, 5, 1, 21), amount=1, unit=Unit.G)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(InvalidEntry, match="unknown value 'lb'"):
        Dose(taken_at=at(21), amount=1, unit="lb")  # type: ignore[arg-type]
    with pytest.raises(InvalidEntry, match="unknown substance"):
        Dose(taken_at=at(21), amount=1, unit=Unit.G, substance="heroin-ish")
    with pytest.raises(InvalidEntry, match="NUL"):
        Dose(taken_at=at(21), amount=1, unit=Unit.G, note="a\x00b")


def test_substances() -> None:
    assert normalize_substance("medication: Sertraline ") == "medication:sertraline"
    assert normalize_substance("ALCOHOL") == "alcohol"
    with pytest.raises(InvalidEntry):
        normalize_substance("medication:")


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("3.5g", 3.5, Unit.G),
        ("200 mg", 200, Unit.MG),
        ("4capsules", 4, Unit.CAPSULE),
        ("2,5g", 2.5, Unit.G),
        ("1 standard drink", 1, Unit.STANDARD_DRINK),
        ("2 cups", 2, Unit.CUP),
    ],
)
def test_parse_amount(text: str, amount: float, unit: Unit) -> None:
    assert parse_amount(text) == (amount, unit)


@pytest.mark.parametrize("text", ["0g", "-2g", "abc", "3.5 pounds", "g", ""])
def test_parse_amount_refuses(text: str) -> None:
    with pytest.raises(InvalidEntry):
        parse_amount(text)


def test_implausible_amounts_are_flagged() -> None:
    assert implausibility(Dose(taken_at=at(21), amount=35, unit=Unit.G)) is not None
    assert implausibility(Dose(taken_at=at(21), amount=3.5, unit=Unit.G)) is None
    assert (
        implausibility(Dose(taken_at=at(9), amount=2000, unit=Unit.MG, substance="caffeine"))
        is not None
    )


def test_valid_diary_night_across_midnight() -> None:
    night = diary()
    assert night.night == date(2024, 5, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"out_of_bed_at": at(21, day=1)}, "out_of_bed_at"),
        ({"tried_at": at(21, 30)}, "tried_at"),
        ({"sol_min": 600}, "sol_min"),
        ({"waso_min": 500}, "waso_min"),
        ({"quality": 6}, "quality"),
        ({"sol_min": -5}, "sol_min"),
        ({"awakenings": 0}, "awakenings"),
        ({"final_wake_at": at(22, 10)}, "final_wake_at"),
    ],
)
def test_contradictory_diary_is_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidEntry) as info:
        diary(**changes)
    assert info.value.field == field


def test_mood_and_side_effect_ranges() -> None:
    MoodCheckin(at=at(20), mood=0, anxiety=10)
    with pytest.raises(InvalidEntry, match="between 0 and 10"):
        MoodCheckin(at=at(20), mood=11)
    with pytest.raises(InvalidEntry, match="whole number"):
        MoodCheckin(at=at(20), mood=5.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidEntry, match="between 0 and 3"):
        SideEffect(at=at(20), symptom="nausea", severity=4)  # type: ignore[arg-type]
    with pytest.raises(InvalidEntry, match="expected one of"):
        SideEffect(at=at(20), symptom="hiccups", severity=1)  # type: ignore[arg-type]


def test_noon_rule() -> None:
    assert night_of(datetime(2024, 3, 2, 11, 59, tzinfo=UTC)) == date(2024, 3, 1)
    assert night_of(datetime(2024, 3, 2, 12, 0, tzinfo=UTC)) == date(2024, 3, 2)


def test_serialization_round_trip_keeps_offsets() -> None:
    entries = [
        Dose(taken_at=at(21, 30), amount=3.5, unit=Unit.G, form=Form.SEVEN_OH, note="ünïcødé ✓"),
        diary(),
        MoodCheckin(at=at(20), mood=6, anxiety=3),
        SideEffect(at=at(20) + timedelta(minutes=5), symptom="nausea", severity=1),  # type: ignore[arg-type]
    ]
    for entry in entries:
        data = entry_to_dict(entry)
        assert entry_from_dict(data) == entry
        assert entry_to_dict(entry_from_dict(data)) == data


def test_from_dict_reports_bad_fields() -> None:
    with pytest.raises(InvalidEntry, match="unknown kind"):
        entry_from_dict({"kind": "dream"})
    with pytest.raises(InvalidEntry, match="no UTC offset"):
        entry_from_dict({"kind": "mood", "at": "2024-05-01T20:00:00", "mood": 5})
    with pytest.raises(InvalidEntry, match="unexpected fields"):
        entry_from_dict({"kind": "mood", "at": "2024-05-01T20:00:00+02:00", "mood": 5, "x": 1})
