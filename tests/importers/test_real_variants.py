"""The variants real exports contain, each in its documented shape, with golden nights.

What is tested: every export variant the importers used to get wrong or refuse
(Samsung's ``com.samsung.health`` stage files and a lone stage file, Garmin's
unconfirmed windows, Oura API v1, the API JSON shapes of Fitbit, Garmin and Oura,
Fitbit's ``unknown`` levels, spreadsheet-mangled Sleep as Android ids, an Apple
export a folder deeper, ``sleep-export (1).csv``, a Gadgetbridge database, one
bad Apple record, a 47-minute morning "In Bed" record): recognised, imported with
the known bed, rise, total sleep and stages, and unchanged when imported again.
What is NOT tested here: the new formats (test_new_formats.py) and zones
(test_import_zones.py).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from kratom_journal.domain.errors import JournalError
from kratom_journal.importers import REGISTRY, detect_source
from kratom_journal.importers.safe_input import InputRejected
from kratom_journal.services.wearables import import_wearable
from kratom_journal.sleep.nights import derive_nights
from kratom_journal.sleep.samples import ParseIssue, SleepSample, SleepSummary
from kratom_journal.store.journal import Journal
from tests.importers import real_shapes as shapes
from tests.importers import real_shapes_more as more
from tests.importers.nights_view import chosen, expected

N1, N2 = shapes.NIGHTS


@pytest.fixture
def berlin(journal: Journal) -> Journal:
    journal.settings.set("timezone", "Europe/Berlin")
    return journal


def import_twice(journal: Journal, source: str | None, path: Path, **options: str) -> None:
    """Import, then check the same export again changes nothing."""
    first = import_wearable(journal, source, path, **options)
    assert first.records_read > 0
    before = chosen(journal)
    again = import_wearable(journal, source, path, **options)
    assert again.already_imported or (again.added, again.nights_added) == (0, 0)
    assert chosen(journal) == before


def test_samsung_health_prefixed_stage_file_keeps_its_stages(berlin, tmp_path):
    """Real exports name the stage file com.samsung.health.sleep_stage.<stamp>.csv (the
    importer used to look for com.samsung.shealth… only and dropped every stage)."""
    folder = tmp_path / "samsunghealth_anna_20240314"
    shapes.samsung_stage_csv(folder / "com.samsung.health.sleep_stage.20240314120000.csv")
    shapes.write(
        folder / "com.samsung.shealth.sleep.20240314120000.csv",
        "com.samsung.shealth.sleep,6313004,1\n"
        "com.samsung.health.sleep.start_time,com.samsung.health.sleep.end_time,"
        "com.samsung.health.sleep.time_offset,com.samsung.health.sleep.datauuid\n"
        + "".join(
            f"{shapes.utc_text(n.bed)},{shapes.utc_text(n.out)},UTC+0100,s-{i},\n"
            for i, n in enumerate(shapes.NIGHTS)
        ),
    )
    assert detect_source(folder) == "samsung"
    import_twice(berlin, None, folder)
    assert chosen(berlin) == [expected(n, "Samsung Health") for n in shapes.NIGHTS]


def test_lone_samsung_stage_file_is_recognised(berlin, tmp_path):
    path = shapes.samsung_stage_csv(tmp_path / "com.samsung.health.sleep_stage.20240314.csv")
    assert detect_source(path) == "samsung"
    import_twice(berlin, None, path)
    assert chosen(berlin) == [
        expected(n, "Samsung Health", trim_awake=False) for n in shapes.NIGHTS
    ]


def test_garmin_unconfirmed_window_without_stages_is_not_a_night(berlin, tmp_path):
    folder = tmp_path / "DI_CONNECT" / "DI-Connect-Wellness"
    record = shapes.garmin_unconfirmed(N1.bed)
    shapes.write(folder / "2024-03-01_2024-03-14_12345_sleepData.json", json.dumps([record]))
    with pytest.raises(Exception, match="every record was skipped.*sleep not detected"):
        import_wearable(berlin, None, tmp_path)
    assert chosen(berlin) == []


def test_garmin_unconfirmed_window_beside_real_nights(berlin, tmp_path):
    path = shapes.garmin_api_json(tmp_path / "sleep.json")
    items = json.loads(path.read_text())
    items.append({"dailySleepDTO": shapes.garmin_unconfirmed(N2.out + timedelta(hours=14))})
    path.write_text(json.dumps(items))
    summary = import_wearable(berlin, None, path)
    assert summary.records_skipped == 1 and "sleep not detected" in summary.skipped[0]
    assert [v.night for v in chosen(berlin)] == ["2024-03-11", "2024-03-12"]


def test_oura_api_v1_hypnogram_is_read(berlin, tmp_path):
    """v1 / legacy JSON (hypnogram_5min, totals in seconds) used to lose all sleep data."""
    path = shapes.oura_v1_json(tmp_path / "oura_sleep.json")
    assert detect_source(path) == "oura"
    import_twice(berlin, None, path)
    got = chosen(berlin)
    assert [(g.bed, g.rise, g.asleep, g.light, g.deep, g.rem) for g in got] == [
        (e.bed, e.rise, e.asleep, e.light, e.deep, e.rem)
        for e in (expected(N1, ""), expected(N2, ""))
    ]
    assert [g.score for g in got] == [70.0, 71.0]


@pytest.mark.parametrize(
    ("writer", "source", "name"),
    [
        (lambda p: shapes.fitbit_api_json(p / "fitbit-sleep.json"), "fitbit", "Fitbit"),
        (lambda p: shapes.garmin_api_json(p / "garmin-sleep.json"), "garmin", "Garmin"),
        (lambda p: shapes.oura_collector_json(p / "collector.json"), "oura", "Oura Ring"),
    ],
    ids=["fitbit-v1.2", "garmin-dailySleepDTO", "oura-collector"],
)
def test_api_json_shapes_are_read(berlin, tmp_path, writer, source, name):
    """{"sleep": [...], "summary": ...}, {"dailySleepDTO": ...} and {"sleep": {"data": [...]}}
    used to be refused."""
    path = writer(tmp_path)
    assert detect_source(path) == source
    import_twice(berlin, None, path)
    assert [
        (g.night, g.source, g.bed, g.rise, g.in_bed, g.asleep, g.light, g.deep, g.rem)
        for g in chosen(berlin)
    ] == [
        (e.night, e.source, e.bed, e.rise, e.in_bed, e.asleep, e.light, e.deep, e.rem)
        for e in (expected(N1, name), expected(N2, name))
    ]


def test_fitbit_unknown_level_does_not_refuse_the_file(berlin, tmp_path):
    path = shapes.fitbit_api_json(tmp_path / "sleep.json", unknown=True)
    summary = import_wearable(berlin, "fitbit", path)
    assert summary.records_skipped == 0
    (first, second) = chosen(berlin)
    # The first light stretch (60 min) is "unknown": in bed, not asleep.
    assert (first.in_bed, first.asleep, first.light) == (390.0, 300.0, 170.0)
    assert second == expected(N2, "Fitbit")


def test_spreadsheet_mangled_sleep_as_android_ids(berlin, tmp_path):
    """Ids re-saved as 1.71019E+12 lost their digits; From/To/Tz are still readable."""
    path = shapes.sleep_as_android_mangled(tmp_path / "sleep-export.csv")
    assert "E+12" in path.read_text()
    summary = import_wearable(berlin, None, path)
    assert summary.records_skipped == 0
    assert [(g.bed, g.rise, g.in_bed) for g in chosen(berlin)] == [
        (n.bed.isoformat(), n.out.isoformat(), float(n.in_bed)) for n in shapes.NIGHTS
    ]


def test_apple_export_one_folder_deeper(journal, tmp_path):
    path = more.apple_zip_one_folder_deeper(tmp_path / "export.zip")
    assert detect_source(path) == "apple-health"
    import_twice(journal, None, path)
    assert chosen(journal) == [expected(n, "Apple Watch") for n in shapes.NIGHTS]


def test_sleep_export_with_a_copy_number_in_a_folder(tmp_path):
    folder = tmp_path / "Downloads"
    shapes.sleep_as_android_mangled(folder / "sleep-export (1).csv")
    assert detect_source(folder) == "sleep-as-android"
    items = list(REGISTRY["sleep-as-android"].parse(folder))
    assert sum(isinstance(i, SleepSample) for i in items) == 2


def test_gadgetbridge_database_is_not_called_a_bad_health_connect_export(tmp_path):
    path = shapes.gadgetbridge_db(tmp_path / "Gadgetbridge")
    assert detect_source(path) == "gadgetbridge"
    with pytest.raises(InputRejected, match="not a Health Connect export"):
        list(REGISTRY["health-connect"].parse(path))
    archive = tmp_path / "gadgetbridge_20240314.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(path, "database/Gadgetbridge")
    assert detect_source(archive) == "gadgetbridge"


def test_one_impossible_apple_record_does_not_refuse_the_export(journal, tmp_path):
    bad = more.apple_record("Apple Watch", N2.out, N2.bed, "AsleepCore")  # ends before it starts
    path = shapes.write(tmp_path / "export.xml", more.apple_xml(extra=bad))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text == bad[:-1])
    summary = import_wearable(journal, None, path)
    assert summary.skipped == [
        f"1 record skipped: HKCategoryTypeIdentifierSleepAnalysis record ends before it starts"
        f" — export.xml line {line}"
    ]
    assert chosen(journal) == [expected(n, "Apple Watch") for n in shapes.NIGHTS]


def test_a_47_minute_morning_in_bed_record_is_not_a_night(journal, tmp_path):
    """The phone's Clock writes short "In Bed" records; one alone in a morning used to
    become a night of its own."""
    morning = N2.out + timedelta(days=2, hours=3)
    clock = more.apple_record("Clock", morning, morning + timedelta(minutes=47), "InBed")
    after_night = more.apple_record(
        "Clock", N1.out + timedelta(hours=2), N1.out + timedelta(hours=2, minutes=47), "InBed"
    )
    path = shapes.write(tmp_path / "export.xml", more.apple_xml(extra=clock + after_night))
    import_wearable(journal, None, path)
    views = chosen(journal)
    assert [v.night for v in views] == ["2024-03-11", "2024-03-12"]
    items = [i for i in REGISTRY["apple-health"].parse(path) if isinstance(i, SleepSample)]
    assert all(n.source.name == "Apple Watch" for n in derive_nights(items))


def test_variants_survive_parsing_without_issues(tmp_path):
    """The fixtures above are clean: every problem the tests see is the planted one."""
    for source, path in (
        ("samsung", shapes.samsung_stage_csv(tmp_path / "com.samsung.health.sleep_stage.1.csv")),
        ("oura", shapes.oura_v1_json(tmp_path / "v1.json")),
        ("garmin", shapes.garmin_api_json(tmp_path / "g.json")),
    ):
        items = list(REGISTRY[source].parse(path, zone="Europe/Berlin"))
        assert [i for i in items if isinstance(i, ParseIssue)] == []
        assert any(isinstance(i, SleepSample | SleepSummary) for i in items)
    shutil.rmtree(tmp_path)


@pytest.mark.parametrize(
    ("source", "body", "expected"),
    [
        ("fitbit", {"activities": []}, "Web API sleep response"),
        ("garmin", {"sleepLevels": []}, "dailySleepDTO"),
        ("oura", {"sleep": {"next_token": None}}, "bedtime_start"),
    ],
)
def test_a_json_of_another_shape_says_what_was_expected(berlin, tmp_path, source, body, expected):
    """The refusal used to end with "fix the file or import with --skip-bad", which
    cannot help with a file of the wrong shape; it now says which shapes are read."""
    path = shapes.write(tmp_path / "export.json", json.dumps(body))
    with pytest.raises(JournalError) as refused:
        import_wearable(berlin, source, path)
    message = str(refused.value)
    assert message.startswith("export.json: ") and expected in message
    assert "--skip-bad" not in message and "\n" not in message
    assert chosen(berlin) == []
