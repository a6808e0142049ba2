"""Reading typed times: known answers and properties of every rule in ``domain.timeparse``.

What is tested: a clock time alone is that time today, never moved to another
day: later than now (beyond five minutes) it raises ``FutureTime`` unless a day is
given or "today" is confirmed; times a DST change skips are refused; zone names are
read in any letter case; an empty time is now; ISO time
stamps round-trip and get the journal's zone only when they have none; diary
times from 12:00 belong to the evening, earlier ones to the next morning, across
DST changes; dates round-trip; any text fails only with a field-named
``InvalidEntry``.
What is NOT tested: where the faces call these (tests/services, tests/web, tests/cli).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.timeparse import (
    FUTURE_TOLERANCE,
    FutureTime,
    night_time,
    parse_clock,
    parse_day,
    parse_day_or_timestamp,
    parse_timestamp,
    parse_when,
    parse_zone,
)

ZONES = st.sampled_from(
    [
        ZoneInfo("UTC"),
        ZoneInfo("Europe/Berlin"),
        ZoneInfo("America/New_York"),
        ZoneInfo("Australia/Lord_Howe"),
        ZoneInfo("Pacific/Chatham"),
        timezone(timedelta(hours=-9, minutes=-30)),
    ]
)
NOWS = st.datetimes(
    min_value=datetime(2000, 1, 2),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2090, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)
CLOCKS = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def _exists(local: datetime) -> bool:
    """False for a wall time that a DST change skips (it does not round-trip)."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


@given(now=NOWS, zone=ZONES, clock=CLOCKS)
def test_a_clock_time_is_today_or_a_question_never_another_day(
    now: datetime, zone: ZoneInfo, clock: time
) -> None:
    # Formerly a later clock time was silently taken as yesterday's; that was the bug.
    today = now.astimezone(zone).date()
    try:
        found = parse_when(f"{clock:%H:%M}", zone, now)
    except FutureTime as asked:
        assert asked.field == "at"
        assert asked.instant > now + FUTURE_TOLERANCE
        assert asked.instant.date() == today and asked.instant.time() == clock
        assert asked.yesterday.date() == today - timedelta(days=1)
        confirmed = parse_when(f"{clock:%H:%M}", zone, now, future_ok=True)
        assert confirmed == asked.instant
        return
    except InvalidEntry as refused:  # only a time the DST change skips
        assert refused.field == "at" and "does not exist" in refused.message
        return
    assert found.date() == today and found.time() == clock
    assert found <= now + FUTURE_TOLERANCE


@given(now=NOWS, zone=ZONES, clock=CLOCKS, back=st.integers(0, 400))
def test_a_clock_time_on_a_given_day_is_on_that_day(
    now: datetime, zone: ZoneInfo, clock: time, back: int
) -> None:
    day = now.astimezone(zone).date() - timedelta(days=back)
    try:
        found = parse_when(f"{clock:%H:%M}", zone, now, day)
    except InvalidEntry as refused:
        assert refused.field == "at" and "does not exist" in refused.message
        return
    assert (found.date(), found.time()) == (day, clock)


@given(now=NOWS, zone=ZONES, blank=st.sampled_from([None, "", "  "]))
def test_no_time_means_now(now: datetime, zone: ZoneInfo, blank: str | None) -> None:
    assert parse_when(blank, zone, now) == now


@given(instant=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=5))])))
def test_timestamps_with_an_offset_round_trip(instant: datetime) -> None:
    assert parse_timestamp(instant.isoformat(), ZoneInfo("Asia/Tokyo"), "at") == instant
    assert parse_when(instant.isoformat(), ZoneInfo("Asia/Tokyo"), instant) == instant


@given(local=st.datetimes(min_value=datetime(1900, 1, 1)), zone=ZONES)  # noqa: DTZ001
def test_timestamps_without_an_offset_are_read_in_the_zone(local: datetime, zone: ZoneInfo) -> None:
    found = parse_timestamp(local.isoformat(), zone, "at")
    assert found.tzinfo is zone and found.replace(tzinfo=None) == local


