"""Wearable nights as the pages, the report and ``kj list --kind night`` show them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from kratom_journal.services.wearables import source_priority
from kratom_journal.sleep.nights import choose
from kratom_journal.sleep.samples import Night
from kratom_journal.store import wearable_nights as night_store
from kratom_journal.store.journal import Journal
from kratom_journal.store.types import from_ms

NIGHT_FIELDS: tuple[str, ...] = (
    "night",
    "source",
    "source_vendor",
    "source_name",
    "source_device",
    "tier",
    "bed_at",
    "out_at",
    "time_in_bed_min",
    "total_sleep_min",
    "sleep_onset_latency_min",
    "waso_min",
    "awakenings",
    "stage_min",
    "heart_rate_mean_bpm",
    "heart_rate_min_bpm",
    "hrv_sdnn_ms",
    "hrv_rmssd_ms",
    "respiratory_rate_per_min",
    "sleep_score",
    "samples",
    "other_sources",
)
"""Stable field names of :func:`list_nights` items (documented in docs/importers.md)."""


def night_dict(night: Night, others: Sequence[Night] = ()) -> dict[str, Any]:
    """A night as plain JSON-ready data with the field names of :data:`NIGHT_FIELDS`."""
    stages = night.stages
    return {
        "night": night.night.isoformat(),
        "source": night.source.label,
        "source_vendor": night.source.vendor,
        "source_name": night.source.name,
        "source_device": night.source.device,
        "tier": night.tier,
        "bed_at": night.bed_at.isoformat(),
        "out_at": night.out_at.isoformat(),
        "time_in_bed_min": night.time_in_bed_min,
        "total_sleep_min": night.total_sleep_min,
        "sleep_onset_latency_min": night.sleep_onset_latency_min,
        "waso_min": night.waso_min,
        "awakenings": night.awakenings,
        "stage_min": asdict(stages) if stages else None,
        "heart_rate_mean_bpm": night.heart_rate_mean,
        "heart_rate_min_bpm": night.heart_rate_min,
        "hrv_sdnn_ms": night.hrv_sdnn_mean,
        "hrv_rmssd_ms": night.hrv_rmssd_mean,
        "respiratory_rate_per_min": night.respiratory_rate_mean,
        "sleep_score": night.sleep_score,
        "samples": night.samples,
        "other_sources": [other.source.label for other in others],
    }


def list_nights(
    journal: Journal,
    since: date | None = None,
    until: date | None = None,
    priority: Sequence[str] | None = None,
) -> list[tuple[Night, list[Night]]]:
    """Chosen night per date (by the current priority setting) and the other sources' nights."""
    wanted = source_priority(journal) if priority is None else tuple(priority)
    with journal.session() as session:
        per_date = night_store.stored_nights(session, since, until)
    result = []
    for night_date in sorted(per_date):
        ranked = choose(per_date[night_date], wanted)
        result.append((ranked[0], ranked[1:]))
    return result


TIMELINE_STAGES = ("awake", "light", "deep", "rem", "asleep_unspecified")

Segment = tuple[datetime, datetime, str]


def stage_timeline(journal: Journal, first: date, last: date) -> dict[date, list[Segment]]:
    """Per night, the chosen source's staged sleep as (start, end, stage) segments in order.

    Samples of the one chosen source only (sources are never mixed); where that
    source's samples overlap, the later-starting one is cut to begin where the
    earlier ends, so no minute is drawn twice. Nights without stages are absent.
    """
    with journal.session() as session:
        spans = night_store.chosen_stage_spans(session, first, last, TIMELINE_STAGES)
    timeline: dict[date, list[Segment]] = {}
    for night, found in spans.items():
        segments = flatten_spans(found)
        if segments:
            timeline[night] = segments
    return timeline


def flatten_spans(spans: Sequence[night_store.StageSpan]) -> list[Segment]:
    """Spans sorted by start as disjoint segments: an overlapping span starts where the last ended.

    >>> from kratom_journal.store.wearable_nights import StageSpan
    >>> light = StageSpan(0, 3_600_000, 0, 0, "light")
    >>> deep = StageSpan(1_800_000, 5_400_000, 0, 0, "deep")
    >>> [(s.strftime("%H:%M"), e.strftime("%H:%M"), kind)
    ...  for s, e, kind in flatten_spans([light, deep])]
    [('00:00', '01:00', 'light'), ('01:00', '01:30', 'deep')]
    """
    segments: list[Segment] = []
    covered_until = -(2**62)
    for span in spans:
        begin = max(span.start_ms, covered_until)
        if span.end_ms <= begin:
            continue
        start = from_ms(begin, span.start_offset_min)
        end = from_ms(span.end_ms, span.end_offset_min)
        segments.append((start, end, span.stage))
        covered_until = span.end_ms
    return segments
