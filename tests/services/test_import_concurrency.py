"""Imports and other writes at the same time: writes wait about a second at most and never
fail; a second import waits its turn or says in one line that another one is running.

Tested on SQLite and on a real PostgreSQL server. An export is written in short
batches as it is read (services.wearable_batches), so no transaction of the import
holds the write lock for long, however large the export.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kratom_journal.demo import synthetic
from kratom_journal.demo.synthetic.apple_health import AppleOptions
from kratom_journal.domain.entries import Kind, MoodCheckin
from kratom_journal.services import wearable_batches
from kratom_journal.services.imports import ImportRunning, run_import
from kratom_journal.store.import_lock import import_lock
from kratom_journal.store.journal import Journal

MAX_WAIT_SECONDS = 1.5  # "about a second", with room for a busy test machine


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two Apple Health exports of 20 nights each, padded so that parsing takes a while
    (the write phase of a few thousand samples takes a few tenths of a second)."""
    folder = tmp_path_factory.mktemp("exports")
    first = synthetic.generate_nights(3, synthetic.NightPlan(date(2024, 3, 1), 20))
    second = synthetic.generate_nights(4, synthetic.NightPlan(date(2024, 6, 1), 20))
    options = AppleOptions(filler_per_night=800)
    return (
        synthetic.write_apple_health(folder / "first.zip", first, options),
        synthetic.write_apple_health(folder / "second.zip", second, options),
    )


class Importing(threading.Thread):
    """An import in a thread; ``reading`` is set once it has the lock and reads the file."""

    def __init__(self, journal: Journal, path: Path, wait: bool = False) -> None:
        super().__init__(daemon=True)
        self.journal, self.path, self.wait = journal, path, wait
        self.reading = threading.Event()
        self.error: BaseException | None = None
        self.line = ""

    def run(self) -> None:
        try:
            summary = run_import(
                self.journal,
                None,
                self.path,
                progress=lambda _done, _total: self.reading.set(),
                wait=self.wait,
            )
            self.line = summary.line()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.reading.set()


@pytest.fixture(scope="module")
def large_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Half a year of nights with all-day heart rate: tens of thousands of samples to save."""
    nights = synthetic.generate_nights(7, synthetic.NightPlan(date(2023, 1, 1), LARGE_NIGHTS))
    options = AppleOptions(day_heart_rate_per_night=100)
    return synthetic.write_apple_health(
        tmp_path_factory.mktemp("large") / "large.zip", nights, options
    )


LARGE_NIGHTS = 180


def test_writes_during_a_large_import_wait_briefly_and_never_fail(
    any_journal: Journal, large_export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imports: list[wearable_batches.BatchedImport] = []
    finish = wearable_batches.BatchedImport.finish

    def finish_seen(self: wearable_batches.BatchedImport, write: Any) -> None:
        imports.append(self)
        finish(self, write)

    monkeypatch.setattr(wearable_batches.BatchedImport, "finish", finish_seen)
    waits, line = writes_during_import(any_journal, large_export)
    assert f"{LARGE_NIGHTS} nights added" in line
    (batched,) = imports
    print(
        f"writes during the large import: {len(waits)}, longest wait {max(waits):.3f} s; "
        f"the import's {batched.transactions} transactions took {batched.longest:.3f} s at most"
    )
    assert max(waits) < MAX_WAIT_SECONDS, sorted(waits)[-5:]
    # The import holds the write lock in short stretches, not for its whole write phase.
    assert batched.transactions > 5
    assert batched.longest < MAX_WAIT_SECONDS


def writes_during_import(journal: Journal, export: Path) -> tuple[list[float], str]:
    """Mood check-ins written one after another while ``export`` is imported: the seconds
    each took, and the import's summary line. Every write must have been saved."""
    importing = Importing(journal, export)
    importing.start()
    importing.reading.wait(timeout=60)
    waits: list[float] = []
    moment = datetime(2026, 11, 1, 8, tzinfo=UTC)
    while importing.is_alive() or len(waits) < 3:
        started = time.perf_counter()
        journal.entries.add(MoodCheckin(at=moment + timedelta(minutes=len(waits)), mood=5))
        waits.append(time.perf_counter() - started)
        time.sleep(0.02)
    importing.join(timeout=300)
    assert importing.error is None, importing.error
    assert len(journal.entries.list(Kind.MOOD)) == len(waits)
    return waits, importing.line


def test_writes_during_an_import_wait_briefly_and_never_fail(
    any_journal: Journal, exports: tuple[Path, Path]
) -> None:
    waits, line = writes_during_import(any_journal, exports[0])
    assert "20 nights added" in line
    print(f"writes during the import: {len(waits)}, longest wait {max(waits):.3f} s")
    assert max(waits) < MAX_WAIT_SECONDS, sorted(waits)[-5:]


def test_a_second_import_says_another_one_is_running(
    any_journal: Journal, exports: tuple[Path, Path]
) -> None:
    with import_lock(any_journal):
        with pytest.raises(ImportRunning) as refused:
            run_import(any_journal, None, exports[1])
    assert str(refused.value) == (
        "another import is running on this journal; try again when it has finished"
    )
    assert run_import(any_journal, None, exports[1]).nights == 20  # free again


def test_a_waiting_import_runs_after_the_first(
    any_journal: Journal, exports: tuple[Path, Path]
) -> None:
    first = Importing(any_journal, exports[0])
    second = Importing(any_journal, exports[1], wait=True)
    first.start()
    first.reading.wait(timeout=60)
    second.start()
    first.join(timeout=120)
    second.join(timeout=120)
    assert first.error is None and second.error is None, (first.error, second.error)
    assert "20 nights added" in first.line and "20 nights added" in second.line


def test_kj_import_says_another_import_is_running_in_one_line(
    kj,  # type: ignore[no-untyped-def]
    journal: Journal,
    exports: tuple[Path, Path],
) -> None:
    with import_lock(journal):
        result = kj("import", str(exports[1]))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: another import is running on this journal; try again when it has finished"
    ]
