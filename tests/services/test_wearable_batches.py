"""Exports saved in short batches as they are read: a killed import leaves whole batches that
the next import completes, an import that fails midway leaves nothing, and the batches
keep to their time budget. On SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kratom_journal.demo import synthetic
from kratom_journal.services import wearable_batches
from kratom_journal.services.import_summary import ImportSummary
from kratom_journal.services.wearable_nights import list_nights, night_dict
from kratom_journal.services.wearables import WearableImportError, import_wearable
from kratom_journal.store.journal import Journal, open_journal
from kratom_journal.store.wearable_batches import RUNNING
from kratom_journal.store.wearable_tables import (
    WearableImport,
    WearableNight,
    WearableSample,
)

NIGHTS = 12


def counts(journal: Journal) -> tuple[int, int, int]:
    with journal.reading() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (WearableSample, WearableNight, WearableImport)
        )


def runs_under_way(journal: Journal) -> int:
    with journal.reading() as session:
        return session.execute(
            select(func.count())
            .select_from(WearableImport)
            .where(WearableImport.records_read == RUNNING)
        ).scalar_one()


def nights_seen(journal: Journal) -> list[dict[str, object]]:
    return [night_dict(chosen, others) for chosen, others in list_nights(journal)]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nights = synthetic.generate_nights(5, synthetic.NightPlan(date(2024, 2, 1), NIGHTS))
    options = synthetic.AppleOptions(filler_per_night=50, day_heart_rate_per_night=200)
    return synthetic.write_apple_health(
        tmp_path_factory.mktemp("x") / "export.zip", nights, options
    )


@pytest.fixture(scope="module")
def clean_nights(export: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    """The nights of one uninterrupted import into an empty journal."""
    journal = open_journal(tmp_path_factory.mktemp("clean") / "journal.sqlite")
    assert import_wearable(journal, None, export).nights_added == NIGHTS
    nights = nights_seen(journal)
    journal.close()
    return nights


def fixed_batches(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Batches of exactly ``size`` records, whatever the machine's speed."""
    for name in ("FIRST_BATCH", "MIN_BATCH", "MAX_BATCH"):
        monkeypatch.setattr(wearable_batches, name, size)
    monkeypatch.setattr(wearable_batches, "FLUSH_SECONDS", 60.0)


class Stopped(BaseException):
    """Stands for the process being killed (nothing runs after it)."""


def test_an_interrupted_import_is_completed_by_the_next_one(
    any_journal: Journal,
    export: Path,
    clean_nights: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written = 0
    original = wearable_batches.BatchedImport._write

    def write_then_stop(self: wearable_batches.BatchedImport, records: list) -> None:  # type: ignore[type-arg]
        nonlocal written
        original(self, records)
        written += 1
        if written == 2:
            raise Stopped

    fixed_batches(monkeypatch, 300)
    monkeypatch.setattr(wearable_batches.BatchedImport, "_write", write_then_stop)
    # A killed process removes nothing: what the batches wrote stays.
    monkeypatch.setattr(wearable_batches.BatchedImport, "discard", lambda _self: None)
    with pytest.raises(Stopped):
        import_wearable(any_journal, None, export)
    samples, nights, _runs = counts(any_journal)
    assert samples == 600 and nights == 0  # two whole batches, no night half-derived
    assert runs_under_way(any_journal) == 1
    monkeypatch.undo()

    again = import_wearable(any_journal, None, export)
    assert not again.already_imported  # an unfinished run does not count as imported
    assert again.nights_added == NIGHTS
    assert any("interrupted is completed (600 samples" in note for note in again.notes)
    assert nights_seen(any_journal) == clean_nights
    assert runs_under_way(any_journal) == 0
    assert import_wearable(any_journal, None, export).already_imported


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from kratom_journal.services import wearable_batches
    from kratom_journal.services.wearables import import_wearable
    from kratom_journal.store.journal import open_journal

    wearable_batches.FIRST_BATCH = wearable_batches.MIN_BATCH = wearable_batches.MAX_BATCH = 300
    wearable_batches.FLUSH_SECONDS = 60.0
    original = wearable_batches.BatchedImport._write
    written = 0

    def write_then_die(self, records):
        global written
        original(self, records)
        written += 1
        if written == 3:
            os.kill(os.getpid(), signal.SIGKILL)

    wearable_batches.BatchedImport._write = write_then_die
    import_wearable(open_journal(sys.argv[1]), None, Path(sys.argv[2]))
    """
)


def test_sigkill_between_batches_then_a_rerun_gives_the_nights_of_one_import(
    tmp_path: Path, export: Path, clean_nights: list[dict[str, object]]
) -> None:
    db = tmp_path / "journal.sqlite"
    open_journal(db).close()
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(db), str(export)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr[-500:]
    journal = open_journal(db)
    assert counts(journal)[:2] == (900, 0)
    summary = import_wearable(journal, None, export)
    assert summary.nights_added == NIGHTS
    assert nights_seen(journal) == clean_nights
    journal.close()


def test_an_import_that_fails_midway_leaves_the_journal_as_it_was(
    any_journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nights = synthetic.generate_nights(6, synthetic.NightPlan(date(2024, 4, 1), NIGHTS))
    good = synthetic.write_apple_health(tmp_path / "good.xml", nights[:3])
    import_wearable(any_journal, None, good)
    before = counts(any_journal)
    broken = tmp_path / "broken.xml"
    synthetic.write_apple_health(broken, nights, synthetic.AppleOptions(truncate=True))
    with broken.open("a") as out:  # a start tag that never ends, after every sleep record
        out.write('<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="')
        out.write("x" * 3_000_000)
    fixed_batches(monkeypatch, 50)
    written: list[int] = []
    original = wearable_batches.BatchedImport._write

    def write(self: wearable_batches.BatchedImport, records: list) -> None:  # type: ignore[type-arg]
        original(self, records)
        written.append(counts(any_journal)[0])

    monkeypatch.setattr(wearable_batches.BatchedImport, "_write", write)
    with pytest.raises(WearableImportError, match="markup too long"):
        import_wearable(any_journal, None, broken)
    assert len(written) > 2 and written[-1] > before[0]  # batches were written, then removed
    assert counts(any_journal) == before
    assert runs_under_way(any_journal) == 0


def test_batches_follow_the_time_budget() -> None:
    assert wearable_batches._scaled(1_000, 0.3, 200, 50_000) == 500  # half as many
    assert wearable_batches._scaled(1_000, 0.01, 200, 50_000) == 15_000
    assert wearable_batches._scaled(1_000, 30.0, 200, 50_000) == 200
    assert wearable_batches._scaled(1_000, 0.0, 200, 50_000) == 50_000


def test_an_import_writes_in_several_short_transactions(
    any_journal: Journal, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[wearable_batches.BatchedImport] = []
    original = wearable_batches.BatchedImport.finish

    def finish(self: wearable_batches.BatchedImport, write) -> None:  # type: ignore[no-untyped-def]
        seen.append(self)
        original(self, write)

    monkeypatch.setattr(wearable_batches, "FIRST_BATCH", 500)
    monkeypatch.setattr(wearable_batches.BatchedImport, "finish", finish)
    summary: ImportSummary = import_wearable(any_journal, None, export)
    assert summary.nights_added == NIGHTS
    (batched,) = seen
    assert batched.transactions >= 3
    assert batched.longest < 1.0, batched.longest
