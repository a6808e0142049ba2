"""More export shapes for the known nights: one-row-per-night CSV apps, Google Fit and
Apple Health variants (see real_shapes.py)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.importers.real_shapes import (
    BERLIN,
    NIGHTS,
    A,
    D,
    Hypnogram,
    L,
    R,
    naive,
    write,
)


def _hms(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def sleep_cycle_old(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """``sleepdata.csv`` of older Sleep Cycle versions: semicolons, ``Time in bed`` as H:MM."""
    lines = ["Start;End;Sleep quality;Time in bed;Wake up;Sleep Notes;Heart rate;Activity (steps)"]
    for index, night in enumerate(nights):
        lines.append(
            f"{naive(night.bed, '%Y-%m-%d %H:%M:%S')};{naive(night.out, '%Y-%m-%d %H:%M:%S')};"
            f"{85 + index}%;{night.in_bed // 60}:{night.in_bed % 60:02d};:);;54;1200"
        )
    return write(path, "\n".join(lines) + "\n", crlf=True)


def sleep_cycle_new(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """Newer ``sleepdata.csv``: seconds columns for time in bed and asleep, decimal commas."""
    lines = [
        "Start;End;Sleep Quality;Regularity;Awake (mood);Heart rate (bpm);Steps;Alarm mode;"
        "Air Pressure (Pa);City;Movements per hour;Time in bed (seconds);Time asleep (seconds);"
        "Time before sleep (seconds);Window start;Window stop;Did snore;Snore time;"
        "Weather temperature (°C);Weather type;Notes"
    ]
    for index, night in enumerate(nights):
        lines.append(
            f"{naive(night.bed, '%Y-%m-%d %H:%M:%S')};{naive(night.out, '%Y-%m-%d %H:%M:%S')};"
            f"{80 + index}%;90%;Good;55;0;Normal;101325;Berlin;12,5;{night.in_bed * 60};"
            f"{night.asleep * 60};720;;;false;0;7,5;Cloudy;"
        )
    return write(path, "\n".join(lines) + "\n", encoding="utf-8-sig")


def whoop_export(folder: Path, nights: tuple[Hypnogram, ...] = NIGHTS, nap: bool = True) -> Path:
    """``sleeps.csv`` and ``physiological_cycles.csv`` of a Whoop data export."""
    header = (
        "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,"
        "Sleep performance %,Respiratory rate (rpm),Asleep duration (min),"
        "In bed duration (min),Light sleep duration (min),Deep (SWS) duration (min),"
        "REM duration (min),Awake duration (min),Sleep need (min),Sleep debt (min),"
        "Sleep efficiency %,Sleep consistency %,Nap"
    )
    fmt = "%Y-%m-%d %H:%M:%S"
    rows = [header]
    for index, night in enumerate(nights):
        rows.append(
            f"{naive(night.bed - timedelta(hours=14), fmt)},{naive(night.out, fmt)},UTC+01:00,"
            f"{naive(night.bed, fmt)},{naive(night.out, fmt)},{88 + index},15.2,{night.asleep},"
            f"{night.in_bed},{night.minutes(L)},{night.minutes(D)},{night.minutes(R)},"
            f"{night.minutes(A)},480,30,92,80,false"
        )
    if nap:
        start = nights[0].out + timedelta(hours=3)
        rows.append(
            f"{naive(start, fmt)},,UTC+01:00,{naive(start, fmt)},"
            f"{naive(start + timedelta(minutes=40), fmt)},,14.0,35,40,30,0,5,5,,,88,,true"
        )
    write(folder / "sleeps.csv", "\n".join(rows) + "\n")
    cycles = [
        "Cycle start time,Cycle end time,Cycle timezone,Recovery score %,"
        "Resting heart rate (bpm),Heart rate variability (ms),Skin temp (celsius),"
        "Blood oxygen %,Day Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),"
        "Sleep onset,Wake onset,Sleep performance %,Respiratory rate (rpm),"
        "Asleep duration (min),In bed duration (min)"
    ]
    for index, night in enumerate(nights):
        cycles.append(
            f"{naive(night.bed - timedelta(hours=14), fmt)},{naive(night.out, fmt)},UTC+01:00,"
            f"70,{52 + index},{61 + index},33.1,96,10.2,2100,150,70,{naive(night.bed, fmt)},"
            f"{naive(night.out, fmt)},88,15.2,{night.asleep},{night.in_bed}"
        )
    write(folder / "physiological_cycles.csv", "\n".join(cycles) + "\n")
    return folder


def withings_sleep(
    path: Path, nights: tuple[Hypnogram, ...] = NIGHTS, german: bool = False
) -> Path:
    """``sleep.csv`` of a Withings export (seconds per stage, ISO times with offsets)."""
    header = (
        "von,bis,leicht (s),tief (s),rem (s),wach (s),Aufwachen,Duration to sleep (s),"
        "Duration to wake up (s),Snoring (s),Snoring episodes,Average heart rate,"
        "Heart rate (min),Heart rate (max)"
        if german
        else "from,to,light (s),deep (s),rem (s),awake (s),wake up,Duration to sleep (s),"
        "Duration to wake up (s),Snoring (s),Snoring episodes,Average heart rate,"
        "Heart rate (min),Heart rate (max)"
    )
    rows = [header]
    for night in nights:
        rows.append(
            f'"{night.bed.isoformat()}","{night.out.isoformat()}",{night.minutes(L) * 60},'
            f"{night.minutes(D) * 60},{night.minutes(R) * 60},{night.minutes(A) * 60},2,720,"
            "780,300,3,56,48,71"
        )
    return write(path, "\n".join(rows) + "\n", encoding="utf-8-sig")


def autosleep_csv(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """AutoSleep's History export (durations ``HH:MM:SS``, ``ISO8601`` with the offset)."""
    header = (
        "ISO8601,fromDate,toDate,bedtime,waketime,inBed,awake,fellAsleepIn,sessions,asleep,"
        "asleepAvg7,efficiency,efficiencyAvg7,quality,qualityAvg7,deep,deepAvg7,sleepBPM,"
        "sleepBPMAvg7,dayBPM,dayBPMAvg7,wakingBPM,wakingBPMAvg7,hrv,hrvAvg7,sleepHRV,"
        "sleepHRVAvg7,SpO2Avg,SpO2Min,SpO2Max,respAvg,respMin,respMax,apnea,tags,notes"
    )
    rows = [header]
    for night in nights:
        rows.append(
            f"{night.out.strftime('%Y-%m-%dT%H:%M:%S%z')[:-2]}:00,"
            f'"{night.bed.strftime("%A, %b %d, %Y")}","{night.out.strftime("%A, %b %d, %Y")}",'
            f"{naive(night.bed, '%Y-%m-%d %H:%M:%S')},{naive(night.out, '%Y-%m-%d %H:%M:%S')},"
            f"{_hms(night.in_bed)},{_hms(night.minutes(A))},00:12:00,1,{_hms(night.asleep)},"
            f"07:00:00,92,91,06:00:00,06:00:00,{_hms(night.minutes(D))},01:00:00,54,55,70,71,"
            '60,61,45,46,52,50,96,93,99,14.5,12,17,0,"",""'
        )
    return write(path, "\n".join(rows) + "\n")


