"""Export files written in the shapes real exports have (field names, nesting, file names,
encodings, line endings), for two known nights.

Each writer takes :data:`NIGHTS` (or its own list) and writes what that app's
export would hold for them; the known answers are in :class:`Hypnogram`. The
shapes follow the vendors' documented or widely seen layouts (see
docs/importers.md); no file is copied from anywhere.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kratom_journal.sleep.samples import Stage

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Hypnogram:
    """One night: when bed began and the stages that followed, in minutes."""

    bed: datetime
    stages: tuple[tuple[Stage, int], ...]

    @property
    def out(self) -> datetime:
        return self.bed + timedelta(minutes=sum(m for _s, m in self.stages))

    def minutes(self, stage: Stage) -> int:
        return sum(m for s, m in self.stages if s is stage)

    @property
    def in_bed(self) -> int:
        return sum(m for _s, m in self.stages)

    @property
    def asleep(self) -> int:
        return self.in_bed - self.minutes(Stage.AWAKE)

    def spans(self) -> Iterator[tuple[Stage, datetime, datetime]]:
        """The stages as (stage, start, end), in UTC-correct aware times."""
        cursor = self.bed.astimezone(UTC)
        for stage, minutes in self.stages:
            end = cursor + timedelta(minutes=minutes)
            yield stage, cursor.astimezone(BERLIN), end.astimezone(BERLIN)
            cursor = end


A, L, D, R = Stage.AWAKE, Stage.LIGHT, Stage.DEEP, Stage.REM
NIGHTS = (
    Hypnogram(
        datetime(2024, 3, 11, 23, 10, tzinfo=BERLIN),
        ((A, 12), (L, 60), (D, 45), (L, 30), (R, 25), (A, 5), (L, 80), (D, 20), (R, 40),
         (L, 60), (A, 13)),
    ),
    Hypnogram(
        datetime(2024, 3, 12, 22, 45, tzinfo=BERLIN),
        ((A, 20), (L, 90), (D, 50), (R, 30), (L, 100), (R, 45), (A, 15)),
    ),
)  # fmt: skip
"""Night 1: 390 min in bed, 360 asleep (light 230, deep 65, REM 65).
Night 2: 350 min in bed, 315 asleep (light 190, deep 50, REM 75)."""


def naive(moment: datetime, fmt: str = "%Y-%m-%dT%H:%M:%S.000") -> str:
    """Local wall-clock time without an offset, as Fitbit and others write it."""
    return moment.astimezone(BERLIN).strftime(fmt)


def utc_text(moment: datetime, fmt: str = "%Y-%m-%d %H:%M:%S.000") -> str:
    return moment.astimezone(UTC).strftime(fmt)


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def write(path: Path, text: str, *, crlf: bool = False, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------- Samsung


def samsung_stage_csv(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """``com.samsung.health.sleep_stage.<stamp>.csv``: preamble, real header, stray comma."""
    codes = {A: 40001, L: 40002, D: 40003, R: 40004}
    lines = [
        "com.samsung.health.sleep_stage,7006011,7",
        "create_sh_ver,start_time,sleep_id,custom,update_time,create_time,stage,time_offset,"
        "deviceuuid,pkg_name,end_time,datauuid",
    ]
    for index, night in enumerate(nights):
        for number, (stage, start, end) in enumerate(night.spans()):
            lines.append(
                f"6313004,{utc_text(start)},sleep-{index},,{utc_text(end)},{utc_text(end)},"
                f"{codes[stage]},UTC+0100,dev-1,com.sec.android.app.shealth,{utc_text(end)},"
                f"stage-{index}-{number},"
            )
    return write(path, "\n".join(lines) + "\n", crlf=True)


# ---------------------------------------------------------------------- Fitbit


def fitbit_log(night: Hypnogram, log_id: int, *, unknown: bool = False) -> dict[str, object]:
    """A sleep log of the Web API v1.2 / Takeout, with ``levels.data`` (and ``unknown``)."""
    names = {A: "wake", L: "light", D: "deep", R: "rem"}
    data = [
        {"dateTime": naive(start), "level": names[stage], "seconds": int((end - start).seconds)}
        for stage, start, end in night.spans()
    ]
    if unknown:
        # Fitbit marks stretches it could not classify; they lie inside the log.
        data[1] = {**data[1], "level": "unknown"}
    return {
        "logId": log_id,
        "dateOfSleep": night.out.astimezone(BERLIN).date().isoformat(),
        "startTime": naive(night.bed),
        "endTime": naive(night.out),
        "duration": night.in_bed * 60_000,
        "minutesAsleep": night.asleep,
        "minutesAwake": night.minutes(A),
        "timeInBed": night.in_bed,
        "efficiency": 92,
        "type": "stages",
        "infoCode": 0,
        "isMainSleep": True,
        "levels": {"summary": {}, "data": data, "shortData": []},
    }


def fitbit_api_json(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS, **kw: bool) -> Path:
    """A saved Web API v1.2 response: ``{"sleep": [...], "summary": {...}}``."""
    unknown = kw.get("unknown", False)
    logs = [fitbit_log(n, 50_000 + i, unknown=unknown and i == 0) for i, n in enumerate(nights)]
    summary = {"totalMinutesAsleep": sum(n.asleep for n in nights), "totalSleepRecords": 2}
    return write(path, json.dumps({"sleep": logs, "summary": summary}, indent=1))


def fitbit_takeout(
    folder: Path, nights: tuple[Hypnogram, ...] = NIGHTS, score: bool = True
) -> Path:
    """``Takeout/Fitbit/Global Export Data/sleep-*.json`` and ``Sleep Score/sleep_score.csv``."""
    base = folder / "Takeout" / "Fitbit"
    logs = [{**fitbit_log(n, 50_000 + i), "mainSleep": True} for i, n in enumerate(nights)]
    for log in logs:
        log.pop("isMainSleep")
    write(base / "Global Export Data" / "sleep-2024-03-11.json", json.dumps(logs))
    if score:
        rows = [
            "sleep_log_entry_id,timestamp,overall_score,composition_score,revitalization_score,"
            "duration_score,deep_sleep_in_minutes,resting_heart_rate,restlessness"
        ]
        for index, night in enumerate(nights):
            stamp = night.out.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(f"{50_000 + index},{stamp},{81 + index},,82,,{night.minutes(D)},55,0.12")
        write(base / "Sleep Score" / "sleep_score.csv", "\n".join(rows) + "\n")
    return folder


# ---------------------------------------------------------------------- Garmin


def garmin_api_json(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """Connect API sleep responses: ``[{"dailySleepDTO": {...}, "sleepLevels": [...]}]``."""
    levels = {D: 0.0, L: 1.0, R: 2.0, A: 3.0}
    items = []
    for index, night in enumerate(nights):
        offset_ms = int(night.bed.utcoffset().total_seconds() * 1000)  # type: ignore[union-attr]
        dto = {
            "id": 1700 + index,
            "calendarDate": night.out.astimezone(BERLIN).date().isoformat(),
            "sleepTimeSeconds": night.asleep * 60,
            "sleepStartTimestampGMT": epoch_ms(night.bed),
            "sleepEndTimestampGMT": epoch_ms(night.out),
            "sleepStartTimestampLocal": epoch_ms(night.bed) + offset_ms,
            "sleepEndTimestampLocal": epoch_ms(night.out) + offset_ms,
            "deepSleepSeconds": night.minutes(D) * 60,
            "lightSleepSeconds": night.minutes(L) * 60,
            "remSleepSeconds": night.minutes(R) * 60,
            "awakeSleepSeconds": night.minutes(A) * 60,
            "sleepWindowConfirmed": True,
            "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL",
            "averageRespirationValue": 14.0,
            "sleepScores": {"overall": {"value": 77 + index, "qualifierKey": "FAIR"}},
        }
        sleep_levels = [
            {
                "startGMT": utc_text(start, "%Y-%m-%dT%H:%M:%S.0"),
                "endGMT": utc_text(end, "%Y-%m-%dT%H:%M:%S.0"),
                "activityLevel": levels[stage],
            }
            for stage, start, end in night.spans()
        ]
        heart = [
            {"value": 52 + k % 5, "startGMT": epoch_ms(night.bed) + k * 120_000}
            for k in range(night.in_bed // 2)
        ]
        items.append(
            {
                "dailySleepDTO": dto,
                "sleepLevels": sleep_levels,
                "sleepHeartRate": heart,
                "restingHeartRate": 51,
                "avgOvernightHrv": 44.0,
            }
        )
    return write(path, json.dumps(items if len(items) > 1 else items[0]))


def garmin_unconfirmed(start: datetime) -> dict[str, object]:
    """An export record of a window Garmin did not confirm and found no sleep in."""
    end = start + timedelta(hours=8)
    return {
        "calendarDate": end.date().isoformat(),
        "sleepStartTimestampGMT": utc_text(start, "%Y-%m-%dT%H:%M:%S.0"),
        "sleepEndTimestampGMT": utc_text(end, "%Y-%m-%dT%H:%M:%S.0"),
        "sleepWindowConfirmationType": "UNCONFIRMED",
        "deepSleepSeconds": 0,
        "lightSleepSeconds": 0,
        "remSleepSeconds": 0,
        "awakeSleepSeconds": 0,
        "unmeasurableSeconds": 28800,
    }


# ------------------------------------------------------------------------ Oura


def _phases(night: Hypnogram) -> str:
    codes = {D: "1", L: "2", R: "3", A: "4"}
    return "".join(codes[stage] * (minutes // 5) for stage, minutes in night.stages)


def oura_v1_json(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """API v1 / legacy: ``{"sleep": [{… "hypnogram_5min", "hr_5min", "rmssd_5min" …}]}``."""
    periods = []
    for index, night in enumerate(nights):
        five = night.in_bed // 5
        periods.append(
            {
                "summary_date": night.bed.date().isoformat(),
                "period_id": 0,
                "is_longest": 1,
                "timezone": 60,
                "bedtime_start": night.bed.isoformat(),
                "bedtime_end": night.out.isoformat(),
                "score": 70 + index,
                "duration": night.in_bed * 60,
                "total": night.asleep * 60,
                "awake": night.minutes(A) * 60,
                "light": night.minutes(L) * 60,
                "rem": night.minutes(R) * 60,
                "deep": night.minutes(D) * 60,
                "hypnogram_5min": _phases(night),
                "hr_5min": [0] + [50 + k % 7 for k in range(1, five)],
                "rmssd_5min": [0, 0] + [40 + k % 9 for k in range(2, five)],
            }
        )
    return write(path, json.dumps({"sleep": periods}))


def oura_v2_period(night: Hypnogram, index: int) -> dict[str, object]:
    return {
        "id": f"period-{index}",
        "day": night.out.date().isoformat(),
        "bedtime_start": night.bed.isoformat(),
        "bedtime_end": night.out.isoformat(),
        "type": "long_sleep",
        "time_in_bed": night.in_bed * 60,
        "total_sleep_duration": night.asleep * 60,
        "awake_time": night.minutes(A) * 60,
        "light_sleep_duration": night.minutes(L) * 60,
        "deep_sleep_duration": night.minutes(D) * 60,
        "rem_sleep_duration": night.minutes(R) * 60,
        "sleep_phase_5_min": _phases(night),
        "heart_rate": {
            "interval": 300.0,
            "items": [None, 51, 52],
            "timestamp": night.bed.isoformat(),
        },
        "hrv": {"interval": 300.0, "items": [None, 45, 47], "timestamp": night.bed.isoformat()},
    }


def oura_collector_json(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """A collector dump: ``{"sleep": {"data": [v2 documents]}, "daily_sleep": {...}}``."""
    periods = [oura_v2_period(n, i) for i, n in enumerate(nights)]
    return write(path, json.dumps({"sleep": {"data": periods, "next_token": None}}))


def oura_app_csv(folder: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """The app export's ``App Data/sleepmodel.csv`` and ``dailysleep.csv`` (semicolons)."""
    keys = [
        "id", "day", "bedtime_start", "bedtime_end", "type", "time_in_bed",
        "total_sleep_duration", "awake_time", "light_sleep_duration", "deep_sleep_duration",
        "rem_sleep_duration", "sleep_phase_5_min", "heart_rate", "hrv",
    ]  # fmt: skip
    rows = [";".join(keys)]
    for index, night in enumerate(nights):
        period = oura_v2_period(night, index)
        rows.append(
            ";".join(
                json.dumps(period[k]) if isinstance(period[k], dict) else str(period[k])
                for k in keys
            )
        )
    write(folder / "App Data" / "sleepmodel.csv", "\n".join(rows) + "\n")
    daily = ["id;day;score;timestamp"] + [
        f"d-{i};{n.out.date().isoformat()};{80 + i};{n.out.date().isoformat()}T00:00:00+00:00"
        for i, n in enumerate(nights)
    ]
    write(folder / "App Data" / "dailysleep.csv", "\n".join(daily) + "\n")
    return folder


