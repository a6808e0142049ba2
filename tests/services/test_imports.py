"""One import entry point for both faces, one summary type, errors a face can show.

What is tested: ``run_import`` dispatches journal CSV/JSON and wearable exports and
returns the one ``ImportSummary``; its errors are ``JournalError``s; ``kj import``
goes through ``run_import`` for every source.
What is NOT tested: the importers' parsing (tests/importers) and CSV/JSON rows
(tests/services/test_transfer.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kratom_journal.demo import synthetic
from kratom_journal.domain.errors import JournalError
from kratom_journal.services import imports
from kratom_journal.services.imports import ImportFailed, ImportSummary, run_import
from kratom_journal.services.wearables import WearableImportError
from kratom_journal.store.journal import Journal

MOOD_CSV = "at,mood,anxiety,energy,note\n2024-05-01T20:00,6,3,,\n2024-05-02T20:00,5,4,,\n"


def apple_export(tmp_path: Path) -> Path:
    nights = synthetic.generate_nights(3, synthetic.NightPlan(date(2024, 3, 1), 2))
    return synthetic.write_apple_health(tmp_path / "export.zip", nights)


def test_journal_csv_and_wearable_exports_give_the_same_summary_type(
    journal: Journal, tmp_path: Path
) -> None:
    csv = tmp_path / "mood.csv"
    csv.write_text(MOOD_CSV)
    rows = run_import(journal, None, csv)
    wearable = run_import(journal, None, apple_export(tmp_path))
    assert isinstance(rows, ImportSummary) and isinstance(wearable, ImportSummary)
    assert (rows.kind, rows.records_read, rows.added) == ("journal", 2, 2)
    assert rows.line() == "2 added, 0 updated, 0 unchanged"
    assert wearable.kind == "wearable" and wearable.nights_added == 2
    assert wearable.added == wearable.records_read > 0
    assert wearable.line().startswith("apple-health: 2 nights added, 0 updated, 0 unchanged")


def test_skipped_rows_are_listed_with_their_reasons(journal: Journal, tmp_path: Path) -> None:
    csv = tmp_path / "mood.csv"
    csv.write_text(MOOD_CSV + "2024-05-03T20:00,eleven,,,\n")
    summary = run_import(journal, "csv", csv, skip_bad=True)
    assert summary.records_read == 3 and summary.records_skipped == 1
    assert len(summary.skipped) == 1 and "mood.csv:4" in summary.skipped[0]
    assert summary.line().endswith(", 1 bad rows skipped")


def test_import_errors_are_journal_errors(journal: Journal, tmp_path: Path) -> None:
    assert issubclass(ImportFailed, JournalError) and issubclass(WearableImportError, JournalError)
    with pytest.raises(ImportFailed) as missing:
        run_import(journal, None, tmp_path / "nothing.zip")
    assert missing.value.problems == [f"{tmp_path / 'nothing.zip'}: no such file or folder"]
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(ImportFailed, match="cannot tell what this file is"):
        run_import(journal, None, notes)
    with pytest.raises(ImportFailed, match="unknown source 'polar'"):
        run_import(journal, "polar", notes)
    with pytest.raises(WearableImportError, match="notes.txt: no Apple Health export.xml"):
        run_import(journal, "apple-health", notes)


def test_kj_import_goes_through_run_import_for_every_source(
    kj, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    calls: list[tuple[str | None, str]] = []
    real = imports.run_import

    def spy(journal, source, path, **options):  # type: ignore[no-untyped-def]
        calls.append((source, path.name))
        return real(journal, source, path, **options)

    monkeypatch.setattr(imports, "run_import", spy)
    csv = tmp_path / "mood.csv"
    csv.write_text(MOOD_CSV)
    assert kj("import", str(csv)).exit_code == 0
    result = kj("import", "apple-health", str(apple_export(tmp_path)))
    assert result.exit_code == 0 and "2 nights added" in result.output
    assert calls == [(None, "mood.csv"), ("apple-health", "export.zip")]


def test_known_sources_start_with_the_journal_formats() -> None:
    sources = imports.known_sources()
    assert sources[:2] == ["csv", "json"] and "apple-health" in sources