def pillow_csv(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """A Pillow export: start and end, minutes per stage, quality and heart rate."""
    rows = ["Start Time,End Time,Awake (min),Light Sleep (min),Deep Sleep (min),REM Sleep (min),"
            "Sleep Quality,Heart Rate (bpm),Mood"]  # fmt: skip
    for night in nights:
        rows.append(
            f"{naive(night.bed, '%Y-%m-%d %H:%M')},{naive(night.out, '%Y-%m-%d %H:%M')},"
            f"{night.minutes(A)},{night.minutes(L)},{night.minutes(D)},{night.minutes(R)},"
            "76,55,Good"
        )
    return write(path, "\n".join(rows) + "\n")


def generic_csv(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """A sleep log kept by hand in a spreadsheet (its own column names)."""
    rows = ["Night of;Lights out;Got up;Slept (h);Notes"]
    for night in nights:
        rows.append(
            f"{night.bed.date()};{night.bed.strftime('%d.%m.%Y %H:%M')};"
            f"{night.out.strftime('%d.%m.%Y %H:%M')};"
            + f"{night.asleep / 60:.2f}".replace(".", ",")  # a decimal comma, as in Europe
            + ";fine"
        )
    return write(path, "\n".join(rows) + "\n", crlf=True, encoding="cp1252")


def google_fit_takeout(
    folder: Path, nights: tuple[Hypnogram, ...] = NIGHTS, kind: str = "data"
) -> Path:
    """``Takeout/Fit``: All Data sleep segments, All Sessions, or Daily activity metrics."""
    fit = folder / "Takeout" / "Fit"
    codes = {A: 1, L: 4, D: 5, R: 6}
    if kind == "data":
        points = [
            {
                "fitValue": [{"value": {"intVal": codes[stage]}}],
                "originDataSourceId": "raw:com.google.sleep.segment:com.urbandroid.sleep:",
                "endTimeNanos": int(end.timestamp()) * 10**9,
                "dataTypeName": "com.google.sleep.segment",
                "startTimeNanos": int(start.timestamp()) * 10**9,
                "modifiedTimeMillis": 1_710_300_000_000,
                "rawTimestampNanos": 0,
            }
            for night in nights
            for stage, start, end in night.spans()
        ]
        name = "derived_com.google.sleep.segment_com.google.android.gms.merged.json"
        write(
            fit / "All Data" / name, json.dumps({"Data Source": "derived", "Data Points": points})
        )
        heart = [
            {
                "fitValue": [{"value": {"fpVal": 57.0}}],
                "startTimeNanos": int((n.bed + timedelta(minutes=k * 10)).timestamp()) * 10**9,
                "endTimeNanos": int((n.bed + timedelta(minutes=k * 10)).timestamp()) * 10**9,
                "dataTypeName": "com.google.heart_rate.bpm",
            }
            for n in nights
            for k in range(-12, n.in_bed // 10 + 12)
        ]
        write(
            fit / "All Data" / "derived_com.google.heart_rate.bpm_com.google.android.gms.json",
            json.dumps({"Data Source": "derived", "Data Points": heart}),
        )
    elif kind == "sessions":
        names = {A: "sleep.awake", L: "sleep.light", D: "sleep.deep", R: "sleep.rem"}
        for night in nights:
            session = {
                "fitnessActivity": "sleep",
                "startTime": night.bed.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "endTime": night.out.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "duration": f"{night.in_bed * 60}s",
                "segment": [
                    {
                        "fitnessActivity": names[stage],
                        "startTime": start.isoformat(),
                        "endTime": end.isoformat(),
                    }
                    for stage, start, end in night.spans()
                ],
            }
            stamp = night.bed.strftime("%Y-%m-%dT%H_%M_%S%z")
            write(fit / "All Sessions" / f"{stamp}_SLEEP.json", json.dumps(session))
    else:
        _google_fit_daily(fit / "Daily activity metrics", nights)
    return folder


def _google_fit_daily(folder: Path, nights: tuple[Hypnogram, ...]) -> None:
    """One row per quarter hour with the milliseconds of each stage in it (per-day files)."""
    columns = {L: "Light sleeping duration (ms)", D: "Deep sleeping duration (ms)",
               R: "REM sleeping duration (ms)", A: "Awake mid-sleeping duration (ms)"}  # fmt: skip
    header = ["Start time", "End time", "Move Minutes count", "Average heart rate (bpm)",
              "Step count", *columns.values()]  # fmt: skip
    bins: dict[datetime, dict[str, int]] = {}
    for night in nights:
        for stage, start, end in night.spans():
            cursor = start
            while cursor < end:
                slot = cursor.replace(minute=cursor.minute - cursor.minute % 15)
                until = min(end, slot + timedelta(minutes=15))
                amounts = bins.setdefault(slot, {})
                milliseconds = int((until - cursor).total_seconds() * 1000)
                amounts[columns[stage]] = amounts.get(columns[stage], 0) + milliseconds
                cursor = until
    days: dict[str, list[str]] = {}
    for slot, amounts in sorted(bins.items()):
        clock = f"{slot.strftime('%H:%M:%S.000%z')[:-2]}:00"
        until = slot + timedelta(minutes=15)
        row = [clock, f"{until.strftime('%H:%M:%S.000%z')[:-2]}:00", "", "58", ""]
        row += [str(amounts.get(column, "")) for column in columns.values()]
        days.setdefault(slot.date().isoformat(), []).append(",".join(row))
    for day, rows in days.items():
        write(folder / f"{day}.csv", ",".join(header) + "\n" + "\n".join(rows) + "\n")


APPLE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData ANY>\n]>\n'
    '<HealthData locale="en_US">\n <ExportDate value="2024-03-14 09:00:00 +0100"/>\n'
)
APPLE_VALUES = {A: "Awake", L: "AsleepCore", D: "AsleepDeep", R: "AsleepREM"}


def apple_time(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S %z")


def apple_record(source: str, start: datetime, end: datetime, value: str) -> str:
    return (
        f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{source}" '
        f'sourceVersion="10.1" creationDate="{apple_time(end)}" startDate="{apple_time(start)}" '
        f'endDate="{apple_time(end)}" value="HKCategoryValueSleepAnalysis{value}"/>\n'
    )


def apple_xml(nights: tuple[Hypnogram, ...] = NIGHTS, extra: str = "") -> str:
    body = []
    for night in nights:
        body.append(apple_record("Apple Watch", night.bed, night.out, "InBed"))
        body += [apple_record("Apple Watch", s, e, APPLE_VALUES[k]) for k, s, e in night.spans()]
    return APPLE_HEAD + "".join(body) + extra + "</HealthData>\n"


def apple_zip_one_folder_deeper(path: Path, nights: tuple[Hypnogram, ...] = NIGHTS) -> Path:
    """The export unzipped into a folder of its own and zipped again."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/apple_health_export/export.xml", apple_xml(nights))
        archive.writestr("export/apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    return path
