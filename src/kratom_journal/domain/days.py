"""The journal day and the night of an instant: the one rule every part of the product uses.

A person who takes a dose at 01:30 after a late evening thinks of it as part of
the evening before. Kratom Journal therefore counts days from 04:00 to 04:00 and
nights from noon to noon, on the local clock the entry was recorded with:

* The **journal day** D of an instant runs from 04:00 on D to 04:00 on D + 1.
  Doses, moods, side effects and questionnaire answers belong to the journal day
  of their instant. Daily totals, the clinician report, FHIR, the tidy exports,
  the analysis day table, the safety signals and the web pages all use it.
* The **night** D is the sleep period that starts between 12:00 on D and 12:00
  on D + 1 (a sleep diary's ``night`` is the date of its evening). Wearable
  nights are dated by the start of the main sleep the same way.
* **Local time** is the instant on the clock of the zone the entry was recorded
  in; entries without a recorded zone use their own UTC offset. Changing the
  journal's time zone later never moves an existing entry to another day.

The night of journal day D is night D: what is taken on journal day D can affect
night D and is reported against it.

.. versionchanged:: 0.2.0
   One rule for every part of the product. Before, the clinician report, FHIR
   and the tidy exports used the calendar date, the analysis the 04:00 day, and
   the wearable and diary code a noon boundary, so one dose at 01:30 could be
   counted on two different days.

Examples
--------
>>> from datetime import datetime, timezone, timedelta
>>> berlin = timezone(timedelta(hours=2))
>>> journal_day(datetime(2024, 5, 2, 1, 30, tzinfo=berlin))
datetime.date(2024, 5, 1)
>>> journal_day(datetime(2024, 5, 2, 4, 0, tzinfo=berlin))
datetime.date(2024, 5, 2)
>>> night_of(datetime(2024, 5, 2, 11, 59, tzinfo=berlin))
datetime.date(2024, 5, 1)
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_STARTS = time(4, 0)
"""Local clock time at which a journal day begins."""

NIGHT_STARTS = time(12, 0)
"""Local clock time at which a night's window begins (noon of its evening)."""

_DAY_SHIFT = timedelta(hours=DAY_STARTS.hour, minutes=DAY_STARTS.minute)
_NIGHT_SHIFT = timedelta(hours=NIGHT_STARTS.hour, minutes=NIGHT_STARTS.minute)


@cache
def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The IANA zone of ``name``, or ``None`` when it is empty or unknown.

    >>> zone_or_none("Europe/Berlin")
    zoneinfo.ZoneInfo(key='Europe/Berlin')
    >>> zone_or_none("Mars/Olympus") is None
    True
    """
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_time(instant: datetime, zone: str | tzinfo | None = None) -> datetime:
    """``instant`` on the local clock of ``zone`` (a name or tzinfo), else its own offset.

    Pass the zone the entry was recorded in. A naive ``instant`` is returned as it is.

    >>> from datetime import timezone
    >>> utc = datetime(2024, 5, 1, 22, 0, tzinfo=timezone.utc)
    >>> local_time(utc, "Europe/Berlin").isoformat()
    '2024-05-02T00:00:00+02:00'
    >>> local_time(utc, "no such zone").isoformat()
    '2024-05-01T22:00:00+00:00'
    """
    if instant.tzinfo is None:
        return instant
    found = zone if isinstance(zone, tzinfo) else zone_or_none(zone)
    return instant.astimezone(found) if found is not None else instant


def journal_day(instant: datetime, zone: str | tzinfo | None = None) -> date:
    """The journal day of ``instant`` (04:00 to 04:00 local time).

    >>> from datetime import timezone
    >>> journal_day(datetime(2024, 5, 2, 3, 59, tzinfo=timezone.utc))
    datetime.date(2024, 5, 1)
    >>> journal_day(datetime(2024, 5, 2, 2, 30, tzinfo=timezone.utc), "Europe/Berlin")
    datetime.date(2024, 5, 2)
    """
    return (local_time(instant, zone).replace(tzinfo=None) - _DAY_SHIFT).date()


def night_of(instant: datetime, zone: str | tzinfo | None = None) -> date:
    """The night a sleep period starting at ``instant`` belongs to (noon to noon local time).

    >>> from datetime import timezone
    >>> night_of(datetime(2024, 5, 1, 22, 30, tzinfo=timezone.utc))
    datetime.date(2024, 5, 1)
    >>> night_of(datetime(2024, 5, 2, 6, 0, tzinfo=timezone.utc))
    datetime.date(2024, 5, 1)
    """
    return (local_time(instant, zone).replace(tzinfo=None) - _NIGHT_SHIFT).date()


def night_of_local(day: date, clock: time) -> date:
    """The night of a local clock time on ``day`` (for ``YYYY-MM-DD HH:MM`` text).

    >>> night_of_local(date(2024, 5, 2), time(7, 0))
    datetime.date(2024, 5, 1)
    """
    return day - timedelta(days=1) if clock < NIGHT_STARTS else day


def day_window(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants where journal day ``day`` begins and ends in ``zone``.

    >>> start, end = day_window(date(2024, 3, 31), ZoneInfo("Europe/Berlin"))
    >>> start.isoformat(), end.isoformat()
    ('2024-03-31T04:00:00+02:00', '2024-04-01T04:00:00+02:00')
    """
    start = datetime.combine(day, DAY_STARTS, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), DAY_STARTS, tzinfo=zone)
    return start, end


def days_window(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants from the start of journal day ``first`` to the end of ``last``."""
    return day_window(first, zone)[0], day_window(last, zone)[1]
