"""Export and import: lossless JSON and CSV round trips, all-or-nothing imports, idempotency.

What is tested: export -> import into an empty journal reproduces every field of
every entry (deleted and edited ones, their history, odd zones, DST nights,
Unicode notes); CSV round trips; bad rows write nothing; --skip-bad; a second
import adds nothing; a killed import leaves the journal as it was.
What is NOT tested: wearable imports (tests/importers).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_journal.domain.entries import SleepDiaryEntry
from kratom_journal.services import transfer
from kratom_journal.services.transfer import ImportFailed
from kratom_journal.store.journal import Journal, open_journal
from tests.strategies import entries

ROOT = Path(__file__).resolve().parents[2]


def _comparable(document: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in document.items() if k != "written_by"}


def _fill(journal: Journal, items: list, actions: list[int]) -> None:  # type: ignore[type-arg]
    seen_nights = set()
    for item, action in zip(items, actions, strict=False):
        if isinstance(item, SleepDiaryEntry):
            if item.night in seen_nights:
                continue
            seen_nights.add(item.night)
        stored = journal.entries.add(item)
        if action == 1:
            journal.entries.edit(stored.id, {"note": "edited ✎"})
        elif action == 2:
            journal.entries.delete(stored.id)
        elif action == 3:
            journal.entries.delete(stored.id)
            journal.entries.undelete(stored.id)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(entries, max_size=12), actions=st.lists(st.integers(0, 3), max_size=12))
def test_json_round_trip_is_lossless(
    tmp_path_factory: pytest.TempPathFactory, items: list, actions: list[int]
) -> None:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("rt")
    source = open_journal(folder / "a.sqlite3")
    _fill(source, items, actions)
    exported = folder / "export.json"
    transfer.export_json(source, exported)
    target = open_journal(folder / "b.sqlite3")
    summary = transfer.import_json(target, exported)
    assert summary.added == len(json.loads(exported.read_text())["entries"])
    assert _comparable(transfer.export_document(target)) == _comparable(
        transfer.export_document(source)
    )
    again = transfer.import_json(target, exported)
    assert again.added == 0
    source.close()
    target.close()


def test_json_round_trip_on_both_databases(any_journal: Journal, tmp_path: Path) -> None:
    from kratom_journal.demo.experiment import add_demo_experiment
    from kratom_journal.demo.journal import generate_demo_entries
    from kratom_journal.demo.questionnaires import add_demo_administrations
    from kratom_journal.demo.wearable import extend_demo_journal
    from kratom_journal.services.safety import declare_medicine, remove_medicine
    from kratom_journal.services.wearable_nights import list_nights

    demo = generate_demo_entries(days=20, seed=3)
    _fill(any_journal, demo, [i % 4 for i in range(len(demo))])
    add_demo_administrations(any_journal, date(2026, 10, 1), date(2026, 10, 20), "Asia/Kathmandu")
    extend_demo_journal(any_journal, 3)
    add_demo_experiment(any_journal, date(2026, 10, 5), date(2026, 10, 19))
    declare_medicine(any_journal, "Sertraline", daily=True)
    declare_medicine(any_journal, "xanax")
    remove_medicine(any_journal, "xanax")
    exported = tmp_path / "export.json"
    transfer.export_json(any_journal, exported)
    target = open_journal(tmp_path / "copy.sqlite3")
    transfer.import_json(target, exported)
    original = _comparable(transfer.export_document(any_journal))
    assert len(original["questionnaires"]) == 4
    assert len(original["medicines"]) == 2
    assert len(original["wearable_samples"]) >= 1
    assert len(original["experiments"]) == 1 and original["experiments"][0]["log"]
    assert _comparable(transfer.export_document(target)) == original
    assert list_nights(target) == list_nights(any_journal)  # nights derived again on import


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(entries, max_size=10))
def test_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list) -> None:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("csv")
    source = open_journal(folder / "a.sqlite3")
    _fill(source, items, [0] * len(items))
    transfer.export_csv(source, folder / "out")
    target = open_journal(folder / "b.sqlite3")
    transfer.import_csv(target, [folder / "out"], confirmed=True)
    # Identical rows are one entry to a CSV import (rows carry no id): compare distinct rows.
    originals = sorted({transfer.entry_to_dict(s.entry).__repr__() for s in source.entries.list()})
    copies = sorted(transfer.entry_to_dict(s.entry).__repr__() for s in target.entries.list())
    assert copies == originals
    again = transfer.import_csv(target, [folder / "out"], confirmed=True)
    assert again.added == 0 and again.updated == 0
    source.close()
    target.close()


DOSES = "taken_at,substance,amount,unit,form,strain,product,note\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_times_without_offset_use_the_journal_zone(journal: Journal, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", DOSES + "2024-07-01T21:30,kratom,3.5,g,powder,Red Bali,,\n")
    transfer.import_csv(journal, [path])
    (stored,) = journal.entries.list()
    assert stored.entry.taken_at.isoformat() == "2024-07-01T21:30:00+02:00"  # type: ignore[union-attr]


def test_sleep_csv_clock_times_follow_the_noon_rule(journal: Journal, tmp_path: Path) -> None:
    header = "night,bed_at,tried_at,sol_min,awakenings,waso_min,final_wake_at,out_of_bed_at,quality,note\n"
    path = write(tmp_path / "s.csv", header + "2024-03-30,23:00,23:15,20,1,10,07:00,07:30,4,DST\n")
    transfer.import_csv(journal, [path])
    (stored,) = journal.entries.list()
    night = stored.entry
    assert isinstance(night, SleepDiaryEntry)
    assert night.bed_at.isoformat() == "2024-03-30T23:00:00+01:00"
    assert night.final_wake_at.isoformat() == "2024-03-31T07:00:00+02:00"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2024-07-01T21:30,kratom,0,g,,,,", "amount: must be a positive number"),
        ("2024-07-01T21:30,kratom,-2,g,,,,", "amount: must be a positive number"),
        ("2024-07-01T21:30,kratom,lots,g,,,,", "amount: expected a number, got 'lots'"),
        ("2024-07-01T21:30,kratom,3,pounds,,,,", "unit: unknown unit 'pounds'"),
        ("yesterday,kratom,3,g,,,,", "taken_at: cannot read time 'yesterday'"),
        ("2024-07-01T21:30,kratom,3,g,,,", "expected 8 columns, found 7"),
        ("2024-07-01T21:30,kratom,80,g,,,,", "unusually large"),
    ],
)
def test_a_bad_row_writes_nothing(journal: Journal, tmp_path: Path, row: str, message: str) -> None:
    good = "2024-07-01T20:00,kratom,3,g,,,,\n"
    path = write(tmp_path / "d.csv", DOSES + good + row + "\n")
    with pytest.raises(ImportFailed) as info:
        transfer.import_csv(journal, [path])
    assert f"{path}:3: " in info.value.problems[0]
    assert message in info.value.problems[0]
    assert journal.entries.list() == []


def test_skip_bad_imports_the_good_rows(journal: Journal, tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.csv",
        DOSES + "2024-07-01T20:00,kratom,3,g,,,,\n"
        "2024-07-02T20:00,kratom,zero,g,,,,\n2024-07-03T20:00,kratom,2,g,,,,\n",
    )
    summary = transfer.import_csv(journal, [path], skip_bad=True)
    assert summary.added == 2
    assert len(summary.skipped) == 1 and ":3: amount" in summary.skipped[0]


def test_contradictory_sleep_row_is_refused(journal: Journal, tmp_path: Path) -> None:
    header = "night,bed_at,tried_at,sol_min,awakenings,waso_min,final_wake_at,out_of_bed_at,quality,note\n"
    path = write(
        tmp_path / "s.csv",
        header + "2024-05-01,23:00,23:15,20,1,10,07:00,06:30,4,\n"
        "2024-05-02,23:00,23:15,600,1,10,07:00,07:30,4,\n",
    )
    with pytest.raises(ImportFailed) as info:
        transfer.import_csv(journal, [path])
    assert "out_of_bed_at: time out of bed is before the final awakening" in info.value.problems[0]
    assert (
        "sol_min: minutes to fall asleep (600) is longer than the night" in info.value.problems[1]
    )


def test_unknown_header_and_unreadable_files(journal: Journal, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="matches no journal CSV format"):
        transfer.import_csv(journal, [write(tmp_path / "x.csv", "a,b,c\n1,2,3\n")])
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(ImportFailed):
        transfer.import_csv(journal, [binary])
    with pytest.raises(ImportFailed, match="cannot read"):
        transfer.import_csv(journal, [tmp_path / "missing.csv"])
    with pytest.raises(ImportFailed, match="not a Kratom Journal export"):
        transfer.import_json(journal, write(tmp_path / "j.json", "[1, 2, 3]"))
    with pytest.raises(ImportFailed, match="not valid JSON"):
        transfer.import_json(journal, write(tmp_path / "k.json", '{"format": '))


def test_edited_sleep_row_updates_the_night(journal: Journal, tmp_path: Path) -> None:
    header = "night,bed_at,tried_at,sol_min,awakenings,waso_min,final_wake_at,out_of_bed_at,quality,note\n"
    first = write(tmp_path / "s.csv", header + "2024-05-01,23:00,23:15,20,1,10,07:00,07:30,4,\n")
    transfer.import_csv(journal, [first])
    changed = write(tmp_path / "s2.csv", header + "2024-05-01,23:00,23:15,25,1,10,07:00,07:30,4,\n")
    summary = transfer.import_csv(journal, [changed])
    assert (summary.added, summary.updated) == (0, 1)
    (stored,) = journal.entries.list()
    assert stored.version == 2 and stored.entry.sol_min == 25  # type: ignore[union-attr]


def _big_csv(path: Path, rows: int) -> Path:
    lines = [DOSES.strip()]
    for i in range(rows):
        lines.append(
            f"2020-01-01T20:00:00+00:00,kratom,{1 + (i % 50) / 10},g,powder,Red Bali,,row {i}"
        )
    return write(path, "\n".join(lines) + "\n")


def test_killed_import_leaves_the_journal_unchanged(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    journal.entries.add(
        transfer.entry_from_dict({"kind": "mood", "at": "2024-05-01T20:00:00+02:00", "mood": 5})
    )
    before = _comparable(transfer.export_document(journal))
    path = _big_csv(tmp_path / "big.csv", 30000)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kratom_journal",
            "--db",
            str(journal_path),
            "import",
            "csv",
            str(path),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    marker = journal_path.with_name(journal_path.name + "-wal")
    deadline = time.monotonic() + 60
    # Wait until the import is writing (the WAL grows), then kill it without warning.
    while time.monotonic() < deadline and process.poll() is None:
        if marker.exists() and marker.stat().st_size > 100_000:
            break
        time.sleep(0.02)
    assert process.poll() is None, process.communicate()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    reopened = open_journal(journal_path)
    assert _comparable(transfer.export_document(reopened)) == before
    summary = transfer.import_csv(reopened, [path])
    assert summary.added == 30000
    assert transfer.import_csv(reopened, [path]).added == 0
