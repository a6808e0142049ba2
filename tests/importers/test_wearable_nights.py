"""Night derivation: one source per night, flattened stages, evening keys across time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kratom_journal.sleep.nights import derive_nights, flatten, parse_priority
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    SleepSample,
    SleepSummary,
    SourceRef,
    Stage,
)

WATCH = SourceRef("apple-health", "Apple Watch", "10.1", "name:Apple Watch, model:Watch")
PHONE = SourceRef("apple-health", "iPhone", "17.1", "name:iPhone")
APP = SourceRef("apple-health", "AutoSleep", "6.9")
PLUS1 = timezone(timedelta(hours=1))


def at(hour: int, minute: int = 0, day: int = 1, tz: timezone = PLUS1) -> datetime:
    return datetime(2024, 1, day, hour, minute, tzinfo=tz)


def test_flatten_known_answer():
    """In bed 22:00-06:00, light 22:30-02:00 overlapping an awake 01:00-01:10, REM 02:00-05:40.

    Flattened: in_bed 30 min, light 150 (22:30-01:00) + 50 (01:10-02:00) = 200,
    awake 10, REM 220, in_bed 20 (05:40-06:00): 480 minutes, no minute twice.
    """
    samples = [
        SleepSample(WATCH, at(22), at(6, day=2), Stage.IN_BED),
        SleepSample(WATCH, at(22, 30), at(2, day=2), Stage.LIGHT),
        SleepSample(WATCH, at(1, day=2), at(1, 10, day=2), Stage.AWAKE),
        SleepSample(WATCH, at(2, day=2), at(5, 40, day=2), Stage.REM),
    ]
    timeline = flatten(samples)
    minutes = [(s, (e - b).total_seconds() / 60) for s, b, e in timeline]
    assert minutes == [
        (Stage.IN_BED, 30),
        (Stage.LIGHT, 150),
        (Stage.AWAKE, 10),
        (Stage.LIGHT, 50),
        (Stage.REM, 220),
        (Stage.IN_BED, 20),
    ]
    (night,) = derive_nights(samples)
    assert night.night == date(2024, 1, 1)
    assert night.time_in_bed_min == 480
    assert night.total_sleep_min == 420  # 200 light + 220 REM
    assert night.sleep_onset_latency_min == 30
    assert night.waso_min == 10
    assert night.awakenings == 1
    assert night.stages is not None and night.stages.rem == 220 and night.stages.light == 200


def test_watch_beats_phone_and_app_and_user_priority_overrides():
    samples = [
        SleepSample(WATCH, at(23), at(7, day=2), Stage.LIGHT),
        SleepSample(PHONE, at(22, 30), at(7, 30, day=2), Stage.IN_BED),
        SleepSample(APP, at(23, 10), at(6, 50, day=2), Stage.ASLEEP_UNSPECIFIED),
    ]
    chosen = [n for n in derive_nights(samples) if n.chosen]
    assert [n.source for n in chosen] == [WATCH]
    chosen = [n for n in derive_nights(samples, priority=parse_priority("AutoSleep")) if n.chosen]
    assert [n.source for n in chosen] == [APP]
    assert len(derive_nights(samples)) == 3


def test_heart_rate_during_sleep_only():
    samples = [SleepSample(WATCH, at(23), at(7, day=2), Stage.LIGHT)]
    metrics = [
        MetricSample(WATCH, Metric.HEART_RATE, at(21), at(21), 90.0),
        MetricSample(WATCH, Metric.HEART_RATE, at(1, day=2), at(1, day=2), 50.0),
        MetricSample(WATCH, Metric.HEART_RATE, at(3, day=2), at(3, day=2), 60.0),
        MetricSample(WATCH, Metric.HRV_SDNN, at(3, day=2), at(3, day=2), 42.0),
    ]
    (night,) = derive_nights(samples, metrics)
    assert (night.heart_rate_mean, night.heart_rate_min, night.hrv_sdnn_mean) == (55.0, 50.0, 42.0)


def test_dst_fall_back_night_has_its_true_length_and_evening_key():
    zone = ZoneInfo("America/Los_Angeles")
    bed = datetime(2024, 11, 2, 23, 0, tzinfo=zone)
    wake = datetime(2024, 11, 3, 7, 0, tzinfo=zone)  # after the clocks went back
    (night,) = derive_nights([SleepSample(WATCH, bed, wake, Stage.LIGHT)])
    assert night.night == date(2024, 11, 2)
    assert night.time_in_bed_min == 9 * 60


def test_dst_spring_forward():
    bed = datetime(2024, 3, 9, 23, 0, tzinfo=timezone(timedelta(hours=-8)))
    wake = datetime(2024, 3, 10, 7, 0, tzinfo=timezone(timedelta(hours=-7)))
    (night,) = derive_nights([SleepSample(WATCH, bed, wake, Stage.LIGHT)])
    assert (night.night, night.time_in_bed_min) == (date(2024, 3, 9), 7 * 60)


def test_traveller_nights_land_on_local_evenings():
    """Monday night in Los Angeles, then Wednesday night in Tokyo (offsets as recorded)."""
    la, tokyo = timezone(timedelta(hours=-7)), timezone(timedelta(hours=9))
    samples = [
        SleepSample(
            WATCH,
            datetime(2024, 6, 3, 23, tzinfo=la),
            datetime(2024, 6, 4, 6, tzinfo=la),
            Stage.LIGHT,
        ),
        # 01:30-09:00 Tokyo time is still "Wednesday night" there, though it is Tuesday in UTC.
        SleepSample(
            WATCH,
            datetime(2024, 6, 6, 1, 30, tzinfo=tokyo),
            datetime(2024, 6, 6, 9, tzinfo=tokyo),
            Stage.LIGHT,
        ),
    ]
    assert [n.night for n in derive_nights(samples)] == [date(2024, 6, 3), date(2024, 6, 5)]


def test_split_night_and_nap():
    samples = [
        SleepSample(WATCH, at(23), at(2, day=2), Stage.LIGHT),
        SleepSample(WATCH, at(4, day=2), at(7, day=2), Stage.LIGHT),  # after 2 h up
        SleepSample(WATCH, at(14, day=2), at(15, day=2), Stage.LIGHT),  # afternoon nap
    ]
    (night,) = derive_nights(samples)
    assert night.night == date(2024, 1, 1)
    assert night.time_in_bed_min == 360 and night.total_sleep_min == 360


def test_summary_only_source():
    summary = SleepSummary(
        SourceRef("garmin", "Garmin"),
        at(23),
        at(7, day=2),
        ((Stage.LIGHT, 4 * 3600), (Stage.DEEP, 3600), (Stage.REM, 5400), (Stage.AWAKE, 1800)),
        awakenings=2,
    )
    (night,) = derive_nights([summary])
    assert night.total_sleep_min == 390 and night.time_in_bed_min == 480
    assert night.stages is not None and night.stages.deep == 60
    assert night.awakenings == 2 and night.sleep_onset_latency_min is None


STAGES = [Stage.IN_BED, Stage.AWAKE, Stage.LIGHT, Stage.DEEP, Stage.REM, Stage.ASLEEP_UNSPECIFIED]
SOURCES = [WATCH, PHONE, APP, SourceRef("oura", "Oura"), SourceRef("fitbit", "Fitbit")]


@st.composite
def overlapping_samples(draw: st.DrawFn) -> list[SleepSample]:
    samples = []
    base = datetime(2024, 1, 1, 20, tzinfo=UTC)
    for _ in range(draw(st.integers(1, 40))):
        start = base + timedelta(minutes=draw(st.integers(0, 60 * 40)))
        length = timedelta(minutes=draw(st.integers(0, 600)))
        offset = timezone(timedelta(hours=draw(st.integers(-10, 12))))
        samples.append(
            SleepSample(
                draw(st.sampled_from(SOURCES)),
                start.astimezone(offset),
                (start + length).astimezone(offset),
                draw(st.sampled_from(STAGES)),
            )
        )
    return samples


@settings(max_examples=150, deadline=None)
@given(overlapping_samples())
def test_total_sleep_never_exceeds_time_in_bed(samples):
    nights = derive_nights(samples)
    per_date: dict[date, int] = {}
    for night in nights:
        per_date[night.night] = per_date.get(night.night, 0) + night.chosen
        assert night.total_sleep_min is None or night.total_sleep_min <= night.time_in_bed_min
        if night.waso_min is not None and night.total_sleep_min is not None:
            assert night.waso_min + night.total_sleep_min <= night.time_in_bed_min + 0.1
        if night.stages is not None:
            staged = night.stages.light + night.stages.deep + night.stages.rem
            assert staged + night.stages.unspecified == pytest.approx(
                night.total_sleep_min, abs=0.3
            )
        # No night is longer than the union of its source's samples.
        assert night.time_in_bed_min <= 60 * 52
    assert all(count == 1 for count in per_date.values())


def test_implausibly_long_sample_is_left_out():
    samples = [
        SleepSample(WATCH, at(23), at(7, day=2), Stage.LIGHT),
        SleepSample(PHONE, at(0), at(12, day=3), Stage.IN_BED),  # 60 hours
    ]
    assert [n.source for n in derive_nights(samples)] == [WATCH]
