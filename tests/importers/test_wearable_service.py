"""Saving imports: idempotent, all-or-nothing, nights derived, priority honoured."""

from __future__ import annotations

import json
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
from kratom_journal.demo.wearable import add_demo_wearable
from kratom_journal.services.wearable_nights import list_nights, night_dict
from kratom_journal.services.wearables import (
    WearableImportError,
    detect_source,
    import_wearable,
)
from kratom_journal.sleep.samples import ParseIssue
from kratom_journal.store.wearable_tables import (
    WearableImport,
    WearableNight,
    WearableSample,
    WearableSource,
)


def counts(journal) -> tuple[int, int, int, int]:
    with journal.session() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (WearableSample, WearableNight, WearableImport, WearableSource)
        )


def nights_of(count: int, first: date = date(2024, 3, 1)) -> list[synthetic.SyntheticNight]:
    return synthetic.generate_nights(3, synthetic.NightPlan(first, count))


def test_import_twice_changes_nothing(journal, tmp_path):
    path = synthetic.write_apple_health(tmp_path / "export.zip", nights_of(4))
    first = import_wearable(journal, None, path)
    assert (first.source, first.nights_added, first.nights_updated) == ("apple-health", 4, 0)
    assert first.samples_added == first.records_read > 0
    before = counts(journal)
    again = import_wearable(journal, "apple-health", path)
    assert again.already_imported and again.nights_unchanged == 4
    assert "already imported" in again.line()
    assert counts(journal)[:2] == before[:2]


def test_same_data_in_another_file_adds_no_samples(journal, tmp_path):
    nights = nights_of(3)
    import_wearable(journal, None, synthetic.write_apple_health(tmp_path / "a.zip", nights))
    before = counts(journal)
    bare = synthetic.write_apple_health(tmp_path / "export.xml", nights)
    summary = import_wearable(journal, None, bare)
    assert summary.samples_added == 0 and summary.samples_known == summary.records_read
    assert (summary.nights_added, summary.nights_updated) == (0, 0)
    assert counts(journal)[:2] == before[:2]


@pytest.mark.parametrize("batch", [20_000, 37])
def test_newer_export_adds_only_what_is_new(journal, tmp_path, monkeypatch, batch):
    from kratom_journal.services import wearable_samples

    monkeypatch.setattr(wearable_samples, "BATCH", batch)
    import_wearable(journal, None, synthetic.write_apple_health(tmp_path / "old.zip", nights_of(5)))
    samples_before = counts(journal)[0]
    newer = synthetic.write_apple_health(tmp_path / "new.zip", nights_of(7))
    summary = import_wearable(journal, None, newer)
    assert summary.nights_added == 2 and summary.nights_updated == 0
    assert summary.samples_known == samples_before
    assert counts(journal)[0] == samples_before + summary.samples_added


def _bad_export(tmp_path: Path) -> Path:
    path = synthetic.write_apple_health(tmp_path / "export.xml", nights_of(2))
    text = path.read_text()
    bad = text.replace('value="5', 'value="fast', 1)
    path.write_text(bad)
    return path


def test_one_bad_record_is_skipped_with_its_line_and_the_rest_imported(journal, tmp_path):
    """A machine export is not refused for one bad record (it used to be, with
    "nothing was imported"): the record is skipped and counted with its line."""
    path = _bad_export(tmp_path)
    line = next(i for i, text in enumerate(path.read_text().split("\n"), 1) if "fast" in text)
    summary = import_wearable(journal, None, path)
    assert summary.records_skipped == 1 and summary.nights_added == 2
    (skipped,) = summary.skipped
    assert skipped.startswith("1 record skipped: ") and "is not a number" in skipped
    assert skipped.endswith(f"— export.xml line {line}")
    assert "1 skipped" in summary.line() and "--skip-bad" not in summary.line()


def test_skip_bad_imports_the_rest_and_counts_reasons(journal, tmp_path):
    summary = import_wearable(journal, None, _bad_export(tmp_path), skip_bad=True)
    assert summary.records_skipped == 1 and summary.nights_added == 2
    assert "1 skipped" in summary.line() and "is not a number" in summary.line()


