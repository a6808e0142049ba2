"""Seeded generator of realistic wearable nights and of export files in each format.

Used by the demo journal, the tests (small fixtures) and ``bench/`` (large exports).
Nights are produced in local wall time of an IANA zone; all arithmetic is done in
UTC so nights crossing a daylight-saving change have their true length.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

from kratom_journal.sleep.samples import Stage

# --------------------------------------------------------------------------- nights


@dataclass(frozen=True, slots=True)
class SyntheticNight:
    """One generated night: a staged hypnogram plus heart readings, in local time."""

    night: date
    zone: str
    segments: tuple[tuple[Stage, datetime, datetime], ...]
    heart_rate: tuple[tuple[datetime, float], ...] = ()
    hrv_sdnn: tuple[tuple[datetime, float], ...] = ()
    respiratory_rate: tuple[tuple[datetime, float], ...] = ()

    @property
    def bed_at(self) -> datetime:
        return self.segments[0][1]

    @property
    def out_at(self) -> datetime:
        return self.segments[-1][2]


@dataclass(slots=True)
class NightPlan:
    """What to generate: which nights, where, and how noisy."""

    first_night: date
    count: int
    zone: str = "America/Los_Angeles"
    zones: dict[date, str] = field(default_factory=dict)
    """Per-night zone overrides, for travellers."""


def _fixed(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` in ``zone`` but with a fixed-offset tzinfo, as exports carry it."""
    local = moment.astimezone(zone)
    offset = local.utcoffset()
    return local.astimezone(timezone(offset)) if offset is not None else local


def _local(night: date, clock: time, zone: ZoneInfo, minutes: int) -> datetime:
    base = datetime.combine(night, clock, tzinfo=zone).astimezone(UTC)
    return (base + timedelta(minutes=minutes)).astimezone(zone)


def night_like(
    seed: int, night: date, zone: str, bed_at: datetime, latency_min: float, length: timedelta
) -> SyntheticNight:
    """A generated night that starts at ``bed_at`` and lasts about ``length``."""
    return _one_night(random.Random(f"{seed}-{night}"), night, zone, bed_at, latency_min, length)


def generate_nights(seed: int, plan: NightPlan) -> list[SyntheticNight]:
    """Generate ``plan.count`` nights deterministically from ``seed``.

    Each night starts with a short awake spell in bed, then cycles of light, deep
    and REM sleep with brief awakenings, and ends with a final awakening.
    """
    rng = random.Random(seed)
    nights: list[SyntheticNight] = []
    for index in range(plan.count):
        night = plan.first_night + timedelta(days=index)
        zone_name = plan.zones.get(night, plan.zone)
        nights.append(_one_night(rng, night, zone_name))
    return nights


def _one_night(
    rng: random.Random,
    night: date,
    zone_name: str,
    bed_at: datetime | None = None,
    latency_min: float | None = None,
    length: timedelta | None = None,
) -> SyntheticNight:
    zone = ZoneInfo(zone_name)
    if bed_at is None:
        bed = _local(night, time(22, 0), zone, rng.randint(0, 120)).astimezone(UTC)
    else:
        bed = bed_at.astimezone(UTC)
    segments: list[tuple[Stage, datetime, datetime]] = []
    cursor = bed

    def add(stage: Stage, minutes: float) -> None:
        nonlocal cursor
        end = cursor + timedelta(seconds=round(minutes * 60))
        segments.append((stage, _fixed(cursor, zone), _fixed(end, zone)))
        cursor = end

    add(Stage.AWAKE, rng.uniform(4, 30) if latency_min is None else max(latency_min, 0.5))
    target = length or timedelta(hours=rng.uniform(6.2, 8.4))
    cycle = 0
    while cursor - bed < target - timedelta(minutes=50):
        add(Stage.LIGHT, rng.uniform(15, 40))
        if cycle < 3:
            add(Stage.DEEP, rng.uniform(10, 40 - cycle * 8))
        add(Stage.LIGHT, rng.uniform(5, 20))
        add(Stage.REM, rng.uniform(8 + cycle * 5, 18 + cycle * 8))
        if rng.random() < 0.45:
            add(Stage.AWAKE, rng.uniform(0.5, 12))
        cycle += 1
    add(Stage.AWAKE, rng.uniform(2, 20))
    heart: list[tuple[datetime, float]] = []
    moment = bed + timedelta(minutes=2)
    while moment < cursor:
        heart.append((_fixed(moment, zone), float(rng.randint(48, 68))))
        moment += timedelta(minutes=5 + rng.randint(0, 2))
    hrv = [
        (
            _fixed(bed + timedelta(minutes=60 + 90 * k), zone),
            round(rng.uniform(25, 90), 3),
        )
        for k in range(3)
    ]
    breathing = [
        (_fixed(bed + timedelta(minutes=30 + 60 * k), zone), round(rng.uniform(12, 17), 1))
        for k in range(6)
    ]
    return SyntheticNight(
        night, zone_name, tuple(segments), tuple(heart), tuple(hrv), tuple(breathing)
    )


