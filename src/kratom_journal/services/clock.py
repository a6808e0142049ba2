"""The current time, and the journal's time zone.

Use cases never ask the system clock themselves: they take a :class:`Clock` (or the
``now``/``today`` it gives), so a test can fix the time and a command or request sees
one consistent "now". The faces create the clock once: the CLI in
:mod:`kratom_journal.cli.common`, the web app in ``create_app``.

Reading times a person types lives in :mod:`kratom_journal.domain.timeparse`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from kratom_journal.domain.days import journal_day
from kratom_journal.domain.timeparse import is_zone, parse_zone
from kratom_journal.store.journal import Journal

TIMEZONE_KEY = "timezone"


class Clock:
    """The system clock: ``now()`` is the current aware instant (in UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def now_in(self, zone: tzinfo) -> datetime:
        """Now on the local clock of ``zone``."""
        return self.now().astimezone(zone)

    def today(self, zone: tzinfo) -> date:
        """Today's calendar date in ``zone``."""
        return self.now_in(zone).date()

    def journal_today(self, zone: tzinfo) -> date:
        """Today's journal day in ``zone`` (journal days start at 04:00)."""
        return journal_day(self.now(), zone)


class FixedClock(Clock):
    """A clock stopped at one instant (tests, and reproducible demo journals).

    >>> from datetime import timezone
    >>> FixedClock(datetime(2024, 5, 1, 22, 30, tzinfo=timezone.utc)).today(ZoneInfo("Asia/Tokyo"))
    datetime.date(2024, 5, 2)
    """

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("a fixed clock needs an aware instant")
        self.instant = instant

    def now(self) -> datetime:
        return self.instant.astimezone(UTC)


SYSTEM_CLOCK = Clock()
"""The clock the faces use unless a test gives another."""


def system_zone_name() -> str:
    """Best guess of the machine's IANA zone: $TZ, then /etc/localtime, else UTC."""
    candidate = os.environ.get("TZ", "").lstrip(":")
    if candidate and is_zone(candidate):
        return candidate
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    if marker in target:
        name = target.split(marker, 1)[1]
        if is_zone(name):
            return name
    return "UTC"


def journal_zone_name(journal: Journal) -> str:
    """The journal's zone setting, else the machine's zone."""
    return journal.settings.get(TIMEZONE_KEY) or system_zone_name()


def journal_zone(journal: Journal) -> ZoneInfo:
    """The journal's time zone (:class:`InvalidEntry` for a stored name this machine lacks)."""
    return parse_zone(journal_zone_name(journal))