def test_nothing_importable_is_an_error(journal, tmp_path):
    path = tmp_path / "sleep-2024-01-01.json"
    path.write_text(json.dumps(["junk", 3]))
    with pytest.raises(WearableImportError, match="nothing could be imported"):
        import_wearable(journal, "fitbit", path, skip_bad=True)
    assert counts(journal) == (0, 0, 0, 0)


def test_unsafe_archive_is_one_line(journal, tmp_path):
    import zipfile

    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../export.xml", "<HealthData/>")
    with pytest.raises(WearableImportError, match="evil.zip: unsafe archive"):
        import_wearable(journal, None, path)
    assert counts(journal) == (0, 0, 0, 0)


def test_undetectable_file(journal, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert detect_source(path) is None
    with pytest.raises(WearableImportError, match="cannot tell which app"):
        import_wearable(journal, None, path)
    with pytest.raises(WearableImportError, match="unknown source"):
        import_wearable(journal, "polar", path)


def test_progress_reaches_the_end(journal, tmp_path):
    path = synthetic.write_apple_health(tmp_path / "export.zip", nights_of(2))
    seen: list[tuple[int, int]] = []
    records: list[int] = []
    import_wearable(
        journal, None, path, progress=lambda d, t: seen.append((d, t)), on_records=records.append
    )
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size
    assert records[-1] > 0


def test_list_nights_and_priority_setting(journal, tmp_path):
    import_wearable(journal, None, synthetic.write_apple_health(tmp_path / "e.zip", nights_of(3)))
    listed = list_nights(journal)
    assert [chosen.source.name for chosen, _others in listed] == ["Apple Watch"] * 3
    item = night_dict(*listed[0])
    assert item["source"] == "Apple Watch (apple-health)" and len(item["other_sources"]) == 2
    assert item["total_sleep_min"] <= item["time_in_bed_min"]
    journal.settings.set("sleep-source-priority", "AutoSleep")
    assert {chosen.source.name for chosen, _ in list_nights(journal)} == {"AutoSleep"}
    listed = list_nights(journal, since=date(2024, 3, 2), until=date(2024, 3, 2))
    assert [chosen.night for chosen, _ in listed] == [date(2024, 3, 2)]


def test_demo_wearable(journal):
    summary = add_demo_wearable(journal, date(2024, 1, 1), 5)
    assert summary.nights_added == 5
    assert {chosen.source.name for chosen, _ in list_nights(journal)} == {"Apple Watch"}


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from kratom_journal.store.journal import open_journal
    from kratom_journal.services.wearables import import_wearable

    journal = open_journal(sys.argv[1])
    calls = 0

    def progress(done, total):
        global calls
        calls += 1
        if done > total // 3:
            os.kill(os.getpid(), signal.SIGKILL)

    import_wearable(journal, None, Path(sys.argv[2]), progress=progress)
    """
)


def test_sigkill_mid_import_leaves_journal_as_before(tmp_path):
    from kratom_journal.store.journal import open_journal

    db = tmp_path / "journal.sqlite"
    journal = open_journal(str(db))
    import_wearable(journal, None, synthetic.write_apple_health(tmp_path / "a.zip", nights_of(3)))
    before = counts(journal)
    options = synthetic.AppleOptions(filler_per_night=1000)
    big = synthetic.write_apple_health(
        tmp_path / "big.xml", nights_of(40, date(2024, 5, 1)), options
    )
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(db), str(big)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == -signal.SIGKILL
    reopened = open_journal(str(db))
    assert counts(reopened) == before


def test_import_on_sqlite_and_postgresql(any_journal, tmp_path):
    path = synthetic.write_apple_health(tmp_path / "export.zip", nights_of(3))
    first = import_wearable(any_journal, None, path)
    assert first.nights_added == 3
    bare = synthetic.write_apple_health(tmp_path / "export.xml", nights_of(3))
    again = import_wearable(any_journal, None, bare)
    assert again.samples_added == 0 and again.nights_unchanged == 3
    listed = list_nights(any_journal)
    assert [chosen.source.name for chosen, _ in listed] == ["Apple Watch"] * 3


def test_demo_extension_matches_the_diary(tmp_path):
    from kratom_journal.demo import build as demo_service
    from kratom_journal.demo.wearable import extend_demo_journal

    journal, _path = demo_service.build_demo_journal(tmp_path / "demo.sqlite3", days=120)
    extend_demo_journal(journal, 7)
    diary = {
        e.entry.night: e.entry
        for e in journal.entries.list()
        if type(e.entry).__name__ == "SleepDiaryEntry"
    }
    nights = list_nights(journal)
    assert len(nights) == len(diary) > 0
    for chosen, _others in nights:
        entry = diary[chosen.night]
        assert chosen.source.name == "Apple Watch"
        assert chosen.bed_at == entry.tried_at
        assert chosen.total_sleep_min <= chosen.time_in_bed_min
    journal.close()


def test_migration_matches_the_table_models(journal):
    """Migration 0003 creates exactly what the models describe (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kratom_journal.store.db import Base

    wearable = {name for name in Base.metadata.tables if name.startswith("wearable_")}
    with journal.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        diff = compare_metadata(context, Base.metadata)

    def table_of(change: object) -> str | None:
        item = change[0] if isinstance(change, list) else change
        for part in item[1:] if isinstance(item, tuple) else ():
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None):
                return str(table.name)
            if name in wearable:
                return str(name)
            if isinstance(part, str) and part in wearable:
                return part
        return None

    assert [change for change in diff if table_of(change) in wearable] == []


def test_newer_apple_export_skips_known_records_before_parsing(journal, tmp_path, monkeypatch):
    from kratom_journal.importers import apple_health

    import_wearable(journal, None, synthetic.write_apple_health(tmp_path / "old.zip", nights_of(5)))
    samples_before = counts(journal)[0]
    built: list[int] = []
    original = apple_health._RecordBuilder.build

    def counting_build(self, attrs, line):  # type: ignore[no-untyped-def]
        built.append(1)
        return original(self, attrs, line)

    monkeypatch.setattr(apple_health._RecordBuilder, "build", counting_build)
    # Heart-rate readings are read straight from their bytes, without build(): they
    # cost less to read again than to recognise, so every one of them is read.
    held: list[int] = []
    original_hold = apple_health._hold_heart

    def counting_hold(*args):  # type: ignore[no-untyped-def]
        found = original_hold(*args)
        held.extend([1] if found else [])
        return found

    monkeypatch.setattr(apple_health, "_hold_heart", counting_hold)
    nights = nights_of(7)
    newer = synthetic.write_apple_health(tmp_path / "new.zip", nights)
    summary = import_wearable(journal, None, newer)
    # Device pointers differ between exports, yet the old records are recognised unparsed.
    assert summary.samples_known == samples_before
    new_heart = sum(len(n.heart_rate) for n in nights[5:])
    assert len(built) == summary.samples_added - new_heart
    assert len(held) == sum(len(n.heart_rate) for n in nights)
    assert (summary.nights_added, summary.nights_updated, summary.nights_unchanged) == (2, 0, 5)


def test_reimport_after_a_parser_fallback_counts_each_record_once(journal, tmp_path, monkeypatch):
    """A newer export the fast reader hands to the full parser mid-file, after skipping
    records it knew from the first import, reports as many records as the file holds."""
    from kratom_journal.importers import apple_health

    first_path = synthetic.write_apple_health(tmp_path / "first.xml", nights_of(3))
    first = import_wearable(journal, None, first_path)
    text = first_path.read_text()
    # XML allows a space after "=", the fast reader does not: it falls back from here.
    marker = 'type="HKQuantityTypeIdentifierHeartRate"'
    cut = text.rindex(marker)
    newer = tmp_path / "newer.xml"
    newer.write_text(text[:cut] + marker.replace("=", "= ") + text[cut + len(marker) :])
    in_file = sum(not isinstance(item, ParseIssue) for item in apple_health.parse(newer, full=True))
    fallbacks: list[int] = []
    original = apple_health.parse_full

    def counting_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        fallbacks.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(apple_health, "parse_full", counting_full)
    summary = import_wearable(journal, None, newer)
    assert fallbacks == [1]
    assert summary.records_read == in_file == first.records_read
    assert summary.samples_known == in_file and summary.samples_added == 0
    assert (summary.nights_added, summary.nights_updated, summary.nights_unchanged) == (0, 0, 3)