# ------------------------------------------------------------------ Apple Health

APPLE_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT VisionPrescription (Attachment*)>
<!ATTLIST VisionPrescription
  type             CDATA #REQUIRED
  dateIssued       CDATA #REQUIRED
  expirationDate   CDATA #IMPLIED
  brand            CDATA #IMPLIED
>
]>
"""
BROKEN_IOS16_DTD = APPLE_DTD.replace(
    "  brand            CDATA #IMPLIED\n>\n", "  brand            CDATA #IMPLIED\n"
)

WATCH_DEVICE = (
    "<<HKDevice: 0x{pointer:x}>, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,2, software:10.1>"
)
PHONE_DEVICE = (
    "<<HKDevice: 0x{pointer:x}>, name:iPhone, manufacturer:Apple Inc., "
    "model:iPhone, hardware:iPhone14,5, software:17.1>"
)
APPLE_STAGE_VALUES = {
    Stage.AWAKE: "HKCategoryValueSleepAnalysisAwake",
    Stage.LIGHT: "HKCategoryValueSleepAnalysisAsleepCore",
    Stage.DEEP: "HKCategoryValueSleepAnalysisAsleepDeep",
    Stage.REM: "HKCategoryValueSleepAnalysisAsleepREM",
    Stage.IN_BED: "HKCategoryValueSleepAnalysisInBed",
    Stage.ASLEEP_UNSPECIFIED: "HKCategoryValueSleepAnalysisAsleepUnspecified",
}
FILLER_TYPES = (
    ("HKQuantityTypeIdentifierStepCount", "count", 10, 900),
    ("HKQuantityTypeIdentifierActiveEnergyBurned", "Cal", 0.1, 20),
    ("HKQuantityTypeIdentifierBasalEnergyBurned", "Cal", 0.5, 3),
    ("HKQuantityTypeIdentifierDistanceWalkingRunning", "mi", 0.001, 0.4),
)


@dataclass(slots=True)
class AppleOptions:
    """Variants of an Apple Health export."""

    iphone_in_bed: bool = True
    third_party: bool = True
    legacy_values: bool = False
    broken_dtd: bool = False
    control_char: bool = False
    filler_per_night: int = 0
    seed: int = 0
    extra_body: str = ""
    truncate: bool = False


def _apple_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def _record(
    kind: str,
    source: str,
    version: str,
    device: str | None,
    start: datetime,
    end: datetime,
    value: str,
    unit: str | None = None,
    children: str = "",
) -> str:
    attrs = (
        f"type={quoteattr(kind)} sourceName={quoteattr(source)} sourceVersion={quoteattr(version)}"
    )
    if device:
        attrs += f" device={quoteattr(device)}"
    if unit:
        attrs += f" unit={quoteattr(unit)}"
    attrs += (
        f' creationDate="{_apple_time(end)}" startDate="{_apple_time(start)}"'
        f' endDate="{_apple_time(end)}" value={quoteattr(value)}'
    )
    if children:
        return f" <Record {attrs}>\n{children} </Record>\n"
    return f" <Record {attrs}/>\n"


def _apple_sleep(night: SyntheticNight, options: AppleOptions, rng: random.Random) -> Iterator[str]:
    watch = WATCH_DEVICE.format(pointer=rng.getrandbits(36))
    if options.legacy_values:
        # Before iOS 16 the watch wrote paired Asleep/InBed samples with equal times.
        for stage, start, end in night.segments:
            if stage is Stage.AWAKE:
                continue
            for value in (
                "HKCategoryValueSleepAnalysisAsleep",
                "HKCategoryValueSleepAnalysisInBed",
            ):
                yield _record(
                    "HKCategoryTypeIdentifierSleepAnalysis",
                    "Apple Watch",
                    "8.7",
                    watch,
                    start,
                    end,
                    value,
                )
    else:
        yield _record(
            "HKCategoryTypeIdentifierSleepAnalysis",
            "Apple Watch",
            "10.1",
            watch,
            night.bed_at,
            night.out_at,
            APPLE_STAGE_VALUES[Stage.IN_BED],
        )
        for stage, start, end in night.segments:
            yield _record(
                "HKCategoryTypeIdentifierSleepAnalysis",
                "Apple Watch",
                "10.1",
                watch,
                start,
                end,
                APPLE_STAGE_VALUES[stage],
            )
    if options.iphone_in_bed:
        phone = PHONE_DEVICE.format(pointer=rng.getrandbits(36))
        yield _record(
            "HKCategoryTypeIdentifierSleepAnalysis",
            "Anna’s iPhone",
            "17.1",
            phone,
            night.bed_at - timedelta(minutes=rng.randint(5, 40)),
            night.out_at + timedelta(minutes=rng.randint(0, 30)),
            APPLE_STAGE_VALUES[Stage.IN_BED],
        )
    if options.third_party:
        yield _record(
            "HKCategoryTypeIdentifierSleepAnalysis",
            "AutoSleep",
            "6.9.1",
            None,
            night.bed_at + timedelta(minutes=rng.randint(5, 25)),
            night.out_at - timedelta(minutes=rng.randint(0, 20)),
            APPLE_STAGE_VALUES[Stage.ASLEEP_UNSPECIFIED],
        )


def _apple_heart(night: SyntheticNight, rng: random.Random) -> Iterator[str]:
    watch = WATCH_DEVICE.format(pointer=rng.getrandbits(36))
    motion = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
    for moment, bpm in night.heart_rate:
        yield _record(
            "HKQuantityTypeIdentifierHeartRate",
            "Apple Watch",
            "10.1",
            watch,
            moment,
            moment,
            f"{bpm:g}",
            "count/min",
            motion,
        )
    for moment, sdnn in night.hrv_sdnn:
        beats = "".join(
            f'   <InstantaneousBeatsPerMinute bpm="{58 + k}" '
            f'time="{(moment + timedelta(seconds=k)).strftime("%-I:%M:%S.%f")[:-4]} PM"/>\n'
            for k in range(3)
        )
        children = (
            f"  <HeartRateVariabilityMetadataList>\n{beats}  </HeartRateVariabilityMetadataList>\n"
        )
        yield _record(
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            "Apple Watch",
            "10.1",
            watch,
            moment,
            moment + timedelta(seconds=60),
            f"{sdnn:g}",
            "ms",
            children,
        )
    for moment, rate in night.respiratory_rate:
        yield _record(
            "HKQuantityTypeIdentifierRespiratoryRate",
            "Apple Watch",
            "10.1",
            watch,
            moment,
            moment,
            f"{rate:g}",
            "count/min",
        )
    yield _record(
        "HKQuantityTypeIdentifierRestingHeartRate",
        "Apple Watch",
        "10.1",
        watch,
        night.out_at,
        night.out_at,
        str(rng.randint(50, 60)),
        "count/min",
    )


def _apple_filler(night: SyntheticNight, count: int, rng: random.Random) -> Iterator[str]:
    iphone = PHONE_DEVICE.format(pointer=0x2810FF000)
    zone = ZoneInfo(night.zone)
    day_start = datetime.combine(night.night, time(7, 30), tzinfo=zone).astimezone(UTC)
    for index in range(count):
        kind, unit, low, high = FILLER_TYPES[index % len(FILLER_TYPES)]
        start = (day_start + timedelta(seconds=index * 50_000 // max(count, 1))).astimezone(zone)
        value = f"{rng.uniform(low, high):.3f}"
        children = (
            '  <MetadataEntry key="HKMetadataKeySyncVersion" value="2"/>\n'
            if index % 3 == 0
            else ""
        )
        yield _record(
            kind,
            "Anna’s iPhone",
            "17.1",
            iphone,
            start,
            start + timedelta(minutes=3),
            value,
            unit,
            children,
        )


def apple_export_text(nights: list[SyntheticNight], options: AppleOptions) -> Iterator[str]:
    """The export XML, piece by piece (memory stays flat for any number of nights)."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield BROKEN_IOS16_DTD if options.broken_dtd else APPLE_DTD
    yield '<HealthData locale="en_US">\n <ExportDate value="2024-06-01 09:00:00 -0700"/>\n'
    yield (
        ' <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01" '
        'HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>\n'
    )
    yield options.extra_body
    rng = random.Random(options.seed)
    for night in nights:
        yield from _apple_filler(night, options.filler_per_night, rng)
    rng = random.Random(options.seed + 1)
    for index, night in enumerate(nights):
        for line in _apple_heart(night, rng):
            if options.control_char and index == 0:
                line = line.replace('sourceName="Apple Watch"', 'sourceName="Apple\x0bWatch"', 1)
            yield line
    rng = random.Random(options.seed + 2)
    for night in nights:
        yield from _apple_sleep(night, options, rng)
    if not options.truncate:
        yield "</HealthData>\n"


