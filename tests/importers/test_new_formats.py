"""The formats read since Fitbit's and Google Fit's APIs closed: one test per format,
written in its real shape, with golden nights and an unchanged re-import.

What is tested: Gadgetbridge (read-only, never modified), Sleep Cycle (old and new
layouts), Whoop, Withings (English and German), Fitbit's sleep_score.csv joined to
its logs, Oura's app CSV, Google Fit Takeout (segments, sessions, daily metrics),
AutoSleep, Pillow and a hand-kept CSV read with a saved column map.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kratom_journal.importers import detect_source
from kratom_journal.services.wearables import WearableImportError, import_wearable, saved_profiles
from kratom_journal.store.journal import Journal
from tests.importers import real_shapes as shapes
from tests.importers import real_shapes_more as more
from tests.importers.nights_view import NightView, chosen, expected

N1, N2 = shapes.NIGHTS


@pytest.fixture
def berlin(journal: Journal) -> Journal:
    journal.settings.set("timezone", "Europe/Berlin")
    return journal


def import_twice(journal: Journal, source: str | None, path: Path, **options: str) -> None:
    first = import_wearable(journal, source, path, **options)
    assert first.records_read > 0 and first.records_skipped == 0, first.skipped
    before = chosen(journal)
    again = import_wearable(journal, source, path, **options)
    assert again.already_imported or (again.added, again.nights_added) == (0, 0)
    assert chosen(journal) == before


def summary_night(hypnogram: shapes.Hypnogram, source: str, score: float | None) -> NightView:
    """A night known by its totals: bed, rise, time in bed and the stage minutes."""
    view = expected(hypnogram, source)
    return NightView(**{**view.__dict__, "score": score})


def test_gadgetbridge_database_read_only_and_untouched(berlin, tmp_path):
    (tmp_path / "export").mkdir()
    path = shapes.gadgetbridge_db(tmp_path / "export" / "Gadgetbridge")
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    assert detect_source(path) == "gadgetbridge"
    import_twice(berlin, None, path)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    assert os.listdir(tmp_path / "export") == ["Gadgetbridge"]  # no journal or lock files
    # Huami bands have no REM: it is light sleep there; awake in bed lies between sleep.
    got = chosen(berlin)
    assert got == [
        expected(n, "Amazfit Band 5", rem_as_light=True, trim_awake=True) for n in shapes.NIGHTS
    ]


@pytest.mark.parametrize("layout", ["old", "new"])
def test_sleep_cycle(berlin, tmp_path, layout):
    writer = more.sleep_cycle_old if layout == "old" else more.sleep_cycle_new
    path = writer(tmp_path / "sleepdata.csv")
    assert detect_source(path) == "sleep-cycle"
    import_twice(berlin, None, path)
    got = chosen(berlin)
    assert [(g.bed, g.rise, g.in_bed) for g in got] == [
        (n.bed.isoformat(), n.out.isoformat(), float(n.in_bed)) for n in shapes.NIGHTS
    ]
    if layout == "new":
        assert [g.asleep for g in got] == [360.0, 315.0]
    assert [g.score for g in got] == ([85.0, 86.0] if layout == "old" else [80.0, 81.0])


def test_whoop(journal, tmp_path):
    folder = more.whoop_export(tmp_path / "my_whoop_data_2024_03_14")
    assert detect_source(folder) == "whoop"
    summary = import_wearable(journal, None, folder)
    assert summary.skipped == [
        f"1 record skipped: a nap, not a night — {folder.name}:sleeps.csv line 4"
    ]
    assert chosen(journal) == [
        summary_night(N1, "Whoop", 88.0),
        summary_night(N2, "Whoop", 89.0),
    ]
    again = import_wearable(journal, None, folder)
    assert again.already_imported


@pytest.mark.parametrize("german", [False, True], ids=["english", "german"])
def test_withings(journal, tmp_path, german):
    path = more.withings_sleep(tmp_path / "sleep.csv", german=german)
    assert detect_source(path) == "withings"
    import_twice(journal, None, path)
    assert chosen(journal) == [summary_night(n, "Withings", None) for n in shapes.NIGHTS]


def test_fitbit_sleep_scores_join_their_nights(berlin, tmp_path):
    folder = shapes.fitbit_takeout(tmp_path / "takeout")
    import_twice(berlin, None, folder)
    assert [(g.night, g.score) for g in chosen(berlin)] == [
        ("2024-03-11", 81.0),
        ("2024-03-12", 82.0),
    ]


def test_fitbit_sleep_scores_alone_find_their_nights(berlin, tmp_path):
    logs = shapes.fitbit_takeout(tmp_path / "logs", score=False)
    import_wearable(berlin, None, logs)
    scores = shapes.fitbit_takeout(tmp_path / "scores") / "Takeout/Fitbit/Sleep Score"
    summary = import_wearable(berlin, "fitbit", scores)
    assert summary.nights_updated == 2
    assert [g.score for g in chosen(berlin)] == [81.0, 82.0]


def test_oura_app_csv(journal, tmp_path):
    folder = shapes.oura_app_csv(tmp_path / "oura-export")
    assert detect_source(folder) == "oura"
    import_twice(journal, None, folder)
    got = chosen(journal)
    assert [(g.bed, g.rise, g.asleep, g.deep, g.rem, g.score) for g in got] == [
        (n.bed.isoformat(), n.out.isoformat(), float(n.asleep), float(n.minutes(shapes.D)),
         float(n.minutes(shapes.R)), 80.0 + i)
        for i, n in enumerate(shapes.NIGHTS)
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["data", "sessions", "daily"])
def test_google_fit_takeout(berlin, tmp_path, kind):
    folder = more.google_fit_takeout(tmp_path / "takeout", kind=kind)
    assert detect_source(folder) == "google-fit"
    import_twice(berlin, None, folder)
    want = [expected(n, "Google Fit") for n in shapes.NIGHTS]
    if kind == "daily":
        # Quarter-hour rows say how long each stage lasted, not where in the quarter:
        # the night begins at its first quarter, the totals are exact.
        first = N1.bed.replace(minute=N1.bed.minute - N1.bed.minute % 15)
        want[0] = NightView(**{**want[0].__dict__, "bed": first.isoformat()})
    assert chosen(berlin) == want


def test_autosleep(journal, tmp_path):
    path = more.autosleep_csv(tmp_path / "AutoSleep-20240314.csv")
    assert detect_source(path) == "autosleep"
    import_twice(journal, None, path)
    got = chosen(journal)
    # AutoSleep knows deep sleep only; the rest of the sleep is of no named stage.
    assert [(g.bed, g.rise, g.in_bed, g.asleep, g.deep) for g in got] == [
        (n.bed.isoformat(), n.out.isoformat(), float(n.in_bed), float(n.asleep),
         float(n.minutes(shapes.D)))
        for n in shapes.NIGHTS
    ]  # fmt: skip


def test_pillow(berlin, tmp_path):
    path = more.pillow_csv(tmp_path / "Pillow-export.csv")
    assert detect_source(path) == "pillow"
    import_twice(berlin, None, path)
    assert chosen(berlin) == [summary_night(n, "Pillow", 76.0) for n in shapes.NIGHTS]


def test_generic_sleep_csv_with_a_saved_column_map(berlin, tmp_path):
    path = more.generic_csv(tmp_path / "my sleep log.csv")
    assert detect_source(path) is None
    spec = "start=Lights out,end=Got up,asleep_h=Slept (h)"
    import_twice(berlin, "sleep-csv", path, columns=spec, profile="diary")
    assert saved_profiles(berlin) == {"diary": spec}
    got = chosen(berlin)
    assert [(g.source, g.bed, g.rise, g.in_bed, g.asleep) for g in got] == [
        ("diary", n.bed.isoformat(), n.out.isoformat(), float(n.in_bed), float(n.asleep))
        for n in shapes.NIGHTS
    ]
    newer = more.generic_csv(tmp_path / "later log.csv")
    summary = import_wearable(berlin, "sleep-csv", newer, profile="diary")
    assert (summary.added, summary.nights_added) == (0, 0)


def test_column_map_mistakes_are_one_line(berlin, tmp_path):
    path = more.generic_csv(tmp_path / "log.csv")
    with pytest.raises(WearableImportError, match="log.csv: has no column 'Bedtime'"):
        import_wearable(berlin, "sleep-csv", path, columns="start=Bedtime,end=Got up")
    with pytest.raises(WearableImportError, match="--map: unknown field 'begin'"):
        import_wearable(berlin, "sleep-csv", path, columns="begin=Lights out,end=Got up")
    with pytest.raises(WearableImportError, match="no column map named 'nope'"):
        import_wearable(berlin, "sleep-csv", path, profile="nope")
    with pytest.raises(WearableImportError, match="cannot tell which columns"):
        import_wearable(berlin, "sleep-csv", path)


@pytest.mark.parametrize(
    ("table", "device"),
    [
        ("HUAMI_EXTENDED_ACTIVITY_SAMPLE", "Amazfit GTR 2"),
        ("WATCH_ACTIVITY_SAMPLE", "Watch"),  # the table name varies by device
    ],
    ids=["huami-extended", "generic-layout"],
)
def test_gadgetbridge_other_sample_tables(berlin, tmp_path, table, device):
    """Newer Huami devices write HUAMI_EXTENDED_ACTIVITY_SAMPLE; other devices a table
    in the generic layout with Gadgetbridge's own kinds (light 2, deep 4)."""
    path = shapes.gadgetbridge_db(tmp_path / "Gadgetbridge", table=table, device=device)
    assert detect_source(path) == "gadgetbridge"
    import_twice(berlin, None, path)
    assert chosen(berlin) == [
        expected(n, device, rem_as_light=True, trim_awake=True) for n in shapes.NIGHTS
    ]
