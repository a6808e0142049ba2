"""Storage behind imports written in batches: runs that are under way, and finishing or
undoing what a run wrote.

A large export is saved in many short transactions, so that other writes never
wait long for the journal. Its run row is written with the first batch and marked
under way (:data:`RUNNING`) until the import's last transaction records what it did.
A run that never finished (the process was killed) left whole batches of samples
and no nights for them; the next import of that source adopts those samples and
derives their nights (:func:`adopt_unfinished`). An import that stops with an error
removes what it wrote (:func:`discard_run`). Every function takes the session of
the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kratom_journal.store.wearable_tables import WearableImport, WearableSample

if TYPE_CHECKING:
    from kratom_journal.store.journal import Journal

RUNNING: Final = -1
"""``records_read`` of a run whose batches are still being written."""

SampleSpan = tuple[int, int, int, int]
"""A sample's start and end (UTC milliseconds) and their offsets (minutes)."""


def unfinished_runs(session: Session, source: str) -> list[int]:
    """Ids of runs from ``source`` that were started and never finished."""
    rows = session.execute(
        select(WearableImport.id).where(
            WearableImport.source == source, WearableImport.records_read == RUNNING
        )
    )
    return [int(run_id) for (run_id,) in rows]


def adopt_unfinished(session: Session, run_id: int, unfinished: Sequence[int]) -> list[SampleSpan]:
    """Move the samples of unfinished runs to ``run_id`` and remove those runs.

    Returns the spans of the adopted samples, whose nights the caller derives.
    """
    if not unfinished:
        return []
    table = WearableSample.__table__
    owned = table.c.import_id.in_(list(unfinished))
    spans = [
        (int(start), int(end), int(start_offset), int(end_offset))
        for start, end, start_offset, end_offset in session.execute(
            select(
                table.c.start_ms, table.c.end_ms, table.c.start_offset_min, table.c.end_offset_min
            ).where(owned)
        )
    ]
    session.execute(update(WearableSample).where(owned).values(import_id=run_id))
    session.execute(delete(WearableImport).where(WearableImport.id.in_(list(unfinished))))
    return spans


def discard_run(session: Session, run_id: int) -> None:
    """Remove a run and every sample it added (an import that stopped with an error)."""
    session.execute(delete(WearableSample).where(WearableSample.import_id == run_id))
    session.execute(delete(WearableImport).where(WearableImport.id == run_id))


@contextmanager
def connection_held(journal: Journal) -> Iterator[None]:
    """Keep one idle connection to an SQLite journal open while an import runs.

    SQLite checkpoints its WAL into the database, and removes it, whenever the last
    connection closes; without this every short transaction of the import would pay
    for that.
    """
    if journal.engine.url.get_backend_name() != "sqlite":
        yield
        return
    with journal.engine.connect():
        yield
