"""Fuzzing the JSON, CSV and SQLite importers: junk gives issues or one clear refusal."""

from __future__ import annotations

import json
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_journal.importers import REGISTRY
from kratom_journal.importers.safe_input import InputRejected
from kratom_journal.sleep.samples import ParseIssue

FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["2024-01-01T23:00:00.000", "2024-01-01T23:00:00+01:00", "wake", "1234"]),
)
keys = st.sampled_from(
    [
        "startTime",
        "endTime",
        "levels",
        "data",
        "shortData",
        "dateTime",
        "level",
        "seconds",
        "bedtime_start",
        "bedtime_end",
        "sleep_phase_5_min",
        "heart_rate",
        "hrv",
        "items",
        "interval",
        "timestamp",
        "sleepStartTimestampGMT",
        "sleepEndTimestampGMT",
        "sleepStartTimestampLocal",
        "deepSleepSeconds",
        "awakeCount",
        "spo2SleepSummary",
        "averageHR",
        "x",
    ]
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=25,
)
FILES = {
    "fitbit": "sleep-2024-01-01.json",
    "oura": "oura.json",
    "garmin": "x_sleepData.json",
}


def _check(items: list[object]) -> None:
    for item in items:
        if isinstance(item, ParseIssue):
            assert "\n" not in item.describe()
        else:
            assert item.start.utcoffset() is not None  # type: ignore[attr-defined]


@FUZZ
@given(source=st.sampled_from(sorted(FILES)), document=documents)
def test_json_sources_survive_junk(tmp_path, source, document):
    path = tmp_path / FILES[source]
    path.write_text(json.dumps(document, allow_nan=True))
    try:
        _check(list(REGISTRY[source].parse(path, zone="Europe/Berlin")))
    except InputRejected as error:
        assert "\n" not in str(error)


cells = st.text(alphabet=st.sampled_from(list('0123456789-:. ,"UTC+abz')), max_size=25)


@FUZZ
@given(rows=st.lists(st.lists(cells, max_size=7), max_size=6), preamble=st.booleans())
def test_samsung_csv_survives_junk(tmp_path, rows, preamble):
    lines = (["com.samsung.shealth.sleep_stage,1,1"] if preamble else []) + [
        "start_time,end_time,stage,sleep_id,time_offset"
    ]
    lines += [",".join(row) for row in rows]
    path = tmp_path / "com.samsung.shealth.sleep_stage.1.csv"
    path.write_text("\n".join(lines))
    try:
        _check(list(REGISTRY["samsung"].parse(path)))
    except InputRejected as error:
        assert "\n" not in str(error)


@FUZZ
@given(rows=st.lists(st.lists(cells, max_size=9), max_size=6))
def test_sleep_as_android_csv_survives_junk(tmp_path, rows):
    lines = []
    for row in rows:
        lines += ["Id,Tz,From,To,Sched,Hours,Rating,Comment,Event", ",".join(row)]
    path = tmp_path / "sleep-export.csv"
    path.write_text("\n".join(lines) or "Id,")
    try:
        _check(list(REGISTRY["sleep-as-android"].parse(path)))
    except InputRejected as error:
        assert "\n" not in str(error)


@FUZZ
@given(
    values=st.lists(
        st.tuples(
            st.one_of(st.integers(-(10**14), 10**14), st.text(max_size=5), st.none()),
            st.one_of(st.integers(-(10**14), 10**14), st.none()),
            st.one_of(st.integers(-(10**6), 10**6), st.none()),
            st.one_of(st.integers(-3, 9), st.text(max_size=3), st.none()),
        ),
        max_size=5,
    )
)
def test_health_connect_survives_junk_rows(tmp_path, values):
    path = tmp_path / "hc.db"
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE sleep_session_record_table (row_id INTEGER PRIMARY KEY,
                start_time, end_time, start_zone_offset, end_zone_offset);
            CREATE TABLE sleep_stages_table (parent_key, stage_start_time, stage_end_time,
                stage_type);
            """
        )
        for index, (start, end, offset, stage) in enumerate(values, 1):
            db.execute(
                "INSERT INTO sleep_session_record_table VALUES (?, ?, ?, ?, ?)",
                (index, start, end, offset, offset),
            )
            db.execute(
                "INSERT INTO sleep_stages_table VALUES (?, ?, ?, ?)", (index, start, end, stage)
            )
    db.close()
    try:
        _check(list(REGISTRY["health-connect"].parse(path)))
    except InputRejected as error:
        assert "\n" not in str(error)
