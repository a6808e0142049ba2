"""Seeded wearable samples for the demo journal: a watch, the phone and a sleep app.

The same kind of overlapping sources a real Apple Health export holds, so the demo
shows night derivation choosing one source and counting each night once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from kratom_journal.demo.synthetic import NightPlan, SyntheticNight, generate_nights, night_like
from kratom_journal.domain.entries import Kind, SleepDiaryEntry
from kratom_journal.services.clock import system_zone_name
from kratom_journal.services.import_summary import ImportSummary
from kratom_journal.services.wearables import import_records, setting
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    Record,
    SleepSample,
    SourceRef,
    Stage,
)
from kratom_journal.store.journal import Journal

DEMO_WATCH = SourceRef(
    "apple-health",
    "Apple Watch",
    "10.1",
    "<name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.1>",
)
DEMO_PHONE = SourceRef("apple-health", "iPhone", "17.1", "<name:iPhone, manufacturer:Apple Inc.>")


def demo_wearable_records(
    first_night: date, count: int, seed: int = 7, zone: str = "America/Los_Angeles"
) -> Iterator[Record]:
    """Samples for ``count`` nights from ``first_night``: staged watch, phone in-bed, heart."""
    yield from _records(generate_nights(seed, NightPlan(first_night, count, zone=zone)))


def demo_records_for_diary(
    diary: Iterable[SleepDiaryEntry], seed: int = 7, zone: str = "America/Los_Angeles"
) -> Iterator[Record]:
    """Watch and phone samples that agree with each diary night (bed time, latency, wake)."""
    nights = [
        night_like(
            seed,
            entry.night,
            entry.zone or zone,
            entry.tried_at,
            float(entry.sol_min),
            entry.final_wake_at - entry.tried_at,
        )
        for entry in diary
    ]
    yield from _records(nights)


def _records(nights: Iterable[SyntheticNight]) -> Iterator[Record]:
    for night in nights:
        for stage, start, end in night.segments:
            yield SleepSample(DEMO_WATCH, start, end, stage)
        yield SleepSample(
            DEMO_PHONE,
            night.bed_at - timedelta(minutes=12),
            night.out_at + timedelta(minutes=9),
            Stage.IN_BED,
        )
        for moment, bpm in night.heart_rate:
            yield MetricSample(DEMO_WATCH, Metric.HEART_RATE, moment, moment, bpm)
        for moment, sdnn in night.hrv_sdnn:
            yield MetricSample(DEMO_WATCH, Metric.HRV_SDNN, moment, moment, sdnn)
        for moment, rate in night.respiratory_rate:
            yield MetricSample(DEMO_WATCH, Metric.RESPIRATORY_RATE, moment, moment, rate)


def add_demo_wearable(
    journal: Journal,
    first_night: date,
    count: int,
    seed: int = 7,
    zone: str = "America/Los_Angeles",
) -> ImportSummary:
    """Fill a (demo) journal with generated watch and phone nights, saved like an import."""
    records = demo_wearable_records(first_night, count, seed, zone)
    return import_records(journal, records, "demo", "generated")


def extend_demo_journal(journal: Journal, seed: int) -> ImportSummary:
    """Watch and phone nights matching the journal's sleep diary, saved like an import."""
    diary = [
        stored.entry
        for stored in journal.entries.list(kind=Kind.SLEEP)
        if isinstance(stored.entry, SleepDiaryEntry)
    ]
    zone = setting(journal, "timezone") or system_zone_name()
    return import_records(journal, demo_records_for_diary(diary, seed, zone), "demo", "generated")
