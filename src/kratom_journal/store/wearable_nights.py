"""Storage of derived wearable nights, and the reads the pages and reports make of them.

A night row holds one source's night for one date and a hash of its content, so
deriving a night again only writes when something changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.orm import Session

from kratom_journal.sleep.samples import Night, StageMinutes
from kratom_journal.store.types import from_ms, offset_seconds, to_ms
from kratom_journal.store.wearable_tables import WearableNight, WearableSample
from kratom_journal.store.wearables import LOOKUP_CHUNK, SourceIds


class NightRow(TypedDict):
    """One ``wearable_night`` row (without its id)."""

    night: date
    source_id: int
    chosen: bool
    tier: int
    bed_ms: int
    bed_offset_min: int
    out_ms: int
    out_offset_min: int
    time_in_bed_min: float
    total_sleep_min: float | None
    sleep_onset_latency_min: float | None
    waso_min: float | None
    awakenings: int | None
    staged: bool
    awake_min: float | None
    light_min: float | None
    deep_min: float | None
    rem_min: float | None
    unspecified_min: float | None
    heart_rate_mean: float | None
    heart_rate_min: float | None
    hrv_sdnn_mean: float | None
    hrv_rmssd_mean: float | None
    respiratory_rate_mean: float | None
    sleep_score: float | None
    samples: int
    content_hash: str


def night_row(night: Night, source_id: int) -> NightRow:
    """The row of a derived night; ``content_hash`` covers every other column."""
    stages = night.stages
    row: NightRow = {
        "night": night.night,
        "source_id": source_id,
        "chosen": night.chosen,
        "tier": night.tier,
        "bed_ms": to_ms(night.bed_at),
        "bed_offset_min": offset_seconds(night.bed_at) // 60,
        "out_ms": to_ms(night.out_at),
        "out_offset_min": offset_seconds(night.out_at) // 60,
        "time_in_bed_min": night.time_in_bed_min,
        "total_sleep_min": night.total_sleep_min,
        "sleep_onset_latency_min": night.sleep_onset_latency_min,
        "waso_min": night.waso_min,
        "awakenings": night.awakenings,
        "staged": stages is not None,
        "awake_min": stages.awake if stages else None,
        "light_min": stages.light if stages else None,
        "deep_min": stages.deep if stages else None,
        "rem_min": stages.rem if stages else None,
        "unspecified_min": stages.unspecified if stages else None,
        "heart_rate_mean": night.heart_rate_mean,
        "heart_rate_min": night.heart_rate_min,
        "hrv_sdnn_mean": night.hrv_sdnn_mean,
        "hrv_rmssd_mean": night.hrv_rmssd_mean,
        "respiratory_rate_mean": night.respiratory_rate_mean,
        "sleep_score": night.sleep_score,
        "samples": night.samples,
        "content_hash": "",
    }
    content = {name: value for name, value in row.items() if name != "content_hash"}
    text = json.dumps(content, default=str, sort_keys=True)
    row["content_hash"] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return row


@dataclass(frozen=True, slots=True)
class StoredNight:
    """A stored night's id and content hash, by date and source."""

    id: int
    content_hash: str


def stored_on(session: Session, days: set[date]) -> dict[tuple[date, int], StoredNight]:
    """The nights stored for these dates, keyed by (date, source id)."""
    table = WearableNight.__table__
    rows = session.execute(
        select(table.c.id, table.c.night, table.c.source_id, table.c.content_hash).where(
            table.c.night.in_(sorted(days))
        )
    )
    return {(row.night, row.source_id): StoredNight(row.id, row.content_hash) for row in rows}


def add_nights(session: Session, rows: Sequence[NightRow]) -> None:
    if rows:
        # The connection, not the session: a Core executemany, no ORM bookkeeping per row.
        session.connection().execute(insert(WearableNight), list(rows))


def replace_night(session: Session, night_id: int, row: NightRow) -> None:
    statement = update(WearableNight).where(WearableNight.id == night_id).values(**row)
    session.connection().execute(statement)


def delete_nights(session: Session, night_ids: Sequence[int]) -> None:
    """Remove stored nights (ones no longer derived from the samples)."""
    ordered = sorted(night_ids)
    for at in range(0, len(ordered), LOOKUP_CHUNK):
        session.connection().execute(
            delete(WearableNight).where(WearableNight.id.in_(ordered[at : at + LOOKUP_CHUNK]))
        )


