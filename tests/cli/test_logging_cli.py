"""The logging rules on the command line, with a stopped clock.

What is tested: ``--at`` later than now is refused unless ``--date`` or
``--yesterday`` says the day, and a saved entry prints its date; a missed day is
filled in with ``--date``; impossible dates are refused naming the option or
field; ``kj edit ID --set amount=3g`` works; ``kj list`` shows an entry recorded in
another zone at its own clock, saying so; the sleep diary asked one item at a
time re-asks only the answer that breaks a rule; ``kj init`` stores the first
run's answers and shows the country's crisis line.
What is NOT tested: the web forms (tests/web).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kratom_journal.cli.diary_prompt import diary_answers
from kratom_journal.store.journal import Journal
from tests.cli.helpers import fix_clock

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 5, 1, 21, 16, tzinfo=BERLIN)


@pytest.fixture
def at_21_16(monkeypatch: pytest.MonkeyPatch) -> None:
    fix_clock(monkeypatch, NOW)


def _doses(kj) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(kj("list", "--kind", "dose", "--json").stdout)


@pytest.mark.usefixtures("at_21_16")
def test_a_later_time_is_refused_until_the_day_is_said(kj) -> None:  # type: ignore[no-untyped-def]
    refused = kj("log", "dose", "3g", "--at", "21:30")
    assert refused.exit_code == 1
    assert "21:30 today (Wed 01 May) is in 14 minutes; nothing saved" in refused.output
    assert "--yesterday for Tue 30 Apr at 21:30, or --date 2024-05-01" in refused.output
    assert _doses(kj) == []
    yesterday = kj("log", "dose", "3g", "--at", "21:30", "--yesterday")
    assert yesterday.exit_code == 0, yesterday.output
    assert "(Tue 30 Apr 2024 21:30)" in yesterday.output  # the saved entry says its date
    today = kj("log", "dose", "2g", "--at", "21:30", "--date", "2024-05-01")
    assert today.exit_code == 0 and "(Wed 01 May 2024 21:30)" in today.output
    assert [d["taken_at"] for d in _doses(kj)] == [
        "2024-04-30T21:30:00+02:00",
        "2024-05-01T21:30:00+02:00",
    ]


@pytest.mark.usefixtures("at_21_16")
def test_a_missed_day_is_filled_in_with_its_date(kj) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ("log", "dose", "3g", "--at", "20:00", "--date", "2024-04-28"),
        ("log", "mood", "5", "--at", "19:00", "--date", "2024-04-28"),
        ("log", "side-effect", "nausea", "--at", "21:00", "--date", "2024-04-28"),
    ):
        result = kj(*args)
        assert result.exit_code == 0, result.output
        assert "Sun 28 Apr 2024" in result.output
    no_time = kj("log", "mood", "5", "--date", "2024-04-28")
    assert no_time.exit_code == 1 and "at: give the time on Sun 28 Apr 2024" in no_time.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "0001-01-01T10:00"], "taken_at: 0001-01-01 is before 1970-01-01"),
        (["--at", "1900-01-01T10:00"], "taken_at: 1900-01-01 is before 1970-01-01"),
        (["--at", "2099-05-01T21:30"], "taken_at: 2099-05-01 is more than a day from now"),
        (["--at", "10:00", "--date", "9999-12-31"], "date: 9999-12-31 is more than a day"),
        (["--at", "24:00"], "at: not a clock time: '24:00'"),
        (["--at", "2024-03-31T02:30"], "at: 02:30 does not exist on 2024-03-31"),
    ],
)
@pytest.mark.usefixtures("at_21_16")
def test_impossible_dates_are_refused_naming_the_field(kj, args, message) -> None:  # type: ignore[no-untyped-def]
    result = kj("log", "dose", "3g", *args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert _doses(kj) == []


@pytest.mark.usefixtures("at_21_16")
def test_edit_set_amount_with_its_unit(kj) -> None:  # type: ignore[no-untyped-def]
    kj("log", "dose", "2 capsules", "--grams-per-capsule", "0.5", "--at", "20:00")
    entry_id = _doses(kj)[0]["id"][:8]
    result = kj("edit", entry_id, "--set", "amount=3g")
    assert result.exit_code == 0, result.output
    assert "3 g · kratom" in result.output
    (dose,) = _doses(kj)
    assert (dose["amount"], dose["unit"]) == (3.0, "g")


@pytest.mark.usefixtures("at_21_16")
def test_list_shows_each_entry_at_its_recorded_clock(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    journal.settings.set("timezone", "America/New_York")
    kj("log", "mood", "6", "--at", "2024-04-30T22:30")
    kj("config", "set", "timezone", "europe/berlin")  # any case
    listed = kj("list").output
    assert "Tue 30 Apr 2024 22:30 New York time" in listed
    assert kj("config", "get", "timezone").output.strip() == "Europe/Berlin"


def test_the_diary_asked_item_by_item_re_asks_only_a_bad_answer() -> None:
    asked: list[str] = []
    told: list[str] = []
    typed = iter(["23:00", "22:30", "23:10", "20", "x", "2", "25", "06:40", "07:00", "9", "3"])

    def ask(question: str, default: str | None) -> str:  # noqa: ARG001 - the prompt's signature
        asked.append(question)
        return next(typed)

    answers = diary_answers({}, date(2024, 5, 1), BERLIN, ask, told.append)
    assert answers == {
        "bed_at": "23:00",
        "tried_at": "23:10",
        "sol_min": "20",
        "awakenings": "2",
        "waso_min": "25",
        "final_wake_at": "06:40",
        "out_of_bed_at": "07:00",
        "quality": "3",
    }
    assert told == [
        "time tried to sleep is before time into bed; please answer this one again.",
        "expected a whole number, got 'x'; please answer this one again.",
        "must be between 1 and 5, got 9; please answer this one again.",
    ]
    assert asked.count("What time did you try to go to sleep? (HH:MM)") == 2
    assert asked.count("What time did you get into bed? (HH:MM)") == 1


def test_a_flag_that_breaks_a_diary_rule_names_its_option(kj) -> None:  # type: ignore[no-untyped-def]
    result = kj(
        "log", "sleep", "--night", "2024-05-01", "--bed", "23:00", "--tried", "22:00",
        "--sol", "10", "--awakenings", "0", "--waso", "0", "--final-wake", "06:00",
        "--out", "06:30", "--quality", "3",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "--tried: time tried to sleep is before time into bed" in result.output


def test_init_stores_the_answers_and_shows_the_crisis_line(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    result = kj(
        "init", "--timezone", "america/chicago", "--country", "united states",
        "--region", "california", "--bed", "23:15", "--rise", "06:45", "--medicine", "xanax",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "988 Suicide & Crisis Lifeline: call 988" in result.output
    assert "dangerous with kratom" in result.output
    settings = journal.settings.all()
    assert settings["timezone"] == "America/Chicago" and settings["country"] == "US"
    assert settings["usual-bedtime"] == "23:15" and settings["first-run"] == "done"
    bad = kj("init", "--timezone", "Mars/Olympus", "--country", "US")
    assert (
        bad.exit_code == 1 and "unknown time zone" in bad.output and "nothing saved" in bad.output
    )
