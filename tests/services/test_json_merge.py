"""A JSON import merges a night's diary into the one the journal has; ids are unique across kinds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kratom_journal.domain.entries import Kind, MoodCheckin, SleepDiaryEntry
from kratom_journal.services import transfer
from kratom_journal.services.transfer import ImportFailed
from kratom_journal.store.journal import Journal, open_journal
from tests.services.journal_builders import diary


def night(day: date, quality: int = 3) -> SleepDiaryEntry:
    return diary(day, sol=15, quality=quality)


def test_json_diary_for_a_night_with_one_updates_it_with_history(
    any_journal: Journal, tmp_path: Path
) -> None:
    day = date(2026, 11, 3)
    other = open_journal(tmp_path / "other.sqlite3")
    other.entries.add(night(day, quality=2))
    other.entries.add(night(date(2026, 11, 4)))
    exported = tmp_path / "other.json"
    transfer.export_json(other, exported)
    other.close()
    mine = any_journal.entries.add(night(day, quality=4))

    summary = transfer.import_json(any_journal, exported)

    assert (summary.added, summary.updated) == (1, 1)
    diaries = [s for s in any_journal.entries.list(Kind.SLEEP) if s.entry.night == day]
    assert [d.id for d in diaries] == [mine.id]  # still one diary for the night
    assert isinstance(diaries[0].entry, SleepDiaryEntry) and diaries[0].entry.quality == 2
    history = any_journal.entries.history(mine.id)
    assert [r.data["quality"] for r in history] == [4, 2]  # the old version is kept
    again = transfer.import_json(any_journal, exported)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_json_diary_for_a_night_with_the_same_diary_changes_nothing(
    journal: Journal, tmp_path: Path
) -> None:
    day = date(2026, 11, 3)
    other = open_journal(tmp_path / "other.sqlite3")
    other.entries.add(night(day, quality=3))
    exported = tmp_path / "other.json"
    transfer.export_json(other, exported)
    other.close()
    mine = journal.entries.add(night(day, quality=3))
    summary = transfer.import_json(journal, exported)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 1)
    assert len(journal.entries.history(mine.id)) == 1


def test_an_id_taken_by_another_kind_refuses_the_import(
    any_journal: Journal, tmp_path: Path
) -> None:
    dose_id = any_journal.entries.add(night(date(2026, 11, 1))).id
    other = open_journal(tmp_path / "other.sqlite3")
    other.entries.add(MoodCheckin(at=datetime(2026, 11, 2, 9, tzinfo=UTC), mood=6))
    exported = tmp_path / "other.json"
    transfer.export_json(other, exported)
    other.close()
    document = json.loads(exported.read_text())
    document["entries"][0]["id"] = dose_id
    exported.write_text(json.dumps(document))
    with pytest.raises(ImportFailed) as failed:
        transfer.import_json(any_journal, exported)
    assert "entry 1: id" in failed.value.problems[0]
    assert "already used by a sleep entry" in failed.value.problems[0]
    assert any_journal.entries.list(Kind.MOOD) == []  # nothing was imported
