"""Which sessions make a night: short in-bed records and far naps never do.

Known answers for the rules in sleep/nights.py: an in-bed-only record under two
hours is not a night, alone or beside one; a short sleep far from the night's main
sleep is a nap; a split night stays whole; the vendor's score is the night's.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kratom_journal.sleep.nights import derive_nights
from kratom_journal.sleep.samples import Metric, MetricSample, SleepSample, SourceRef, Stage

PHONE = SourceRef("apple-health", "iPhone")
WATCH = SourceRef("apple-health", "Apple Watch")
PLUS1 = timezone(timedelta(hours=1))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=PLUS1)


def test_a_short_in_bed_record_alone_is_not_a_night():
    morning = SleepSample(PHONE, at(12, 7, 10), at(12, 7, 57), Stage.IN_BED)  # 47 minutes
    assert derive_nights([morning]) == []
    long_enough = SleepSample(PHONE, at(12, 1, 0), at(12, 3, 30), Stage.IN_BED)
    (night,) = derive_nights([long_enough])
    assert (night.tier, night.time_in_bed_min) == (4, 150.0)


def test_a_short_in_bed_record_beside_the_night_changes_nothing():
    night = [SleepSample(PHONE, at(11, 23), at(12, 6, 30), Stage.IN_BED),
             SleepSample(PHONE, at(11, 23, 20), at(12, 6, 10), Stage.ASLEEP_UNSPECIFIED)]  # fmt: skip
    clock = SleepSample(PHONE, at(12, 8, 40), at(12, 9, 27), Stage.IN_BED)
    assert derive_nights([*night, clock]) == derive_nights(night)


def test_a_nap_far_from_the_night_is_not_part_of_it():
    night = [SleepSample(WATCH, at(11, 23), at(12, 6), Stage.LIGHT)]
    nap = SleepSample(WATCH, at(12, 9, 30), at(12, 10, 15), Stage.LIGHT)
    assert derive_nights([*night, nap]) == derive_nights(night)
    (whole,) = derive_nights([*night, SleepSample(WATCH, at(12, 7, 30), at(12, 10), Stage.LIGHT)])
    assert whole.time_in_bed_min == 420 + 150  # up for 90 minutes, then 2.5 h more: split night


def test_the_score_of_a_night_is_found_after_it():
    night = [SleepSample(WATCH, at(11, 23), at(12, 6), Stage.LIGHT)]
    score = MetricSample(WATCH, Metric.SLEEP_SCORE, at(12, 8), at(12, 8), 83.0)
    late = MetricSample(WATCH, Metric.SLEEP_SCORE, at(12, 12), at(12, 12), 40.0)
    (found,) = derive_nights(night, [score, late])
    assert found.sleep_score == 83.0
