"""Synthetic exports of the other vendors: Fitbit, Oura, Garmin, Samsung, Sleep as Android
and Health Connect."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kratom_journal.demo.synthetic.nights import SyntheticNight
from kratom_journal.sleep.samples import Stage
from kratom_journal.store.types import to_ms


def _naive_local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S.000")


def write_fitbit(folder: Path, nights: list[SyntheticNight]) -> Path:
    """A Takeout-shaped folder: ``Takeout/Fitbit/Global Export Data/sleep-<date>.json``."""
    target = folder / "Takeout" / "Fitbit" / "Global Export Data"
    target.mkdir(parents=True, exist_ok=True)
    logs = []
    for index, night in enumerate(nights):
        data = [
            {
                "dateTime": _naive_local(start, night.zone),
                "level": {Stage.AWAKE: "wake", Stage.LIGHT: "light", Stage.DEEP: "deep"}.get(
                    stage, "rem"
                ),
                "seconds": int((end - start).total_seconds()),
            }
            for stage, start, end in night.segments
        ]
        logs.append(
            {
                "logId": 1000 + index,
                "dateOfSleep": (night.night + timedelta(days=1)).isoformat(),
                "startTime": _naive_local(night.bed_at, night.zone),
                "endTime": _naive_local(night.out_at, night.zone),
                "duration": int((night.out_at - night.bed_at).total_seconds() * 1000),
                "type": "stages",
                "mainSleep": True,
                "levels": {"summary": {}, "data": data, "shortData": []},
            }
        )
    path = target / f"sleep-{nights[0].night.isoformat()}.json"
    path.write_text(json.dumps(logs))
    return folder


def write_oura(path: Path, nights: list[SyntheticNight]) -> Path:
    """Oura API v2 shaped ``{"data": [sleep, …]}`` with 5-minute phases."""
    codes = {Stage.DEEP: "1", Stage.LIGHT: "2", Stage.REM: "3", Stage.AWAKE: "4"}
    periods = []
    for index, night in enumerate(nights):
        phases = []
        moment = night.bed_at
        while moment < night.out_at:
            stage = next(s for s, b, e in night.segments if b <= moment < e)
            phases.append(codes[stage])
            moment += timedelta(minutes=5)
        end = night.bed_at + timedelta(minutes=5 * len(phases))
        periods.append(
            {
                "id": f"oura-{index}",
                "day": (night.night + timedelta(days=1)).isoformat(),
                "bedtime_start": night.bed_at.isoformat(),
                "bedtime_end": end.isoformat(),
                "type": "long_sleep",
                "sleep_phase_5_min": "".join(phases),
                "heart_rate": {
                    "interval": 300,
                    "timestamp": night.bed_at.isoformat(),
                    "items": [None] + [bpm for _m, bpm in night.heart_rate[1:]],
                },
                "hrv": {
                    "interval": 300,
                    "timestamp": night.bed_at.isoformat(),
                    "items": [40, None, 55],
                },
            }
        )
    path.write_text(json.dumps({"data": periods}))
    return path


def write_garmin(folder: Path, nights: list[SyntheticNight]) -> Path:
    """``DI_CONNECT/DI-Connect-Wellness/<from>_<to>_1_sleepData.json`` with nightly totals."""
    target = folder / "DI_CONNECT" / "DI-Connect-Wellness"
    target.mkdir(parents=True, exist_ok=True)
    records = []
    for night in nights:
        totals = dict.fromkeys((Stage.DEEP, Stage.LIGHT, Stage.REM, Stage.AWAKE), 0)
        for stage, start, end in night.segments:
            totals[stage] += int((end - start).total_seconds())
        gmt = "%Y-%m-%dT%H:%M:%S.0"
        records.append(
            {
                "calendarDate": (night.night + timedelta(days=1)).isoformat(),
                "sleepStartTimestampGMT": night.bed_at.astimezone(UTC).strftime(gmt),
                "sleepEndTimestampGMT": night.out_at.astimezone(UTC).strftime(gmt),
                "sleepStartTimestampLocal": night.bed_at.strftime(gmt),
                "deepSleepSeconds": totals[Stage.DEEP],
                "lightSleepSeconds": totals[Stage.LIGHT],
                "remSleepSeconds": totals[Stage.REM],
                "awakeSleepSeconds": totals[Stage.AWAKE],
                "awakeCount": sum(1 for s, _b, _e in night.segments[1:-1] if s is Stage.AWAKE),
                "spo2SleepSummary": {"averageHR": 55},
            }
        )
    first, last = nights[0].night.isoformat(), nights[-1].night.isoformat()
    (target / f"{first}_{last}_1_sleepData.json").write_text(json.dumps(records))
    return folder


def _samsung_offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta()
    sign = "-" if offset < timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}{minutes % 60:02d}"


def write_samsung(path: Path, nights: list[SyntheticNight]) -> Path:
    """A personal-data zip with the sleep and sleep_stage CSV files (preamble on line 1)."""
    utc = "%Y-%m-%d %H:%M:%S.000"
    stage_codes = {Stage.AWAKE: 40001, Stage.LIGHT: 40002, Stage.DEEP: 40003, Stage.REM: 40004}
    stages = [
        "com.samsung.shealth.sleep_stage,6313004,1",
        "start_time,end_time,stage,sleep_id,time_offset",
    ]
    sessions = [
        "com.samsung.shealth.sleep,6313004,1",
        "com.samsung.health.sleep.start_time,com.samsung.health.sleep.end_time,efficiency,"
        "com.samsung.health.sleep.time_offset,com.samsung.health.sleep.datauuid",
    ]
    for index, night in enumerate(nights):
        uuid = f"00000000-0000-0000-0000-{index:012d}"
        offset = _samsung_offset(night.bed_at)
        sessions.append(
            f"{night.bed_at.astimezone(UTC).strftime(utc)},"
            f"{night.out_at.astimezone(UTC).strftime(utc)},90,{offset},{uuid}"
        )
        for stage, start, end in night.segments:
            stages.append(
                f"{start.astimezone(UTC).strftime(utc)},{end.astimezone(UTC).strftime(utc)},"
                f"{stage_codes[stage]},{uuid},{_samsung_offset(start)}"
            )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "samsunghealth_anna_20240601/com.samsung.shealth.sleep_stage.20240601.csv",
            "\n".join(stages) + "\n",
        )
        archive.writestr(
            "samsunghealth_anna_20240601/com.samsung.shealth.sleep.20240601.csv",
            "\n".join(sessions) + "\n",
        )
    return path


def write_sleep_as_android(path: Path, nights: list[SyntheticNight]) -> Path:
    """``sleep-export.zip`` holding ``sleep-export.csv`` with stage events."""
    names = {Stage.DEEP: "DEEP", Stage.LIGHT: "LIGHT", Stage.REM: "REM", Stage.AWAKE: "AWAKE"}
    lines = []
    for night in nights:
        start_ms = to_ms(night.bed_at)
        hours = (night.out_at - night.bed_at).total_seconds() / 3600
        events = []
        for stage, start, end in night.segments:
            events.append(f"{names[stage]}_START-{to_ms(start)}")
            events.append(f"{names[stage]}_END-{to_ms(end)}")
        header = (
            "Id,Tz,From,To,Sched,Hours,Rating,Comment,Framerate,Snore,Noise,Cycles,DeepSleep,"
            'LenAdjust,Geo,"23:00","23:05"' + ",Event" * len(events)
        )
        local_from = night.bed_at.strftime("%d. %m. %Y %-H:%M")
        local_to = night.out_at.strftime("%d. %m. %Y %-H:%M")
        values = (
            f'"{start_ms}","{night.zone}","{local_from}","{local_to}","","{hours:.3f}","3.5",'
            '"#home","10000","-1","-1.0","5","0.4","0","","0.1","0.2",'
            + ",".join(f'"{event}"' for event in events)
        )
        lines += [header, values]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sleep-export.csv", "\n".join(lines) + "\n")
    return path


def write_health_connect(path: Path, nights: list[SyntheticNight], *, zipped: bool = True) -> Path:
    """A Health Connect export database (zipped as ``Health Connect.zip`` by default)."""

    stage_types = {Stage.AWAKE: 1, Stage.LIGHT: 4, Stage.DEEP: 5, Stage.REM: 6}
    db_path = path.with_suffix(".db") if zipped else path
    with closing(sqlite3.connect(db_path)) as db, db:
        db.executescript(
            """
            CREATE TABLE application_info_table (row_id INTEGER PRIMARY KEY, package_name TEXT,
                app_name TEXT);
            CREATE TABLE sleep_session_record_table (row_id INTEGER PRIMARY KEY, uuid BLOB,
                app_info_id INTEGER, start_time INTEGER, end_time INTEGER,
                start_zone_offset INTEGER, end_zone_offset INTEGER, title TEXT, notes TEXT);
            CREATE TABLE sleep_stages_table (parent_key INTEGER, stage_start_time INTEGER,
                stage_end_time INTEGER, stage_type INTEGER);
            CREATE TABLE heart_rate_record_table (row_id INTEGER PRIMARY KEY, app_info_id INTEGER,
                start_time INTEGER, start_zone_offset INTEGER);
            CREATE TABLE heart_rate_record_series_table (parent_key INTEGER, epoch_millis INTEGER,
                beats_per_minute INTEGER);
            INSERT INTO application_info_table VALUES (1, 'com.ouraring.oura', 'Oura');
            """
        )
        for index, night in enumerate(nights, 1):
            offset = int((night.bed_at.utcoffset() or timedelta()).total_seconds())
            end_offset = int((night.out_at.utcoffset() or timedelta()).total_seconds())
            db.execute(
                "INSERT INTO sleep_session_record_table "
                "VALUES (?, NULL, 1, ?, ?, ?, ?, NULL, NULL)",
                (index, to_ms(night.bed_at), to_ms(night.out_at), offset, end_offset),
            )
            db.executemany(
                "INSERT INTO sleep_stages_table VALUES (?, ?, ?, ?)",
                [(index, to_ms(b), to_ms(e), stage_types[s]) for s, b, e in night.segments],
            )
            db.execute(
                "INSERT INTO heart_rate_record_table VALUES (?, 1, ?, ?)",
                (index, to_ms(night.bed_at), offset),
            )
            db.executemany(
                "INSERT INTO heart_rate_record_series_table VALUES (?, ?, ?)",
                [(index, to_ms(m), int(bpm)) for m, bpm in night.heart_rate],
            )
    if not zipped:
        return path
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(db_path, "health_connect_export.db")
    db_path.unlink()
    return path