def write_apple_health(
    path: Path,
    nights: list[SyntheticNight],
    options: AppleOptions | None = None,
    *,
    as_zip: bool | None = None,
    xml_name: str = "export.xml",
) -> Path:
    """Write an export: a zip (``apple_health_export/<xml_name>``) or a bare XML file."""
    options = options or AppleOptions()
    zipped = path.suffix.lower() == ".zip" if as_zip is None else as_zip
    pieces = apple_export_text(nights, options)
    if zipped:
        with zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            with archive.open(f"apple_health_export/{xml_name}", "w", force_zip64=True) as out:
                _write_buffered(out, pieces)
            archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument>junk</x>")
    else:
        with open(path, "wb") as out:
            _write_buffered(out, pieces)
    return path


def _write_buffered(out: object, pieces: Iterator[str]) -> None:
    buffer: list[str] = []
    size = 0
    write = out.write  # type: ignore[attr-defined]
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size > 1 << 20:
            write("".join(buffer).encode())
            buffer.clear()
            size = 0
    write("".join(buffer).encode())


# -------------------------------------------------------------- other vendors


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
        start_ms = int(night.bed_at.timestamp() * 1000)
        hours = (night.out_at - night.bed_at).total_seconds() / 3600
        events = []
        for stage, start, end in night.segments:
            events.append(f"{names[stage]}_START-{int(start.timestamp() * 1000)}")
            events.append(f"{names[stage]}_END-{int(end.timestamp() * 1000)}")
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
    import sqlite3

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
                (index, _ms(night.bed_at), _ms(night.out_at), offset, end_offset),
            )
            db.executemany(
                "INSERT INTO sleep_stages_table VALUES (?, ?, ?, ?)",
                [(index, _ms(b), _ms(e), stage_types[s]) for s, b, e in night.segments],
            )
            db.execute(
                "INSERT INTO heart_rate_record_table VALUES (?, 1, ?, ?)",
                (index, _ms(night.bed_at), offset),
            )
            db.executemany(
                "INSERT INTO heart_rate_record_series_table VALUES (?, ?, ?)",
                [(index, _ms(m), int(bpm)) for m, bpm in night.heart_rate],
            )
    if not zipped:
        return path
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(db_path, "health_connect_export.db")
    db_path.unlink()
    return path


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
