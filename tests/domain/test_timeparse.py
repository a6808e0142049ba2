"""Reading typed times: known answers and properties of every rule in ``domain.timeparse``.

What is tested: a clock time alone is the most recent such time (up to five
minutes ahead) and keeps the typed clock time; an empty time is now; ISO time
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
from hypothesis import assume, given
from hypothesis import strategies as st

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.timeparse import (
    FUTURE_TOLERANCE,
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
def test_a_clock_time_is_the_most_recent_such_time(
    now: datetime, zone: ZoneInfo, clock: time
) -> None:
    found = parse_when(f"{clock:%H:%M}", zone, now)
    assume(_exists(found))
    assert found.astimezone(zone).time() == clock
    assert found <= now + FUTURE_TOLERANCE
    assert found > now + FUTURE_TOLERANCE - timedelta(hours=25)


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
    found = night_time(f"{clock:%H:%M}", night, zone, "bed_at")
    expected_day = night if clock.hour >= 12 else night + timedelta(days=1)
    assert found.date() == expected_day and found.time() == clock and found.tzinfo is zone


def test_a_night_across_the_spring_dst_change_gets_each_ends_offset() -> None:
    zone = ZoneInfo("Europe/Berlin")
    bed = night_time("23:00", date(2024, 3, 30), zone, "bed_at")
    out = night_time("07:00", date(2024, 3, 30), zone, "out_of_bed_at")
    assert (bed.utcoffset(), out.utcoffset()) == (timedelta(hours=1), timedelta(hours=2))
    assert out.astimezone(UTC) - bed.astimezone(UTC) == timedelta(hours=7)


def test_the_evening_dose_logged_after_midnight_is_yesterdays() -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2024, 5, 2, 0, 30, tzinfo=zone)
    assert parse_when("21:30", zone, now) == datetime(2024, 5, 1, 21, 30, tzinfo=zone)
    assert parse_when("00:34", zone, now) == datetime(2024, 5, 2, 0, 34, tzinfo=zone)
    assert parse_when("00:36", zone, now) == datetime(2024, 5, 1, 0, 36, tzinfo=zone)


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
