"""Seeded generator of realistic wearable nights.

Nights are produced in local wall time of an IANA zone; all arithmetic is done in
UTC so nights crossing a daylight-saving change have their true length.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
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
