"""Reading times, dates and time zones as a person types them: the one set of parsing rules.

Every face (the command line, the web forms, the JSON API) and every import of the
journal's own formats reads typed times through these functions, so ``21:30`` means
the same instant everywhere. They are pure: the current time is always passed in.

* :func:`parse_when` reads the time of a dose, a mood or a side effect: a clock
  time alone (``21:30``) is that time today, or on the day given. A time later
  than now is never moved to another day: without a day given it raises
  :class:`FutureTime`, and the face asks (the web) or refuses (the command line,
  until ``--date`` or ``--yesterday`` says which day).
* :func:`night_time` reads a sleep-diary time: ``HH:MM`` from 12:00 belongs to the
  evening of the night, earlier times to the next morning.
* :func:`parse_timestamp`, :func:`parse_day` and :func:`parse_zone` read ISO 8601
  time stamps, ``YYYY-MM-DD`` dates and IANA zone names; :func:`parse_instant` the
  time stamps of the journal's own exports, which must carry their offset.

Every failure raises :class:`~kratom_journal.domain.errors.InvalidEntry` naming the
field and what was expected.

Examples
--------
>>> from zoneinfo import ZoneInfo
>>> berlin = ZoneInfo("Europe/Berlin")
>>> now = datetime(2024, 5, 2, 0, 30, tzinfo=berlin)
>>> parse_when("21:30", berlin, now, date(2024, 5, 1)).isoformat()
'2024-05-01T21:30:00+02:00'
>>> night_time("06:40", date(2024, 5, 1), berlin, "final_wake_at").isoformat()
'2024-05-02T06:40:00+02:00'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.words import duration_text

FUTURE_TOLERANCE = timedelta(minutes=5)
"""A clock time up to this far ahead of now is taken as now-ish, not asked about (clocks differ)."""


class FutureTime(InvalidEntry):
    """A time given without a day is later than now: which day was meant must be said.

    ``instant`` is the time today, ``yesterday`` the same clock time a day earlier.
    """

    def __init__(self, instant: datetime, now: datetime, yesterday: datetime, field: str) -> None:
        ahead = duration_text(instant - now)
        super().__init__(f"{instant:%H:%M} today ({instant:%a %d %b}) is in {ahead}", field)
        self.instant = instant
        self.yesterday = yesterday
        self.ahead = ahead


def is_zone(name: str) -> bool:
    """True when ``name`` is an IANA time zone this machine knows.

    >>> is_zone("Europe/Berlin"), is_zone("Mars/Olympus"), is_zone("")
    (True, False, False)
    """
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def canonical_zone_name(name: str) -> str | None:
    """The IANA name as spelt in the zone database, whatever its case; ``None`` if unknown.

    >>> canonical_zone_name("europe/berlin"), canonical_zone_name("Mars/Olympus")
    ('Europe/Berlin', None)
    """
    return _zone_names_by_folded().get(name.strip().casefold().replace(" ", "_"))


@cache
def _zone_names_by_folded() -> dict[str, str]:
    names = {n.casefold(): n for n in available_timezones()}
    names.setdefault("utc", "UTC")
    return names


def zone_names() -> list[str]:
    """Every IANA zone name this machine knows, sorted (for a searchable list)."""
    return sorted(set(_zone_names_by_folded().values()))


def parse_zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The zone an IANA name gives (in any letter case), or :class:`InvalidEntry`.

    >>> parse_zone("America/New_York")
    zoneinfo.ZoneInfo(key='America/New_York')
    >>> parse_zone("europe/berlin")
    zoneinfo.ZoneInfo(key='Europe/Berlin')
    >>> parse_zone("Berlin")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: timezone: unknown time zone 'Berlin'; expected ...
    """
    canonical = canonical_zone_name(name) if name else None
    if canonical is None or not is_zone(canonical):
        raise InvalidEntry(
            f"unknown time zone {name!r}; expected an IANA name like Europe/Berlin", field
        )
    return ZoneInfo(canonical)


