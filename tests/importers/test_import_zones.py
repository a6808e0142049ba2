"""Exports without UTC offsets: the zone is chosen before storing, recorded per import,
and a more certain zone re-reads the data instead of adding a second copy.

What is tested: importing before and after setting the journal's zone, and
``--zone`` re-imports, give the nights of one import in the right zone; the same
logs as a folder, a zip and a single file are the same samples; a guessed zone
never moves samples read in a chosen one; Garmin's UTC times get their offsets.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from kratom_journal.services.wearable_nights import list_nights, night_dict
from kratom_journal.services.wearables import WearableImportError, import_wearable
from kratom_journal.store.journal import Journal, open_journal
from kratom_journal.store.wearable_tables import WearableImport
from tests.importers import real_shapes as shapes

BERLIN = "Europe/Berlin"


@pytest.fixture(autouse=True)
def utc_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """This computer's zone (the guess for exports without offsets) is UTC."""
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def journal(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A journal whose zone is not set (the shared fixture sets one)."""
    opened = open_journal(tmp_path / "unset-zone.sqlite3")
    yield opened
    opened.close()


def all_nights(journal: Journal) -> list[dict[str, object]]:
    return [night_dict(chosen, others) for chosen, others in list_nights(journal)]


def reference(tmp_path: Path, source: str, path: Path) -> list[dict[str, object]]:
    """The nights of one import in the right zone, into a journal of their own."""
    journal = open_journal(tmp_path / "reference.sqlite3")
    journal.settings.set("timezone", BERLIN)
    import_wearable(journal, source, path)
    found = all_nights(journal)
    journal.close()
    return found


def zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return target


def runs(journal: Journal) -> list[tuple[str | None, str | None]]:
    with journal.session() as session:
        rows = session.execute(select(WearableImport.zone, WearableImport.zone_from)).all()
    return [(zone, came_from) for zone, came_from in rows]


def test_import_before_and_after_setting_the_zone(journal, tmp_path):
    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    guessed = import_wearable(journal, None, takeout)
    assert guessed.zone == "UTC" and "this computer's zone" in guessed.line()
    assert all_nights(journal)[0]["bed_at"] == "2024-03-11T23:10:00+00:00"  # wrong, by a guess
    journal.settings.set("timezone", BERLIN)
    again = import_wearable(journal, None, takeout)
    assert not again.already_imported and again.updated > 0 and again.added == 0
    assert all_nights(journal) == reference(tmp_path, None, takeout)
    assert runs(journal) == [("UTC", "system"), (BERLIN, "setting")]


def test_zone_option_reads_an_import_again(journal, tmp_path):
    journal.settings.set("timezone", BERLIN)
    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    import_wearable(journal, None, takeout)
    right = all_nights(journal)
    moved = import_wearable(journal, None, takeout, zone="America/New_York")
    assert moved.updated > 0 and moved.zone == "America/New_York"
    assert all_nights(journal)[0]["bed_at"] == "2024-03-11T23:10:00-04:00"
    assert [n["time_in_bed_min"] for n in all_nights(journal)] == [390.0, 350.0]
    back = import_wearable(journal, None, takeout, zone=BERLIN)
    assert back.updated == moved.updated
    assert all_nights(journal) == right == reference(tmp_path, None, takeout)
    same = import_wearable(journal, None, takeout, zone=BERLIN)
    assert same.already_imported


def test_the_same_logs_in_another_container_are_the_same_samples(journal, tmp_path):
    """Logs imported as a folder (zone guessed), then as a zip after the zone was set,
    used to merge into 767-minute nights with mixed offsets."""
    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    import_wearable(journal, None, takeout)
    journal.settings.set("timezone", BERLIN)
    summary = import_wearable(journal, None, zip_of(takeout, tmp_path / "takeout.zip"))
    assert summary.added == 0 and summary.updated > 0
    single = takeout / "Takeout/Fitbit/Global Export Data/sleep-2024-03-11.json"
    again = import_wearable(journal, "fitbit", single)
    assert (again.added, again.updated, again.nights_added, again.nights_updated) == (0, 0, 0, 0)
    nights = all_nights(journal)
    assert nights == reference(tmp_path, None, takeout)
    assert [n["time_in_bed_min"] for n in nights] == [390.0, 350.0]
    assert {str(n["bed_at"])[-6:] for n in nights} == {"+01:00"}


def test_a_guess_never_moves_samples_read_in_a_chosen_zone(journal, tmp_path):
    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    import_wearable(journal, None, takeout, zone=BERLIN)
    right = all_nights(journal)
    summary = import_wearable(journal, None, zip_of(takeout, tmp_path / "t.zip"))
    assert summary.zone == "UTC" and (summary.added, summary.updated) == (0, 0)
    assert all_nights(journal) == right


def test_a_changed_setting_keeps_an_explicit_earlier_zone_and_says_how_to_change_it(
    journal, tmp_path
):
    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    import_wearable(journal, None, takeout, zone=BERLIN)
    journal.settings.set("timezone", "Asia/Tokyo")
    again = import_wearable(journal, None, takeout)
    assert again.already_imported and "--zone Asia/Tokyo" in again.line()


def test_garmin_utc_times_get_the_zone_offset(journal, tmp_path):
    folder = tmp_path / "DI_CONNECT" / "DI-Connect-Wellness"
    records = []
    for night in shapes.NIGHTS:
        records.append(
            {
                "calendarDate": night.out.date().isoformat(),
                "sleepStartTimestampGMT": shapes.utc_text(night.bed, "%Y-%m-%dT%H:%M:%S.0"),
                "sleepEndTimestampGMT": shapes.utc_text(night.out, "%Y-%m-%dT%H:%M:%S.0"),
                "deepSleepSeconds": night.minutes(shapes.D) * 60,
                "lightSleepSeconds": night.minutes(shapes.L) * 60,
                "remSleepSeconds": night.minutes(shapes.R) * 60,
                "awakeSleepSeconds": night.minutes(shapes.A) * 60,
            }
        )
    shapes.write(folder / "2024-03-01_2024-03-14_1_sleepData.json", json.dumps(records))
    import_wearable(journal, None, tmp_path)
    assert all_nights(journal)[0]["bed_at"] == "2024-03-11T22:10:00+00:00"
    journal.settings.set("timezone", BERLIN)
    import_wearable(journal, None, tmp_path)
    nights = all_nights(journal)
    assert [n["bed_at"] for n in nights] == [n.bed.isoformat() for n in shapes.NIGHTS]
    assert nights == reference(tmp_path, None, tmp_path)


def test_an_unknown_zone_is_one_line(journal, tmp_path):
    takeout = shapes.fitbit_takeout(tmp_path / "takeout")
    with pytest.raises(WearableImportError, match="--zone: unknown time zone 'Berlin'"):
        import_wearable(journal, None, takeout, zone="Berlin")


def test_exports_with_offsets_ignore_the_zone(journal, tmp_path):
    path = shapes.oura_v1_json(tmp_path / "oura.json")
    summary = import_wearable(journal, None, path, zone="Asia/Tokyo")
    assert summary.zone is None and runs(journal) == [(None, None)]
    assert all_nights(journal)[0]["bed_at"] == "2024-03-11T23:10:00+01:00"


def test_a_nap_read_in_two_zones_stays_a_nap(journal, tmp_path):
    """An afternoon nap imported with a guessed zone, then again from the zip after the
    zone was set, used to join the night's copies into a 6-hour night."""
    nap = shapes.Hypnogram(
        datetime(2024, 3, 12, 14, 0, tzinfo=shapes.BERLIN),
        ((shapes.L, 20), (shapes.D, 10), (shapes.L, 10)),
    )
    takeout = shapes.fitbit_takeout(tmp_path / "takeout", score=False)
    logs_file = takeout / "Takeout/Fitbit/Global Export Data/sleep-2024-03-11.json"
    logs = json.loads(logs_file.read_text())
    logs.append({**shapes.fitbit_log(nap, 60_000), "isMainSleep": False})
    logs_file.write_text(json.dumps(logs))
    import_wearable(journal, None, takeout)  # this computer's zone (UTC): a guess
    journal.settings.set("timezone", BERLIN)
    import_wearable(journal, None, zip_of(takeout, tmp_path / "takeout.zip"))
    nights = all_nights(journal)
    assert nights == reference(tmp_path, None, takeout)
    assert [n["time_in_bed_min"] for n in nights] == [390.0, 350.0]
    assert [n["bed_at"] for n in nights] == [n.bed.isoformat() for n in shapes.NIGHTS]
