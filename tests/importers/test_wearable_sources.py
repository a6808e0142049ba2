"""Every source: fixtures written by the seeded generator, golden nights, junk input."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from kratom_journal.demo import synthetic
from kratom_journal.importers import REGISTRY, detect_source
from kratom_journal.importers.safe_input import InputRejected
from kratom_journal.sleep.nights import derive_nights
from kratom_journal.sleep.samples import MetricSample, ParseIssue, SleepSample, SleepSummary, Stage

ZONE = "Europe/Berlin"


@pytest.fixture
def nights() -> list[synthetic.SyntheticNight]:
    # Three nights around the spring-forward change in Berlin (31 March 2024).
    plan = synthetic.NightPlan(date(2024, 3, 29), 3, zone=ZONE)
    return synthetic.generate_nights(5, plan)


WRITERS: dict[str, Callable[[Path, list[synthetic.SyntheticNight]], Path]] = {
    "apple-health": lambda d, n: synthetic.write_apple_health(d / "export.zip", n),
    "fitbit": lambda d, n: synthetic.write_fitbit(d / "takeout", n),
    "oura": lambda d, n: synthetic.write_oura(d / "oura.json", n),
    "garmin": lambda d, n: synthetic.write_garmin(d / "garmin", n),
    "samsung": lambda d, n: synthetic.write_samsung(d / "samsung.zip", n),
    "sleep-as-android": lambda d, n: synthetic.write_sleep_as_android(d / "sleep-export.zip", n),
    "health-connect": lambda d, n: synthetic.write_health_connect(d / "Health Connect.zip", n),
}


def _truth(night: synthetic.SyntheticNight) -> tuple[float, float]:
    in_bed = (night.out_at - night.bed_at).total_seconds() / 60
    asleep = sum(
        ((e - b) for s, b, e in night.segments if s is not Stage.AWAKE), timedelta()
    ).total_seconds()
    return in_bed, asleep / 60


@pytest.mark.parametrize("source", sorted(WRITERS))
def test_golden_nights_per_source(tmp_path, nights, source):
    path = WRITERS[source](tmp_path, nights)
    assert detect_source(path) == source
    items = list(REGISTRY[source].parse(path, zone=ZONE))
    problems = [i for i in items if isinstance(i, ParseIssue)]
    assert problems == []
    sleep = [i for i in items if isinstance(i, SleepSample | SleepSummary)]
    metrics = [i for i in items if isinstance(i, MetricSample)]
    chosen = [n for n in derive_nights(sleep, metrics) if n.chosen]
    assert [n.night for n in chosen] == [n.night for n in nights]
    # Oura's hypnogram has 5-minute resolution; the others are exact to the second.
    tolerance = 5.1 if source == "oura" else 0.1
    for derived, truth in zip(chosen, nights, strict=True):
        in_bed, asleep = _truth(truth)
        assert derived.time_in_bed_min == pytest.approx(in_bed, abs=tolerance)
        assert derived.total_sleep_min == pytest.approx(asleep, abs=tolerance * 3)
        assert derived.total_sleep_min <= derived.time_in_bed_min
        assert derived.stages is not None and derived.stages.deep > 0
        assert derived.bed_at.utcoffset() == truth.bed_at.utcoffset()
        if source not in ("samsung", "sleep-as-android", "fitbit"):
            assert derived.heart_rate_mean is not None


def test_all_sources_of_one_night_count_once(tmp_path, nights):
    everything: list[SleepSample | SleepSummary] = []
    for source, writer in WRITERS.items():
        folder = tmp_path / source
        folder.mkdir()
        path = writer(folder, nights)
        everything += [
            i
            for i in REGISTRY[source].parse(path, zone=ZONE)
            if isinstance(i, SleepSample | SleepSummary)
        ]
    derived = derive_nights(everything)
    per_night: dict[date, list[object]] = {}
    for night in derived:
        per_night.setdefault(night.night, []).append(night)
        assert night.total_sleep_min is None or night.total_sleep_min <= night.time_in_bed_min
    for night, truth in zip(sorted(per_night), nights, strict=True):
        chosen = [n for n in per_night[night] if n.chosen]  # type: ignore[attr-defined]
        assert len(chosen) == 1
        assert chosen[0].time_in_bed_min <= _truth(truth)[0] + 60


def test_priority_setting_switches_source(tmp_path, nights):
    apple = WRITERS["apple-health"](tmp_path, nights)
    oura = WRITERS["oura"](tmp_path, nights)
    sleep = [
        i
        for path, name in ((apple, "apple-health"), (oura, "oura"))
        for i in REGISTRY[name].parse(path)
        if isinstance(i, SleepSample)
    ]
    watch = {n.source.name for n in derive_nights(sleep, priority=("apple watch",)) if n.chosen}
    assert watch == {"Apple Watch"}
    switched = {n.source.vendor for n in derive_nights(sleep, priority=("oura",)) if n.chosen}
    assert switched == {"oura"}


def test_json_array_of_junk(tmp_path):
    path = tmp_path / "sleep-2024-01-01.json"
    path.write_text(json.dumps([1, "x", None, {"logId": 3}]))
    assert detect_source(path) is None or detect_source(path) == "fitbit"
    items = list(REGISTRY["fitbit"].parse(path))
    assert len(items) == 4 and all(isinstance(i, ParseIssue) for i in items)
    assert items[0].describe() == (
        "sleep-2024-01-01.json, record 1: expected a sleep log with startTime and endTime"
    )


def test_json_that_is_not_json(tmp_path):
    path = tmp_path / "oura.json"
    path.write_text('{"bedtime_start": ')
    with pytest.raises(InputRejected, match="line 1, column 19: not valid JSON"):
        list(REGISTRY["oura"].parse(path))


def test_sqlite_that_is_not_health_connect(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER)")
    with pytest.raises(InputRejected, match="not a Health Connect export"):
        list(REGISTRY["health-connect"].parse(path))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(InputRejected):
        list(REGISTRY["health-connect"].parse(junk))


def test_health_connect_file_is_not_modified(tmp_path, nights):
    path = synthetic.write_health_connect(tmp_path / "hc.db", nights, zipped=False)
    before = path.read_bytes()
    assert [i for i in REGISTRY["health-connect"].parse(path) if isinstance(i, ParseIssue)] == []
    assert path.read_bytes() == before


def test_samsung_bad_rows_are_reported_by_line(tmp_path):
    path = tmp_path / "com.samsung.shealth.sleep_stage.1.csv"
    path.write_text(
        "com.samsung.shealth.sleep_stage,1,1\nstart_time,end_time,stage,sleep_id,time_offset\n"
        "2024-01-01 22:00:00.000,2024-01-01 22:30:00.000,40002,u,UTC+0100\n"
        "2024-01-01 22:30:00.000,2024-01-01 23:00:00.000,49999,u,UTC+0100\n"
        "yesterday,2024-01-01 23:00:00.000,40002,u,UTC+0100\n"
    )
    items = list(REGISTRY["samsung"].parse(path))
    assert isinstance(items[0], SleepSample) and items[0].start.utcoffset() == timedelta(hours=1)
    assert [(i.line, i.severity) for i in items[1:]] == [(4, "error"), (5, "error")]


def test_unknown_file_is_not_detected(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert detect_source(path) is None


GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("source", sorted(WRITERS))
def test_golden_snapshot(tmp_path, nights, source):
    """Derived nights for the seeded fixture, field by field, as stored in golden/.

    Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest …``.
    """
    import os

    from kratom_journal.services.wearable_nights import night_dict

    path = WRITERS[source](tmp_path, nights)
    items = list(REGISTRY[source].parse(path, zone=ZONE))
    sleep = [i for i in items if isinstance(i, SleepSample | SleepSummary)]
    metrics = [i for i in items if isinstance(i, MetricSample)]
    derived = derive_nights(sleep, metrics)
    chosen = [n for n in derived if n.chosen]
    others = {n.night: [o for o in derived if o.night == n.night and not o.chosen] for n in chosen}
    actual = [night_dict(n, others[n.night]) for n in chosen]
    golden = GOLDEN / f"{source}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n")
    assert actual == json.loads(golden.read_text())