def parse_clock(value: str, field: str = "at") -> time | None:
    """``HH:MM`` as a clock time; ``None`` when ``value`` is not of that shape.

    Something shaped like a clock time but out of range is an error, not "not a clock time".

    >>> parse_clock("7:05"), parse_clock("2024-05-01")
    (datetime.time(7, 5), None)
    >>> parse_clock("24:00")
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: at: not a clock time: '24:00'
    """
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise InvalidEntry(f"not a clock time: {value!r}", field)
    return time(hour, minute)


def parse_timestamp(value: str, zone: tzinfo, field: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is read in ``zone``.

    >>> from datetime import timezone
    >>> parse_timestamp("2024-05-01T21:30", timezone.utc, "at").isoformat()
    '2024-05-01T21:30:00+00:00'
    >>> parse_timestamp("2024-05-01 21:30+02:00", timezone.utc, "at").isoformat()
    '2024-05-01T21:30:00+02:00'
    >>> parse_timestamp("yesterday", timezone.utc, "at")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: at: cannot read time 'yesterday'; expected HH:MM ...
    """
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


def parse_instant(value: object, field: str) -> datetime:
    """An ISO 8601 instant that must carry its offset (the journal's own exports).

    >>> parse_instant("2024-05-01T21:30:00+02:00", "taken_at").isoformat()
    '2024-05-01T21:30:00+02:00'
    >>> parse_instant("2024-05-01T21:30", "at")
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: at: time stamp '2024-05-01T21:30' has no UTC offset
    """
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidEntry(f"expected an ISO 8601 time stamp, got {value!r}", field) from None
    if instant.tzinfo is None:
        raise InvalidEntry(f"time stamp {value!r} has no UTC offset", field)
    return instant


def parse_day_or_timestamp(value: str, zone: tzinfo, field: str) -> datetime:
    """An ISO 8601 time stamp, or a bare ``YYYY-MM-DD`` date meaning noon of that day in ``zone``.

    Noon keeps an entry dated only by its day on that day in every zone.

    >>> from datetime import timezone
    >>> parse_day_or_timestamp("2024-05-01", timezone.utc, "taken_at").isoformat()
    '2024-05-01T12:00:00+00:00'
    >>> parse_day_or_timestamp("2024-05-01T07:15", timezone.utc, "taken_at").isoformat()
    '2024-05-01T07:15:00+00:00'
    """
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return parse_timestamp(value, zone, field)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=zone)


def check_exists(instant: datetime, field: str) -> datetime:
    """``instant`` itself, unless its wall-clock time does not exist in its zone.

    When clocks spring forward (Europe/Berlin, 31 March 2024, 02:00 -> 03:00) the
    times in between never appear on a clock: such a time is a slip, and is refused
    with the time it probably meant. A repeated time (clocks falling back) is the
    first of the two.

    >>> from zoneinfo import ZoneInfo
    >>> gap = datetime(2024, 3, 31, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    >>> check_exists(gap, "at")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: at: 02:30 does not exist on 2024-03-31 ... 03:30?)
    """
    if instant.tzinfo is None:
        return instant
    try:
        back = instant.astimezone(UTC).astimezone(instant.tzinfo)
    except (OverflowError, ValueError):
        raise InvalidEntry(f"{instant:%Y-%m-%d %H:%M} is out of range", field) from None
    if back.replace(tzinfo=None) != instant.replace(tzinfo=None):
        raise InvalidEntry(
            f"{instant:%H:%M} does not exist on {instant.date().isoformat()} in "
            f"{instant.tzinfo}: the clocks skip it for daylight saving time "
            f"(did you mean {back:%H:%M}?)",
            field,
        )
    return instant


def local_instant(day: date, clock: time, zone: tzinfo, field: str) -> datetime:
    """``clock`` on ``day`` in ``zone``, refused (naming ``field``) where DST skips it."""
    try:
        return check_exists(datetime.combine(day, clock, tzinfo=zone), field)
    except OverflowError:
        raise InvalidEntry(f"{day.isoformat()} is out of range", field) from None


def parse_when(
    text: str | None,
    zone: tzinfo,
    now: datetime,
    day: date | None = None,
    *,
    future_ok: bool = False,
    field: str = "at",
) -> datetime:
    """Read ``21:30``, ``2024-05-01 21:30`` or a full ISO 8601 time stamp; empty means now.

    A clock time alone is that time on ``day`` (default: today in ``zone``). It is
    never moved to another day: a clock time later than now (by more than
    :data:`FUTURE_TOLERANCE`) with no ``day`` given raises :class:`FutureTime`
    unless ``future_ok`` says "yes, today". Time stamps without an offset are read
    in ``zone``; a time a DST change skips is refused.

    >>> from zoneinfo import ZoneInfo
    >>> zone = ZoneInfo("Europe/Berlin")
    >>> now = datetime(2024, 5, 1, 21, 16, tzinfo=zone)
    >>> parse_when("21:00", zone, now).isoformat()
    '2024-05-01T21:00:00+02:00'
    >>> parse_when("21:30", zone, now)
    Traceback (most recent call last):
    ...
    kratom_journal.domain.timeparse.FutureTime: at: 21:30 today (Wed 01 May) is in 14 minutes
    >>> parse_when("21:30", zone, now, date(2024, 4, 30)).isoformat()
    '2024-04-30T21:30:00+02:00'
    >>> parse_when(" ", zone, now) == now
    True
    """
    current = now.astimezone(zone)
    today = current.date()
    if text is None or not text.strip():
        if day is None or day == today:
            return current
        raise InvalidEntry(f"give the time on {day:%a %d %b %Y}", field)
    value = text.strip()
    clock = parse_clock(value, field)
    if clock is not None:
        candidate = local_instant(day or today, clock, zone, field)
        if day is None and not future_ok and candidate > current + FUTURE_TOLERANCE:
            yesterday = local_instant(today - timedelta(days=1), clock, zone, field)
            raise FutureTime(candidate, current, yesterday, field)
        return candidate
    instant = parse_timestamp(value, zone, field)
    return check_exists(instant, field) if instant.tzinfo is zone else instant


def night_time(value: str, night: date, zone: tzinfo, field: str) -> datetime:
    """A sleep-diary time: ``HH:MM`` from 12:00 belongs to ``night``, before to the next morning.

    ISO 8601 values are taken as they are. The offset is the zone's at that local
    time, so a night across a DST change gets the right offset at each end; a time
    the change skips is refused.

    >>> from zoneinfo import ZoneInfo
    >>> zone = ZoneInfo("Europe/Berlin")
    >>> night_time("23:00", date(2024, 3, 30), zone, "bed_at").isoformat()
    '2024-03-30T23:00:00+01:00'
    >>> night_time("07:00", date(2024, 3, 30), zone, "out_of_bed_at").isoformat()
    '2024-03-31T07:00:00+02:00'
    """
    clock = parse_clock(value.strip(), field)
    if clock is None:
        instant = parse_timestamp(value, zone, field)
        return check_exists(instant, field) if instant.tzinfo is zone else instant
    try:
        day = night if clock.hour >= 12 else night + timedelta(days=1)
    except OverflowError:
        raise InvalidEntry(f"{night.isoformat()} is out of range", "night") from None
    return local_instant(day, clock, zone, field)


def parse_day(value: str, field: str = "date") -> date:
    """A ``YYYY-MM-DD`` date, or :class:`InvalidEntry` naming ``field``.

    >>> parse_day(" 2024-05-01 ")
    datetime.date(2024, 5, 1)
    >>> parse_day("1 May", "since")
    Traceback (most recent call last):
    ...
    kratom_journal.domain.errors.InvalidEntry: since: expected a date YYYY-MM-DD, got '1 May'
    """
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidEntry(f"expected a date YYYY-MM-DD, got {value!r}", field) from None


def parse_optional_day(value: str | None, field: str = "date") -> date | None:
    """:func:`parse_day` for an optional value: empty or ``None`` gives ``None``.

    >>> parse_optional_day("", "until") is None
    True
    """
    if value is None or not value.strip():
        return None
    return parse_day(value, field)