def dates_with_nights(session: Session, days: Sequence[date]) -> int:
    """How many of these dates have a stored night (of any source)."""
    table = WearableNight.__table__
    ordered = sorted(days)
    count = 0
    for at in range(0, len(ordered), LOOKUP_CHUNK):
        count += session.execute(
            select(func.count(func.distinct(table.c.night))).where(
                table.c.night.in_(ordered[at : at + LOOKUP_CHUNK])
            )
        ).scalar_one()
    return count


# ------------------------------------------------------------------- reading


def stored_nights(
    session: Session, since: date | None = None, until: date | None = None
) -> dict[date, list[Night]]:
    """Every source's stored night per date from ``since`` to ``until`` (inclusive)."""
    table = WearableNight.__table__
    query = select(table)
    if since is not None:
        query = query.where(table.c.night >= since)
    if until is not None:
        query = query.where(table.c.night <= until)
    sources = SourceIds(session)
    per_date: dict[date, list[Night]] = {}
    for row in session.execute(query.order_by(table.c.night)):
        per_date.setdefault(row.night, []).append(_night_of(row, sources))
    return per_date


def _night_of(row: Row[tuple[object, ...]], sources: SourceIds) -> Night:
    stored = row._mapping
    stages = (
        StageMinutes(
            awake=stored["awake_min"] or 0.0,
            light=stored["light_min"] or 0.0,
            deep=stored["deep_min"] or 0.0,
            rem=stored["rem_min"] or 0.0,
            unspecified=stored["unspecified_min"] or 0.0,
        )
        if stored["staged"]
        else None
    )
    return Night(
        night=stored["night"],
        source=sources.refs[stored["source_id"]],
        tier=stored["tier"],
        bed_at=from_ms(stored["bed_ms"], stored["bed_offset_min"]),
        out_at=from_ms(stored["out_ms"], stored["out_offset_min"]),
        time_in_bed_min=stored["time_in_bed_min"],
        total_sleep_min=stored["total_sleep_min"],
        sleep_onset_latency_min=stored["sleep_onset_latency_min"],
        waso_min=stored["waso_min"],
        awakenings=stored["awakenings"],
        stages=stages,
        heart_rate_mean=stored["heart_rate_mean"],
        heart_rate_min=stored["heart_rate_min"],
        hrv_sdnn_mean=stored["hrv_sdnn_mean"],
        hrv_rmssd_mean=stored["hrv_rmssd_mean"],
        respiratory_rate_mean=stored["respiratory_rate_mean"],
        sleep_score=stored["sleep_score"],
        samples=stored["samples"],
    )


@dataclass(frozen=True, slots=True)
class StageSpan:
    """A stored sleep-stage sample: UTC milliseconds and the offsets they were recorded at."""

    start_ms: int
    end_ms: int
    start_offset_min: int
    end_offset_min: int
    stage: str


HOUR_MS = 3_600_000


def chosen_stage_spans(
    session: Session, first: date, last: date, stages: Sequence[str]
) -> dict[date, list[StageSpan]]:
    """Per chosen night from ``first`` to ``last``, its source's ``stages`` samples by start.

    Samples are those of the chosen source that start between an hour before its
    bed time and its out-of-bed time.
    """
    nights = WearableNight.__table__
    samples = WearableSample.__table__
    chosen = session.execute(
        select(nights.c.night, nights.c.source_id, nights.c.bed_ms, nights.c.out_ms).where(
            nights.c.chosen.is_(True), nights.c.night.between(first, last)
        )
    ).all()
    spans: dict[date, list[StageSpan]] = {}
    for night in chosen:
        rows = session.execute(
            select(
                samples.c.start_ms,
                samples.c.end_ms,
                samples.c.start_offset_min,
                samples.c.end_offset_min,
                samples.c.stage,
            )
            .where(
                samples.c.source_id == night.source_id,
                samples.c.kind == "sleep",
                samples.c.stage.in_(stages),
                samples.c.start_ms >= night.bed_ms - HOUR_MS,
                samples.c.start_ms < night.out_ms,
            )
            .order_by(samples.c.start_ms)
        )
        spans[night.night] = [
            StageSpan(
                int(row.start_ms),
                int(row.end_ms),
                int(row.start_offset_min),
                int(row.end_offset_min),
                str(row.stage),
            )
            for row in rows
        ]
    return spans
