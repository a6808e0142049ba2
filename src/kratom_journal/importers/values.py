"""Reading the values vendor exports write: numbers, durations, offsets and local times.

Spreadsheets and phone apps write the same quantity many ways (``85%``, ``1,5``,
``1.59287E+12``, ``7:45``, ``07:45:00``, ``UTC-08:00``, ``Tuesday, Mar 17, 2026``);
every importer reads them through these functions so one spelling is read the
same way everywhere. Each function raises :class:`ValueError` with a short
reason for text it cannot read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Final

from kratom_journal.importers.common import fixed

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")

DURATION_UNITS: Final[dict[str, float]] = {
    "s": 1.0,
    "ms": 0.001,
    "min": 60.0,
    "h": 3600.0,
}
"""Seconds per unit of a plain-number duration; ``hms`` means ``H:MM[:SS]`` text."""

LOCAL_FORMATS: Final = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d. %m. %Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %I:%M%p",
    "%Y-%m-%d %I:%M %p",
    "%A, %b %d, %Y %H:%M",
)


def parse_number(text: str) -> float:
    """A finite number as exports spell it (``85%``, ``1,5``, ``1.59287E+12``).

    >>> parse_number("85%"), parse_number("1,5"), parse_number("1.59287E+12")
    (85.0, 1.5, 1592870000000.0)
    >>> parse_number("n/a")
    Traceback (most recent call last):
    ...
    ValueError: 'n/a' is not a number
    """
    cleaned = text.strip().rstrip("%").strip().replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.match(cleaned):
        raise ValueError(f"{text.strip()!r} is not a number")
    return float(cleaned.replace(",", "."))


def optional_number(text: str | None) -> float | None:
    """A number, or ``None`` for an empty cell, ``-``, ``NaN`` or other junk.

    >>> optional_number(""), optional_number(" 7 "), optional_number("NaN")
    (None, 7.0, None)
    """
    if text is None:
        return None
    try:
        value = parse_number(text)
    except ValueError:
        return None
    return value if value == value else None


def parse_duration(text: str, unit: str) -> float:
    """Seconds of a duration written as a number of ``unit`` or as ``H:MM[:SS]``.

    >>> parse_duration("7:45", "hms"), parse_duration("07:45:30", "hms")
    (27900.0, 27930.0)
    >>> parse_duration("455", "min"), parse_duration("1,5", "h")
    (27300.0, 5400.0)
    """
    stripped = text.strip()
    clock = _CLOCK.match(stripped)
    if clock is not None:
        hours, minutes, seconds = clock.groups()
        return float(int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0))
    if unit == "hms":
        raise ValueError(f"duration {stripped!r} is not H:MM or H:MM:SS")
    value = parse_number(stripped) * DURATION_UNITS[unit]
    if value < 0:
        raise ValueError(f"duration {stripped!r} is negative")
    return value


def parse_offset(text: str) -> timezone:
    """A fixed UTC offset written as ``UTC-08:00``, ``+0200``, ``GMT+1`` or ``UTC``.

    >>> parse_offset("UTC-08:00"), parse_offset("+0530")
    (datetime.timezone(datetime.timedelta(days=-1, seconds=57600)), \
datetime.timezone(datetime.timedelta(seconds=19800)))
    >>> parse_offset("UTC")
    datetime.timezone.utc
    """
    stripped = text.strip()
    if stripped.upper() in ("UTC", "GMT", "Z"):
        return UTC
    match = _OFFSET.match(stripped)
    if match is None:
        raise ValueError(f"offset {stripped!r} is not like 'UTC-08:00'")
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=18):
        raise ValueError(f"offset {stripped!r} is out of range")
    return timezone(-delta if sign == "-" else delta)


def parse_local(text: str, zone: tzinfo, fmt: str | None = None) -> datetime:
    """A date-time; one without an offset is read as wall-clock time in ``zone``.

    ISO 8601 with or without an offset is read, and the layouts of
    :data:`LOCAL_FORMATS`; ``fmt`` (a :func:`~datetime.datetime.strptime` pattern)
    reads any other. The result carries a fixed UTC offset.

    >>> from zoneinfo import ZoneInfo
    >>> parse_local("2024-03-30 23:10:00", ZoneInfo("Europe/Berlin")).isoformat()
    '2024-03-30T23:10:00+01:00'
    >>> parse_local("2024-03-31T07:00:00+02:00", timezone.utc).isoformat()
    '2024-03-31T07:00:00+02:00'
    >>> parse_local("31. 03. 2024 7:05", timezone.utc).isoformat()
    '2024-03-31T07:05:00+00:00'
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty time")
    moment: datetime | None = None
    if fmt:
        try:
            moment = datetime.strptime(stripped, fmt)  # noqa: DTZ007 (zone added below)
        except ValueError:
            raise ValueError(f"time {stripped!r} does not match {fmt!r}") from None
    else:
        try:
            moment = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
        except ValueError:
            for pattern in LOCAL_FORMATS:
                try:
                    moment = datetime.strptime(stripped, pattern)  # noqa: DTZ007
                    break
                except ValueError:
                    continue
    if moment is None:
        raise ValueError(f"time {stripped!r} is not a date and time this reader knows")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return fixed(moment)
