"""Saving an export in short transactions while it is read, so other writes never wait long.

A machine export can hold hundreds of thousands of samples. Written in one
transaction, it would hold the journal's write lock for seconds (every write from
Today or the API would wait that long); parsed first into a temporary file, it
would be read twice. Instead the samples are written as they are read, in batches
that each take about :data:`TRANSACTION_SECONDS` (the batch size follows the
measured speed of the last batch) and are written at least every
:data:`FLUSH_SECONDS`; the nights are derived afterwards with reads outside any
write transaction and written in short transactions of their own.

What a killed import leaves behind is whole batches of samples under a run marked
under way (:data:`~kratom_journal.store.wearable_batches.RUNNING`), never a night
half-derived from them: the next import of that source adopts those samples and
derives their nights, and the export is not "already imported" until its last
transaction has recorded the run. An import that stops with an error removes the
samples it wrote.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Final

from kratom_journal.services.import_summary import ImportSummary
from kratom_journal.services.wearable_samples import (
    DERIVE_DAYS,
    night_ordinal,
    plan_nights,
    save_rows,
)
from kratom_journal.sleep.samples import Record
from kratom_journal.store import wearable_batches as batches
from kratom_journal.store import wearable_nights as night_store
from kratom_journal.store import wearables as store
from kratom_journal.store.journal import Journal
from kratom_journal.store.wearables import SampleRow, SourceIds, StoreSession

TRANSACTION_SECONDS: Final = 0.15
"""What one write transaction of an import aims to take (another write waits at most that)."""
FLUSH_SECONDS: Final = 0.2
"""The longest records read wait before they are written."""
FIRST_BATCH: Final = 2_000
MIN_BATCH: Final = 200
MAX_BATCH: Final = 50_000
_CLOCK_EVERY: Final = 256
"""Records between two looks at the clock (reading it per record would cost more)."""

StartRun = Callable[[StoreSession], int]
"""Writes the import's run row in the first transaction and returns its id."""


def _scaled(size: int, took: float, low: int, high: int) -> int:
    """The size that would have taken :data:`TRANSACTION_SECONDS` at the speed just seen."""
    if took <= 0:
        return high
    return max(low, min(high, int(size * TRANSACTION_SECONDS / took)))


class BatchedImport:
    """One import's samples written in short transactions, then its nights derived."""

    def __init__(self, journal: Journal, source: str, summary: ImportSummary) -> None:
        self._journal = journal
        self._source = source
        self.start_run: StartRun | None = None
        """Writes the run row (in the first transaction); set before :meth:`save`."""
        self.summary = summary
        self.run_id: int | None = None
        self.touched: set[int] = set()
        self.covered: set[int] = set()
        self._limit = FIRST_BATCH
        self._sources: SourceIds | None = None
        self._stored: tuple[int, int] | None = None
        """First and last start of the samples stored before this import began."""
        self.transactions = 0
        self.longest = 0.0
        """Seconds of the longest write transaction so far."""

    # ------------------------------------------------------------ samples

    def save(self, records: Iterable[Record]) -> None:
        """Write ``records`` in batches as they come (in short transactions of their own)."""
        pending: list[Record] = []
        last = clock.monotonic()
        for record in records:
            pending.append(record)
            if len(pending) >= self._limit or (
                len(pending) % _CLOCK_EVERY == 0 and clock.monotonic() - last >= FLUSH_SECONDS
            ):
                self._write(pending)
                pending = []
                last = clock.monotonic()
        self._write(pending)

    def _write(self, records: list[Record]) -> None:
        if not records:
            return
        started = clock.monotonic()
        with self._journal.session() as session:
            run_id = self._run(session)
            sources = self._source_ids(session)
            pending: dict[tuple[int, int], SampleRow] = {}
            for record in records:
                row = store.row_of_record(record, sources.id(record.source), run_id)
                pending[(row["start_ms"], row["key"])] = row
            # Only samples in the stretch of time the journal held before need a lookup;
            # this import's own earlier batches do not (an export repeating a sample
            # counts it twice and stores it once).
            save_rows(session, pending, self.summary, self.touched, self.covered, self._stored)
        took = self._took(started)
        self._limit = _scaled(len(records), took, MIN_BATCH, MAX_BATCH)

    def _source_ids(self, session: StoreSession) -> SourceIds:
        if self._sources is None:
            self._sources = SourceIds(session)
        return self._sources.using(session)

    def _run(self, session: StoreSession) -> int:
        if self.run_id is None:
            self._stored = store.sample_span(session)
            assert self.start_run is not None, "start_run is set before the first write"
            self.run_id = self.start_run(session)
        return self.run_id

    def _took(self, started: float) -> float:
        took = clock.monotonic() - started
        self.transactions += 1
        self.longest = max(self.longest, took)
        return took

    def discard(self) -> None:
        """Remove what this import wrote (it stopped with an error before its nights)."""
        if self.run_id is not None:
            with self._journal.session() as session:
                batches.discard_run(session, self.run_id)
            self.run_id = None

    # ------------------------------------------------------------- nights

    def adopt_unfinished(self) -> int:
        """Take over the samples of this source's imports that never finished (killed);
        their nights are derived with this import's. Returns how many samples."""
        started = clock.monotonic()
        with self._journal.session() as session:
            run_id = self._run(session)
            unfinished = [i for i in batches.unfinished_runs(session, self._source) if i != run_id]
            spans = batches.adopt_unfinished(session, run_id, unfinished)
        self._took(started)
        for start_ms, end_ms, start_offset, end_offset in spans:
            first = night_ordinal(start_ms, start_offset)
            self.touched.update(range(first - 1, night_ordinal(end_ms, end_offset) + 2))
        return len(spans)

    def derive(self, priority: Sequence[str]) -> None:
        """Derive the touched nights: read outside any write transaction, each window's
        changes written in a short transaction."""
        ordinals = sorted(self.touched)
        for at in range(0, len(ordinals), DERIVE_DAYS):
            days = {date.fromordinal(o) for o in ordinals[at : at + DERIVE_DAYS]}
            with self._journal.reading() as reader:
                changes = plan_nights(reader, days, priority)
            started = clock.monotonic()
            with self._journal.session() as session:
                changes.apply(session, self.summary)
            self._took(started)

    def finish(self, write: Callable[[StoreSession, int], None]) -> None:
        """The last transaction: nights the export already had, then ``write`` (which
        records the run as finished)."""
        already = sorted({date.fromordinal(o) for o in self.covered - self.touched})
        started = clock.monotonic()
        with self._journal.session() as session:
            if already:
                self.summary.nights_unchanged += night_store.dates_with_nights(session, already)
            write(session, self._run(session))
        self._took(started)