@given(night=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), clock=CLOCKS)
def test_diary_times_belong_to_the_evening_or_the_next_morning(night: date, clock: time) -> None:
    zone = ZoneInfo("Europe/Berlin")
    expected_day = night if clock.hour >= 12 else night + timedelta(days=1)
    try:
        found = night_time(f"{clock:%H:%M}", night, zone, "bed_at")
    except InvalidEntry as refused:
        # A time inside the spring-forward gap never appears on a clock.
        assert "does not exist" in refused.message
        assert clock.hour == 2 and (expected_day.month, expected_day.weekday()) == (3, 6)
        return
    assert found.date() == expected_day and found.time() == clock and found.tzinfo is zone


def test_a_night_across_the_spring_dst_change_gets_each_ends_offset() -> None:
    zone = ZoneInfo("Europe/Berlin")
    bed = night_time("23:00", date(2024, 3, 30), zone, "bed_at")
    out = night_time("07:00", date(2024, 3, 30), zone, "out_of_bed_at")
    assert (bed.utcoffset(), out.utcoffset()) == (timedelta(hours=1), timedelta(hours=2))
    assert out.astimezone(UTC) - bed.astimezone(UTC) == timedelta(hours=7)


def test_the_evening_dose_logged_after_midnight_needs_its_day() -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2024, 5, 2, 0, 30, tzinfo=zone)
    with pytest.raises(FutureTime) as asked:
        parse_when("21:30", zone, now)
    assert asked.value.message == "21:30 today (Thu 02 May) is in 21 hours"
    assert asked.value.yesterday == datetime(2024, 5, 1, 21, 30, tzinfo=zone)
    assert parse_when("21:30", zone, now, date(2024, 5, 1)) == datetime(
        2024, 5, 1, 21, 30, tzinfo=zone
    )
    assert parse_when("00:34", zone, now) == datetime(2024, 5, 2, 0, 34, tzinfo=zone)


def test_a_dose_at_a_later_time_today_says_how_far_ahead() -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2024, 5, 1, 21, 16, tzinfo=zone)
    with pytest.raises(FutureTime) as asked:
        parse_when("21:30", zone, now)
    assert "in 14 minutes" in asked.value.message


@pytest.mark.parametrize("text", ["02:30", "2024-03-31T02:30", "2024-03-31 02:00"])
def test_a_time_the_spring_change_skips_is_refused(text: str) -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2024, 3, 31, 12, tzinfo=zone)
    with pytest.raises(InvalidEntry) as refused:
        parse_when(text, zone, now, date(2024, 3, 31))
    assert refused.value.field == "at" and "does not exist" in refused.value.message
    with pytest.raises(InvalidEntry) as diary:
        night_time("02:30", date(2024, 3, 30), zone, "final_wake_at")
    assert diary.value.field == "final_wake_at"


def test_a_repeated_autumn_time_is_the_first_of_the_two() -> None:
    zone = ZoneInfo("Europe/Berlin")
    found = night_time("02:30", date(2024, 10, 26), zone, "final_wake_at")
    assert found.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("name", ["europe/berlin", "EUROPE/BERLIN", " Europe/Berlin "])
def test_zone_names_are_read_in_any_case(name: str) -> None:
    assert parse_zone(name).key == "Europe/Berlin"


@given(day=st.dates())
def test_dates_round_trip(day: date) -> None:
    assert parse_day(day.isoformat()) == day
    noon = parse_day_or_timestamp(day.isoformat(), UTC, "taken_at")
    assert noon == datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@given(text=st.text(max_size=30))
def test_any_text_fails_only_with_a_named_error(text: str) -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    for parse in (
        lambda: parse_when(text, zone, now),
        lambda: night_time(text, date(2024, 5, 1), zone, "bed_at"),
        lambda: parse_day(text, "night"),
        lambda: parse_zone(text),
        lambda: parse_clock(text),
    ):
        try:
            parse()
        except InvalidEntry as exc:
            assert exc.field and exc.message


@pytest.mark.parametrize("text", ["24:00", "12:60", "99:99"])
def test_out_of_range_clock_times_name_the_field(text: str) -> None:
    with pytest.raises(InvalidEntry) as caught:
        night_time(text, date(2024, 5, 1), UTC, "final_wake_at")
    assert caught.value.field == "final_wake_at"
