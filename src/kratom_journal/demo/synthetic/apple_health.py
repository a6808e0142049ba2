"""Synthetic Apple Health exports (``export.zip`` or bare ``export.xml``)."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

from kratom_journal.demo.synthetic.nights import SyntheticNight
from kratom_journal.sleep.samples import Stage

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
    day_heart_rate_per_night: int = 0
    """Heart-rate readings spread over each day, as a watch takes them all day long."""
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


def _apple_day_heart(night: SyntheticNight, count: int, rng: random.Random) -> Iterator[str]:
    watch = WATCH_DEVICE.format(pointer=0x2820AA000)
    motion = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="1"/>\n'
    zone = ZoneInfo(night.zone)
    day_start = datetime.combine(night.night, time(7, 30), tzinfo=zone).astimezone(UTC)
    for index in range(count):
        moment = (day_start + timedelta(seconds=index * 50_000 // max(count, 1))).astimezone(zone)
        yield _record(
            "HKQuantityTypeIdentifierHeartRate",
            "Apple Watch",
            "10.1",
            watch,
            moment,
            moment,
            str(rng.randint(62, 118)),
            "count/min",
            motion,
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
    rng = random.Random(options.seed + 3)
    for night in nights:
        yield from _apple_day_heart(night, options.day_heart_rate_per_night, rng)
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
