"""The logging rules every face shares, with a stopped clock.

What is tested: a clock time later than now is asked about and never moved to
yesterday, a given day takes it; a day three days ago is filled in; dates outside
1970 (or the birth date) to a day from now are refused with the field named; the
same dose again within minutes and a day far above the person's own range ask
first; an idempotency key makes a repeated request write once, also when the
two race; ``amount=3g`` edits amount and unit; an edited time keeps its own day
and zone; the PHQ-9 change needs 14 days; the crisis resources shown are stored
with the answer.
What is NOT tested: the faces' wording (tests/cli, tests/web).
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kratom_journal.domain.entries import Dose, Kind, Unit
from kratom_journal.domain.errors import ImplausibleEntry, InvalidEntry
from kratom_journal.domain.timeparse import FutureTime
from kratom_journal.instruments import parse_answer_list, shipped_instrument
from kratom_journal.services import entries, questionnaires
from kratom_journal.services.clock import FixedClock
from kratom_journal.services.settings import read_settings
from kratom_journal.store.journal import Journal, bulk_add, new_id

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 5, 1, 21, 16, tzinfo=BERLIN)
CLOCK = FixedClock(NOW)


def _dose(journal: Journal, amount: str = "3g", **kwargs: object) -> object:
    data = entries.DoseInput(amount=amount, **kwargs)  # type: ignore[arg-type]
    return entries.log_dose(journal, data, clock=CLOCK)


def test_a_later_time_today_is_asked_about_not_moved(journal: Journal) -> None:
    with pytest.raises(FutureTime) as asked:
        _dose(journal, at="21:30")
    assert "in 14 minutes" in asked.value.message
    assert journal.entries.list() == []
    today = entries.log_dose(
        journal, entries.DoseInput("3g", at="21:30", future_ok=True), clock=CLOCK
    )
    assert today.entry.taken_at == datetime(2024, 5, 1, 21, 30, tzinfo=BERLIN)  # type: ignore[union-attr]
    yesterday = entries.log_dose(
        journal,
        entries.DoseInput("2g", at="21:30", day="2024-04-30", future_ok=True),
        clock=CLOCK,
    )
    assert yesterday.entry.taken_at == datetime(2024, 4, 30, 21, 30, tzinfo=BERLIN)  # type: ignore[union-attr]


def test_a_missed_day_three_days_ago_is_filled_in(journal: Journal) -> None:
    missed = "2024-04-28"
    entries.log_dose(journal, entries.DoseInput("3g", at="20:00", day=missed), clock=CLOCK)
    entries.log_mood(journal, 5, at="19:00", day=missed, clock=CLOCK)
    entries.log_side_effect(journal, "nausea", 1, at="21:00", day=missed, clock=CLOCK)
    night = entries.SleepInput("2024-04-28", "22:30", "23:00", 15, 1, 10, "06:30", "06:45", 4)
    entries.log_sleep(journal, night, clock=CLOCK)
    days = {entries.entry_time(s).astimezone(BERLIN).date() for s in journal.entries.list()}
    assert days == {date(2024, 4, 28)}
    with pytest.raises(InvalidEntry) as no_time:
        entries.log_mood(journal, 5, day=missed, clock=CLOCK)
    assert no_time.value.field == "at"


@pytest.mark.parametrize(
    ("day", "at", "field"),
    [
        ("0001-01-01", "10:00", "date"),
        ("1900-01-01", "10:00", "date"),
        ("2099-05-01", "10:00", "date"),
        ("9999-12-31", "23:59", "date"),
        (None, "1969-12-31T23:00", "taken_at"),
        (None, "2099-05-01T21:30", "taken_at"),
        (None, "9999-12-31T23:59+00:00", "taken_at"),
        (None, "24:00", "at"),
    ],
)
def test_impossible_dates_are_refused_with_the_field_named(
    journal: Journal, day: str | None, at: str, field: str
) -> None:
    with pytest.raises(InvalidEntry) as refused:
        _dose(journal, at=at, day=day)
    assert refused.value.field == field
    assert journal.entries.list() == []


def test_the_birth_date_is_the_floor_when_given(journal: Journal) -> None:
    journal.settings.set("patient-birth-date", "1990-06-01")
    with pytest.raises(InvalidEntry, match="before your birth date"):
        _dose(journal, at="1989-05-01T10:00")
    assert _dose(journal, at="1990-06-02T10:00") is not None


def test_the_store_refuses_out_of_range_dates_on_every_path(journal: Journal) -> None:
    far = Dose(datetime(9999, 12, 31, 12, tzinfo=UTC), 3.0, Unit.G)
    with pytest.raises(InvalidEntry):
        journal.entries.add(far)
    with pytest.raises(InvalidEntry), journal.session() as session:
        bulk_add(session, [(new_id(), far)], source="test")
    assert journal.entries.list() == []


def test_the_same_dose_again_within_minutes_asks_first(journal: Journal) -> None:
    _dose(journal, "3g", strain="Red Bali")
    with pytest.raises(ImplausibleEntry) as asked:
        _dose(journal, "3g", strain="Red Bali")
    assert "Log it again?" in asked.value.message and "3 g of kratom" in asked.value.message
    entries.log_dose(journal, entries.DoseInput("3g", strain="Red Bali"), True, clock=CLOCK)
    assert len(journal.entries.list(Kind.DOSE)) == 2
    _dose(journal, "2g", strain="Red Bali")  # a different dose is not asked about


def test_a_day_far_above_the_persons_usual_range_asks_first(journal: Journal) -> None:
    usual = [
        Dose(datetime(2024, 4, 1 + i, 20, tzinfo=BERLIN), 3.0, Unit.G, zone="Europe/Berlin")
        for i in range(10)
    ]
    with journal.session() as session:
        bulk_add(session, [(new_id(), d) for d in usual], source="test")
    _dose(journal, "4g", at="08:00")
    with pytest.raises(ImplausibleEntry) as asked:
        _dose(journal, "4g", at="12:00")
    message = asked.value.message
    assert "is this a typo or a duplicate?" in message and "8 g" in message
    assert "safe" not in message and "too much" not in message


def test_a_repeated_key_writes_once_and_returns_the_first_entry(journal: Journal) -> None:
    data = entries.DoseInput("3g", strain="Red Bali")
    first = entries.log_dose(journal, data, clock=CLOCK, key="k-1")
    again = entries.log_dose(journal, data, clock=CLOCK, key="k-1")
    assert again.id == first.id and len(journal.entries.list()) == 1
    deleted = entries.delete_entry(journal, first.id, key="d-1")
    assert entries.delete_entry(journal, first.id, key="d-1").id == deleted.id


def test_twin_requests_racing_with_one_key_write_once(journal: Journal) -> None:
    data = entries.DoseInput("3g", strain="Red Bali")
    made: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            made.append(entries.log_dose(journal, data, clock=CLOCK, key="twin").id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(set(made)) == 1
    assert len(journal.entries.list()) == 1


def test_editing_the_amount_takes_its_unit(journal: Journal) -> None:
    stored = _dose(journal, "2 capsules", grams_per_capsule=0.5)
    edited = entries.edit(journal, stored.id, {"amount": "3g"}, clock=CLOCK)  # type: ignore[attr-defined]
    assert isinstance(edited.entry, Dose)
    assert (edited.entry.amount, edited.entry.unit) == (3.0, Unit.G)
    bare = entries.edit(journal, stored.id, {"amount": "2.5"}, clock=CLOCK)  # type: ignore[attr-defined]
    assert (bare.entry.amount, bare.entry.unit) == (2.5, Unit.G)  # type: ignore[union-attr]


def test_an_edited_time_keeps_its_day_and_recorded_zone(journal: Journal) -> None:
    journal.settings.set("timezone", "America/New_York")
    stored = entries.log_dose(journal, entries.DoseInput("3g", at="2024-04-20T22:30"), clock=CLOCK)
    journal.settings.set("timezone", "Europe/Berlin")
    edited = entries.edit(journal, stored.id, {"taken_at": "23:15"}, clock=CLOCK)
    taken = edited.entry.taken_at  # type: ignore[union-attr]
    local = taken.astimezone(ZoneInfo("America/New_York"))
    assert (local.date(), f"{local:%H:%M}") == (date(2024, 4, 20), "23:15")
    assert entries.when_text(edited, "Europe/Berlin") == "Sat 20 Apr 2024 23:15 New York time"


def test_phq9_change_is_only_described_fourteen_days_apart(journal: Journal) -> None:
    phq9 = shipped_instrument("phq9")
    start = datetime(2024, 5, 1, 9, tzinfo=BERLIN)
    for days, text in (
        (0, "2,2,2,2,2,2,2,2,0"),
        (7, "1,1,1,1,1,1,1,1,0"),
        (14, "1,1,1,1,1,1,1,1,0"),
    ):
        questionnaires.record_administration(
            journal, phq9, parse_answer_list(phq9, text), start + timedelta(days=days)
        )
    first, week, fortnight = questionnaires.list_administrations(journal, "phq9")
    assert first.change is None and week.change is None
    assert fortnight.change is not None and fortnight.change.previous_total == 16


def test_the_crisis_resources_shown_are_stored_with_the_answer(journal: Journal) -> None:
    phq9 = shipped_instrument("phq9")
    answers = parse_answer_list(phq9, "0,0,0,0,0,0,0,0,2")
    unset = questionnaires.record_administration(journal, phq9, answers, NOW)
    assert unset.crisis_shown is not None and unset.crisis_shown["country"] is None
    assert unset.crisis_shown["lines"] == []
    journal.settings.set("country", "US")
    settings = read_settings(journal)
    us = questionnaires.record_administration(journal, phq9, answers, NOW, settings=settings)
    assert (
        us.crisis_shown is not None and us.crisis_shown["lines"][0]["contacts"][0]["value"] == "988"
    )
    calm = questionnaires.record_administration(
        journal, phq9, parse_answer_list(phq9, "0,0,0,0,0,0,0,0,0"), NOW
    )
    assert calm.crisis_shown is None
