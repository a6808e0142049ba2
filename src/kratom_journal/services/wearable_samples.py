"""Saving wearable samples and deriving their nights, inside an import's transaction.

A sample can belong to the night of its start or of its end and to the evenings
either side (a night is dated by its evening, :func:`~kratom_journal.domain.days.night_of`);
those nights are derived again from every stored sample of their window, and only
the nights whose content changed are written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from kratom_journal.domain.days import NIGHT_STARTS, night_of, night_of_local
from kratom_journal.services.import_summary import ImportSummary
from kratom_journal.sleep.nights import derive_nights
from kratom_journal.sleep.samples import Record
from kratom_journal.store import wearable_nights as night_store
from kratom_journal.store import wearable_runs as runs
from kratom_journal.store import wearables as store
from kratom_journal.store.types import from_ms, to_ms
from kratom_journal.store.wearable_runs import StoredSample
from kratom_journal.store.wearables import SampleRow, SourceIds, StoreSession

BATCH = 5_000
"""Samples checked and inserted together (a batch of rows costs about 1 MB)."""
DERIVE_DAYS = 62
"""Nights are derived in windows of this many days so memory stays flat."""

# Nights begin at a local clock hour, so the local hour of an instant decides its night;
# caching per hour keeps the rule in one place and off the per-sample cost.
_BUCKET_MS = 3_600_000 if NIGHT_STARTS.minute == NIGHT_STARTS.second == 0 else 60_000


@lru_cache(maxsize=1 << 17)
def _night_of_bucket(bucket: int) -> int:
    return night_of(from_ms(bucket * _BUCKET_MS)).toordinal()


def night_ordinal(ms: int, offset_min: int) -> int:
    """The ordinal night of an instant stored as UTC milliseconds and its offset.

    >>> date.fromordinal(night_ordinal(1_714_604_400_000, 120))  # 2024-05-02 01:00 +02:00
    datetime.date(2024, 5, 1)
    """
    return _night_of_bucket((ms + offset_min * 60_000) // _BUCKET_MS)


def night_span(row: SampleRow) -> range:
    """Ordinal days of the nights a sample can belong to (the evening before its start's
    night to the evening after its end's night)."""
    first = night_ordinal(row["start_ms"], row["start_offset_min"])
    last = night_ordinal(row["end_ms"], row["end_offset_min"])
    return range(first - 1, last + 2)


def hour_nights(starts: Iterable[bytes]) -> set[int]:
    """Ordinal nights of ``YYYY-MM-DD HH`` local start times.

    >>> nights = hour_nights([b"2024-05-02 07", b"2024-05-02 22", b"garbage"])
    >>> [date.fromordinal(n).isoformat() for n in sorted(nights)]
    ['2024-05-01', '2024-05-02']
    """
    nights: set[int] = set()
    for text in starts:
        try:
            day = date.fromisoformat(text[:10].decode("ascii"))
            nights.add(night_of_local(day, time(int(text[11:13]))).toordinal())
        except ValueError:
            continue
    return nights


def save_records(
    session: StoreSession,
    records: Iterable[Record],
    import_id: int | None,
    summary: ImportSummary,
) -> tuple[set[int], set[int]]:
    """Insert new samples in batches.

    Returns the ordinal days of nights the new samples touch, and of nights that
    samples already in the journal belong to.
    """
    sources = SourceIds(session)
    touched: set[int] = set()
    covered: set[int] = set()
    pending: dict[tuple[int, int], SampleRow] = {}
    for record in records:
        row = store.row_of_record(record, sources.id(record.source), import_id)
        pending[(row["start_ms"], row["key"])] = row
        if len(pending) >= BATCH:
            save_rows(session, pending, summary, touched, covered)
            pending.clear()
    save_rows(session, pending, summary, touched, covered)
    return touched, covered


def save_rows(
    session: StoreSession,
    pending: dict[tuple[int, int], SampleRow],
    summary: ImportSummary,
    touched: set[int],
    covered: set[int],
    stored: tuple[int, int] | None = (-(1 << 62), 1 << 62),
) -> None:
    """Insert the rows not stored yet (by their (start, key)); count them in ``summary``;
    add the nights new rows touch to ``touched`` and those of known rows to ``covered``.

    ``stored``: the first and last start of the samples that may be stored already
    (``None``: none); rows outside it need no lookup.
    """
    if not pending:
        return
    keys = sorted(pending)
    outside = stored is None or keys[-1][0] < stored[0] or keys[0][0] > stored[1]
    known = set() if outside else store.known_sample_keys(session, keys)
    fresh = [pending[key] for key in keys if key not in known]  # in key order
    summary.unchanged += len(pending) - len(fresh)
    summary.added += len(fresh)
    store.insert_samples(session, fresh)
    for row in fresh:
        touched.update(night_span(row))
    for key in known:
        row = pending[key]
        covered.add(night_ordinal(row["start_ms"], row["start_offset_min"]))


# ------------------------------------------------------------- zone-aware saving

ZONE_SEARCH_MS = 2 * 86_400_000
"""How far (either way) the same sample read in another zone may have been stored."""

Identity = tuple[int, str, str | None, int, int, float | None, str | None]


def identity(row: SampleRow | StoredSample, wall_clock: bool) -> Identity:
    """What makes two stored samples the same sample, whatever zone they were read in.

    For wall-clock exports that is the local time written in the file (the UTC
    instant plus its offset); for UTC exports, the instant.

    >>> row = store.sample_row(1, "sleep", "deep", 3_600_000, 7_200_000, 60, 60, None, None)
    >>> moved = store.sample_row(1, "sleep", "deep", 0, 3_600_000, 120, 120, None, None)
    >>> identity(row, wall_clock=True) == identity(moved, wall_clock=True)
    True
    >>> identity(row, wall_clock=False) == identity(moved, wall_clock=False)
    False
    """
    if isinstance(row, StoredSample):
        values = (row.source_id, row.kind, row.stage, row.start_ms, row.end_ms, row.value)
        offsets, detail = (row.start_offset_min, row.end_offset_min), row.detail
    else:
        values = (
            row["source_id"],
            row["kind"],
            row["stage"],
            row["start_ms"],
            row["end_ms"],
            row["value"],
        )
        offsets, detail = (row["start_offset_min"], row["end_offset_min"]), row["detail"]
    source_id, kind, stage, start, end, value = values
    if wall_clock:
        start, end = start + offsets[0] * 60_000, end + offsets[1] * 60_000
    return (source_id, kind, stage, start, end, value, detail)


def _place(row: SampleRow | StoredSample) -> tuple[int, int, int, int]:
    if isinstance(row, StoredSample):
        return (row.start_ms, row.key, row.start_offset_min, row.end_offset_min)
    return (row["start_ms"], row["key"], row["start_offset_min"], row["end_offset_min"])


def save_zoned_records(
    session: StoreSession,
    records: Iterable[Record],
    import_id: int | None,
    summary: ImportSummary,
    *,
    wall_clock: bool,
    may_replace: Callable[[str | None], bool],
) -> tuple[set[int], set[int]]:
    """Save the records of an export whose stored instants depend on a time zone.

    A sample already stored from an earlier import in another zone is the same
    sample (see :func:`identity`): when ``may_replace`` allows it for that import's
    zone source (``option``, ``setting`` or ``system``), it is moved to the instants
    of this import (counted as updated), otherwise it is left as it is. Returns the
    ordinal nights touched and those covered, as :func:`save_records` does.
    """
    sources = SourceIds(session)
    rows: dict[tuple[int, int], SampleRow] = {}
    for record in records:
        row = store.row_of_record(record, sources.id(record.source), import_id)
        rows[(row["start_ms"], row["key"])] = row
    touched: set[int] = set()
    covered: set[int] = set()
    if not rows:
        return touched, covered
    starts = [start for start, _key in rows]
    stored = runs.source_samples(
        session,
        {row["source_id"] for row in rows.values()},
        min(starts) - ZONE_SEARCH_MS,
        max(starts) + ZONE_SEARCH_MS,
    )
    same: dict[Identity, list[StoredSample]] = defaultdict(list)
    for sample in stored:
        same[identity(sample, wall_clock)].append(sample)
    zone_from = runs.zone_sources(session, {s.import_id for s in stored if s.import_id})
    fresh: list[SampleRow] = []
    removed: list[tuple[int, int]] = []
    for row in rows.values():
        copies = same.get(identity(row, wall_clock), [])
        exact = [c for c in copies if _place(c) == _place(row)]
        others = [c for c in copies if _place(c) != _place(row)]
        if others and all(may_replace(zone_from.get(c.import_id or -1)) for c in others):
            removed.extend((c.start_ms, c.key) for c in others)
            for copy in others:
                touched.update(night_span(runs.row_of_stored(copy)))
            if not exact:
                fresh.append(row)
                summary.updated += 1
                continue
        if exact or others:
            summary.unchanged += 1
            covered.add(night_ordinal(row["start_ms"], row["start_offset_min"]))
            continue
        fresh.append(row)
        summary.added += 1
    runs.delete_samples(session, sorted(set(removed)))
    fresh.sort(key=lambda r: (r["start_ms"], r["key"]))
    for at in range(0, len(fresh), BATCH):
        store.insert_samples(session, fresh[at : at + BATCH])
    for row in fresh:
        touched.update(night_span(row))
    return touched, covered


# -------------------------------------------------------------------- nights


def derive_and_store(
    session: StoreSession,
    touched: set[int],
    priority: Sequence[str],
    summary: ImportSummary,
    covered: set[int] | None = None,
) -> None:
    """Derive the touched nights again and store what changed; count covered nights too."""
    derive_touched(session, touched, priority, summary)
    already = {date.fromordinal(o) for o in (covered or set()) - touched}
    if already:
        summary.nights_unchanged += night_store.dates_with_nights(session, sorted(already))


def derive_touched(
    session: StoreSession, touched: set[int], priority: Sequence[str], summary: ImportSummary
) -> None:
    """Derive the nights of these ordinal days from the stored samples and save changes."""
    ordinals = sorted(touched)
    for at in range(0, len(ordinals), DERIVE_DAYS):
        days = {date.fromordinal(o) for o in ordinals[at : at + DERIVE_DAYS]}
        plan_nights(session, days, priority).apply(session, summary)


@dataclass(slots=True)
class NightChanges:
    """What deriving some nights again changes: rows to add, replace and delete, and
    the counts of nights added, updated and unchanged."""

    fresh: list[night_store.NightRow] = field(default_factory=list)
    replaced: list[tuple[int, night_store.NightRow]] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def apply(self, session: StoreSession, summary: ImportSummary) -> None:
        """Write the changes in the caller's transaction and count them in ``summary``."""
        for night_id, row in self.replaced:
            night_store.replace_night(session, night_id, row)
        night_store.delete_nights(session, self.stale)
        night_store.add_nights(session, self.fresh)
        summary.nights_added += self.added
        summary.nights_updated += self.updated
        summary.nights_unchanged += self.unchanged


def plan_nights(session: StoreSession, days: set[date], priority: Sequence[str]) -> NightChanges:
    """Derive the nights of ``days`` from the stored samples; compare with the stored ones.

    Only reads: an import derives with a reading session and writes the changes in a
    short transaction (imports run one at a time, so nothing else changes samples or
    nights in between).
    """
    changes = NightChanges()
    if not days:
        return changes
    sources = SourceIds(session)
    first, last = min(days), max(days)
    # Samples of a night start at most a day before its evening or up to two after.
    window_start = datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC)
    window_end = datetime.combine(last + timedelta(days=3), datetime.min.time(), UTC)
    sleep, metrics = store.window_samples(session, sources, to_ms(window_start), to_ms(window_end))
    derived = derive_nights(sleep, metrics, priority, only=days)
    ids = sources.ids_by_ref()
    stored = night_store.stored_on(session, days)
    dates_before = {key[0] for key in stored}
    changed: set[date] = set()
    seen: set[date] = set()
    seen_keys: set[tuple[date, int]] = set()
    for night in derived:
        row = night_store.night_row(night, ids[night.source])
        seen.add(night.night)
        seen_keys.add((night.night, row["source_id"]))
        existing = stored.get((night.night, row["source_id"]))
        if existing is None:
            changes.fresh.append(row)
            changed.add(night.night)
        elif existing.content_hash != row["content_hash"]:
            changes.replaced.append((existing.id, row))
            changed.add(night.night)
    # Nights no longer derived (their samples moved to another zone or evening) go.
    stale = {key: found for key, found in stored.items() if key not in seen_keys}
    changes.stale = [found.id for found in stale.values()]
    changes.updated += len({key[0] for key in stale} - seen)
    for night_date in seen:
        if night_date not in dates_before:
            changes.added += 1
        elif night_date in changed or any(key[0] == night_date for key in stale):
            changes.updated += 1
        else:
            changes.unchanged += 1
    return changes