# ------------------------------------------------------------ Sleep as Android


def sleep_as_android_mangled(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """``sleep-export.csv`` after a spreadsheet re-saved it: ids like ``1.71019E+12``."""
    lines = []
    for night in nights:
        mangled = f"{epoch_ms(night.bed) / 1e12:.5f}E+12"
        lines.append("Id,Tz,From,To,Sched,Hours,Rating,Comment,Framerate,Snore,Noise,Cycles,"
                     "DeepSleep,LenAdjust,Geo")  # fmt: skip
        lines.append(
            f"{mangled},Europe/Berlin,{night.bed.strftime('%d. %m. %Y %-H:%M')},"
            f"{night.out.strftime('%d. %m. %Y %-H:%M')},,{night.in_bed / 60:.4f},3.5,,10000,"
            "-1,-1.0,5,0.4,0,"
        )
    return write(path, "\n".join(lines) + "\n", crlf=True)


# ---------------------------------------------------------------- Gadgetbridge


HUAMI_EXTENDED_EXTRA = ", UNKNOWN1 INTEGER, SLEEP INTEGER, DEEP_SLEEP INTEGER, REM_SLEEP INTEGER"


def gadgetbridge_db(
    path: Path,
    nights: tuple[Hypnogram, ...] = NIGHTS,
    *,
    table: str = "MI_BAND_ACTIVITY_SAMPLE",
    device: str = "Amazfit Band 5",
) -> Path:
    """A Gadgetbridge database with a band's per-minute samples for the nights.

    In Huami tables (``MI_BAND_…``, ``HUAMI_EXTENDED_…``) sleep minutes carry
    Huami's kinds with high bits set (raw & 0xF is the kind): light 9, deep 11,
    with some "no change" (0) and "ignore" (10) minutes that continue the kind
    before them. Any other table has the generic layout with Gadgetbridge's own
    kinds (light 2, deep 4). Awake minutes in bed are activity (1).
    """
    huami = table in ("MI_BAND_ACTIVITY_SAMPLE", "HUAMI_EXTENDED_ACTIVITY_SAMPLE")
    kinds = {L: 9, D: 11, A: 1, R: 9} if huami else {L: 2, D: 4, A: 1, R: 2}
    extra = HUAMI_EXTENDED_EXTRA if table == "HUAMI_EXTENDED_ACTIVITY_SAMPLE" else ""
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(
            f"""
            CREATE TABLE DEVICE (_id INTEGER PRIMARY KEY, NAME TEXT, MANUFACTURER TEXT,
                IDENTIFIER TEXT, TYPE INTEGER, MODEL TEXT, ALIAS TEXT);
            CREATE TABLE {table} (TIMESTAMP INTEGER NOT NULL,
                DEVICE_ID INTEGER NOT NULL, USER_ID INTEGER NOT NULL, RAW_INTENSITY INTEGER,
                STEPS INTEGER, RAW_KIND INTEGER, HEART_RATE INTEGER{extra},
                PRIMARY KEY (TIMESTAMP, DEVICE_ID));
            CREATE TABLE PEBBLE_HEALTH_ACTIVITY_SAMPLE (TIMESTAMP INTEGER, DEVICE_ID INTEGER,
                USER_ID INTEGER, RAW_INTENSITY INTEGER, STEPS INTEGER, RAW_KIND INTEGER);
            """
        )
        db.execute(
            "INSERT INTO DEVICE VALUES (1, ?, 'Huami', 'C8:0F:10:00:00:01', 0, 'V0.44', NULL)",
            (device,),
        )
        width = 7 + (4 if extra else 0)
        insert = f"INSERT INTO {table} VALUES ({','.join('?' * width)})"
        for night in nights:
            day_start = int(night.bed.timestamp()) - 4 * 3600
            day_end = int(night.out.timestamp()) + 3 * 3600
            minute_kind: dict[int, int] = {}
            for stage, start, end in night.spans():
                for second in range(int(start.timestamp()), int(end.timestamp()), 60):
                    minute_kind[second] = kinds[stage]
            rows = []
            for second in range(day_start, day_end, 60):
                kind = minute_kind.get(second, 1)
                raw = kind
                if huami and kind in (9, 11):
                    raw = kind | 0x70
                    if second % 7 == 0 and minute_kind.get(second - 60) == kind:
                        raw = 0 if second % 2 else 10  # continue the kind before
                heart = 58 if second in minute_kind else 75
                row = (second, 1, 1, 20, 0, raw, heart)
                rows.append(row + ((0, 0, 0, 0) if extra else ()))
            db.executemany(insert, rows)
    return path
