"""The journal store on SQLite and on a real PostgreSQL server.

What is tested: instants keep their offsets, edits and deletes keep history,
deleted entries come back, ids resolve by prefix, version checks refuse foreign
and newer databases with one clear message.
What is NOT tested: import/export (tests/services/test_transfer.py).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kratom_journal.domain.entries import Dose, Kind, MoodCheckin, SleepDiaryEntry, Unit
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.store.db import JournalOpenError
from kratom_journal.store.journal import EntryNotFound, Journal, open_journal

CHATHAM = ZoneInfo("Pacific/Chatham")  # +12:45 / +13:45: an odd offset


def test_instants_keep_their_offset(any_journal: Journal) -> None:
    taken = datetime(2024, 4, 7, 2, 45, 12, 345678, tzinfo=CHATHAM)
    stored = any_journal.entries.add(Dose(taken_at=taken, amount=2.5, unit=Unit.G))
    back = any_journal.entries.get(stored.id).entry
    assert isinstance(back, Dose)
    # 02:45 on this day happens twice in Chatham; the first (fold=0, +13:45) was meant.
    assert back.taken_at.isoformat() == "2024-04-07T02:45:12.345678+13:45"
    assert back.taken_at.timestamp() == taken.timestamp()


def test_edit_delete_undelete_keep_history(any_journal: Journal) -> None:
    at = datetime(2024, 5, 1, 20, tzinfo=timezone(timedelta(hours=2)))
    stored = any_journal.entries.add(MoodCheckin(at=at, mood=5, anxiety=4))
    edited = any_journal.entries.edit(stored.short_id, {"mood": 7})
    assert edited.version == 2 and isinstance(edited.entry, MoodCheckin)
    assert edited.entry.mood == 7
    any_journal.entries.delete(stored.id)
    assert any_journal.entries.list(Kind.MOOD) == []
    assert len(any_journal.entries.list(Kind.MOOD, include_deleted=True)) == 1
    restored = any_journal.entries.undelete(stored.id)
    assert restored.deleted_at is None and restored.version == 4
    history = any_journal.entries.history(stored.id)
    assert [r.action for r in history] == ["create", "edit", "delete", "undelete"]
    assert history[0].data["mood"] == 5 and history[1].data["mood"] == 7


def test_edit_is_validated_and_atomic(any_journal: Journal) -> None:
    at = datetime(2024, 5, 1, 20, tzinfo=UTC)
    stored = any_journal.entries.add(MoodCheckin(at=at, mood=5))
    with pytest.raises(InvalidEntry):
        any_journal.entries.edit(stored.id, {"mood": 42})
    assert any_journal.entries.get(stored.id).version == 1
    with pytest.raises(ValueError, match="no field"):
        any_journal.entries.edit(stored.id, {"colour": "red"})


def test_unknown_and_ambiguous_ids(journal: Journal) -> None:
    with pytest.raises(EntryNotFound, match="no entry"):
        journal.entries.get("deadbeef")
    with pytest.raises(EntryNotFound, match="too short"):
        journal.entries.get("ab")
    with pytest.raises(ValueError, match="not deleted"):
        stored = journal.entries.add(MoodCheckin(at=datetime(2024, 1, 1, tzinfo=UTC), mood=1))
        journal.entries.undelete(stored.id)


def test_dst_night_is_stored_exactly(any_journal: Journal) -> None:
    berlin = ZoneInfo("Europe/Berlin")  # clocks go forward at 02:00 on 2024-03-31
    night = SleepDiaryEntry(
        night=date(2024, 3, 30),
        bed_at=datetime(2024, 3, 30, 23, 0, tzinfo=berlin),
        tried_at=datetime(2024, 3, 30, 23, 15, tzinfo=berlin),
        sol_min=20,
        awakenings=1,
        waso_min=10,
        final_wake_at=datetime(2024, 3, 31, 7, 0, tzinfo=berlin),
        out_of_bed_at=datetime(2024, 3, 31, 7, 30, tzinfo=berlin),
        quality=4,
    )
    stored = any_journal.entries.add(night)
    back = any_journal.entries.get(stored.id).entry
    assert isinstance(back, SleepDiaryEntry)
    assert back.bed_at.utcoffset() == timedelta(hours=1)
    assert back.final_wake_at.utcoffset() == timedelta(hours=2)
    assert back == night


def test_list_filters_by_time(journal: Journal) -> None:
    utc = UTC
    for day in (1, 2, 3):
        journal.entries.add(MoodCheckin(at=datetime(2024, 5, day, 12, tzinfo=utc), mood=day))
    listed = journal.entries.list(Kind.MOOD, since=date(2024, 5, 2), until=date(2024, 5, 3))
    assert [s.entry.mood for s in listed] == [2]  # type: ignore[union-attr]


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, not a database\n")
    with pytest.raises(JournalOpenError, match="not a journal database"):
        open_journal(path)


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER)")
    with pytest.raises(JournalOpenError, match="not a Kratom Journal"):
        open_journal(path)


def test_a_newer_journal_is_refused(journal_path: Path) -> None:
    open_journal(journal_path).close()
    with sqlite3.connect(journal_path) as conn:
        conn.execute("DELETE FROM alembic_version")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    with pytest.raises(JournalOpenError, match="newer version"):
        open_journal(journal_path)


@pytest.mark.usefixtures("journal")
def test_sqlite_uses_wal(journal_path: Path) -> None:
    with sqlite3.connect(journal_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_does_not_migrate_again(journal_path: Path) -> None:
    open_journal(journal_path).close()
    journal = open_journal(journal_path)
    assert journal.entries.list() == []
    journal.close()


def test_cheap_heads_agree_with_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kratom_journal.store.db import MIGRATIONS_DIR, shipped_heads

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert shipped_heads() == set(ScriptDirectory.from_config(config).get_heads())


def test_migrations_match_the_table_models(journal: Journal) -> None:
    """Every table model is created by a migration, column for column (no schema drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kratom_journal.store.tables import metadata

    with journal.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
