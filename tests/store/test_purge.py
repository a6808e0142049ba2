"""Delete forever: the entry and its history leave the journal, its WAL and later exports.

What is tested: the raw bytes of the SQLite file, its WAL and a JSON export written
afterwards no longer hold any version of the entry's text; other entries stay; on
PostgreSQL the rows are gone; ``kj purge`` asks first and says so in one line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from kratom_journal.domain.entries import Dose, Kind, MoodCheckin, Unit
from kratom_journal.domain.errors import NotFound
from kratom_journal.services.purge import purge
from kratom_journal.services.transfer import export_json
from kratom_journal.store.journal import Journal
from kratom_journal.store.tables import RevisionRow

MARKER = "zqxj-secret-7731"


def raw(path: Path) -> bytes:
    return path.read_bytes().lower() if path.exists() else b""


def add_secret_dose(journal: Journal) -> str:
    dose = Dose(
        taken_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
        amount=3.0,
        unit=Unit.G,
        strain=f"Strain {MARKER}",
        note=f"note {MARKER} one",
    )
    stored = journal.entries.add(dose)
    journal.entries.edit(stored.id, {"note": f"note {MARKER} two"})
    journal.entries.edit(stored.id, {"note": f"note {MARKER} three"})
    journal.entries.delete(stored.id)
    return stored.id


def test_purge_leaves_no_bytes_in_the_file_the_wal_or_an_export(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    keep = journal.entries.add(MoodCheckin(at=datetime(2026, 11, 1, 8, tzinfo=UTC), mood=6))
    entry_id = add_secret_dose(journal)
    wal = Path(f"{journal_path}-wal")
    before = raw(journal_path) + raw(wal)
    assert MARKER.encode() in before  # the soft delete kept every version
    export_json(journal, tmp_path / "before.json")
    assert MARKER.encode() in raw(tmp_path / "before.json")

    gone = purge(journal, entry_id[:8])

    assert gone.id == entry_id
    with pytest.raises(NotFound):
        journal.entries.get(entry_id)
    with pytest.raises(NotFound):
        journal.entries.history(entry_id)
    assert [s.id for s in journal.entries.list(include_deleted=True)] == [keep.id]
    export_json(journal, tmp_path / "after.json")
    for path in (journal_path, wal, tmp_path / "after.json"):
        assert MARKER.encode() not in raw(path), path
        assert entry_id.encode() not in raw(path), path
    # The journal still works, and the WAL is written again afterwards.
    journal.entries.add(MoodCheckin(at=datetime(2026, 11, 2, 8, tzinfo=UTC), mood=5))
    assert MARKER.encode() not in raw(journal_path) + raw(wal)


def test_purge_on_postgresql_removes_the_rows(any_journal: Journal) -> None:
    entry_id = add_secret_dose(any_journal)
    purge(any_journal, entry_id)
    assert any_journal.entries.list(Kind.DOSE, include_deleted=True) == []
    with pytest.raises(NotFound):
        any_journal.entries.history(entry_id)
    with any_journal.session() as session:
        left = session.scalars(select(RevisionRow).where(RevisionRow.entry_id == entry_id))
        assert list(left) == []
    with pytest.raises(NotFound):
        purge(any_journal, entry_id)


def test_kj_purge_asks_first_then_removes(kj, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    entry_id = add_secret_dose(journal)
    refused = kj("purge", entry_id[:8])
    assert refused.exit_code == 1
    assert "--yes" in refused.output and "Traceback" not in refused.output
    assert journal.entries.get(entry_id).id == entry_id
    done = kj("purge", entry_id[:8], "--yes")
    assert done.exit_code == 0, done.output
    assert "forever" in done.output
    missing = kj("purge", entry_id[:8], "--yes")
    assert missing.exit_code == 1 and len(missing.output.strip().splitlines()) == 1
