"""The journal's time zone and reading of times typed by a person."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.store.journal import Journal

TIMEZONE_KEY = "timezone"


def system_zone_name() -> str:
    """Best guess of the machine's IANA zone: $TZ, then /etc/localtime, else UTC."""
    candidate = os.environ.get("TZ", "").lstrip(":")
    if candidate and _is_zone(candidate):
        return candidate
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    if marker in target:
        name = target.split(marker, 1)[1]
        if _is_zone(name):
            return name
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_zone(name: str) -> ZoneInfo:
    """Return the zone an IANA name gives, or raise :class:`InvalidEntry`."""
    if not _is_zone(name):
        raise InvalidEntry(
            f"unknown time zone {name!r}; expected an IANA name like Europe/Berlin", "timezone"
        )
    return ZoneInfo(name)


def journal_zone_name(journal: Journal) -> str:
    return journal.settings.get(TIMEZONE_KEY) or system_zone_name()


def journal_zone(journal: Journal) -> ZoneInfo:
    return parse_zone(journal_zone_name(journal))


def now_in(zone: tzinfo) -> datetime:
    return datetime.now(zone)


def parse_when(text: str | None, zone: tzinfo, now: datetime | None = None) -> datetime:
    """Read ``21:30``, ``2024-05-01 21:30`` or a full ISO 8601 time stamp.

    A clock time alone means the most recent such time (a dose logged at 21:30
    shortly after midnight means yesterday evening). Time stamps without an
    offset are read in ``zone``.
    """
    current = now or now_in(zone)
    if text is None or not text.strip():
        return current
    value = text.strip()
    clock = _parse_clock(value)
    if clock is not None:
        candidate = datetime.combine(current.date(), clock, tzinfo=zone)
        if candidate > current + timedelta(minutes=5):
            candidate = datetime.combine(current.date() - timedelta(days=1), clock, tzinfo=zone)
        return candidate
    return parse_timestamp(value, zone, "at")


def parse_timestamp(value: str, zone: tzinfo, field: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is read in ``zone``."""
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidEntry(
            f"cannot read time {value!r}; expected HH:MM or ISO 8601 like 2024-05-01T21:30",
            field,
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zone)
    return instant


def _parse_clock(value: str) -> time | None:
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise InvalidEntry(f"not a clock time: {value!r}", "at")
    return time(hour, minute)


def night_time(value: str, night: date, zone: tzinfo, field: str) -> datetime:
    """A sleep-diary time: ``HH:MM`` from 12:00 belongs to ``night``, before to the next morning.

    ISO 8601 values are taken as they are. The offset is the zone's at that local
    time, so a night across a DST change gets the right offset at each end.
    """
    clock = _parse_clock(value.strip())
    if clock is None:
        return parse_timestamp(value, zone, field)
    day = night if clock.hour >= 12 else night + timedelta(days=1)
    return datetime.combine(day, clock, tzinfo=zone)


def parse_day(value: str, field: str = "date") -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidEntry(f"expected a date YYYY-MM-DD, got {value!r}", field) from None
