"""Column types shared by every table: one convention for instants.

An instant is stored as naive UTC (``DATETIME``/``TIMESTAMP WITHOUT TIME ZONE``,
which both SQLite and PostgreSQL compare and index correctly) and is always an
aware UTC ``datetime`` in Python. Where the local clock matters, the table keeps
the UTC offset the instant was recorded with (and entries their zone name)
beside it; :func:`with_offset` puts the two back together.

Wearable samples are the one exception: they are stored as UTC milliseconds so
that their primary key (start, content hash) is two integers. :func:`to_ms` and
:func:`from_ms` are the only conversions between the two.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware instant in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"an aware datetime is required here, got {value!r}")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def offset_seconds(instant: datetime) -> int:
    """The UTC offset ``instant`` was recorded with, in seconds.

    >>> offset_seconds(datetime(2024, 5, 1, 21, 30, tzinfo=timezone(timedelta(hours=2))))
    7200
    """
    offset = instant.utcoffset()
    return int(offset.total_seconds()) if offset else 0


@cache
def fixed_offset(offset_s: int) -> timezone:
    """The fixed-offset zone of ``offset_s`` seconds east of UTC (one object per offset).

    >>> fixed_offset(-16200)
    datetime.timezone(datetime.timedelta(days=-1, seconds=70200))
    """
    return timezone(timedelta(seconds=offset_s))


def with_offset(utc: datetime, offset_s: int) -> datetime:
    """A stored UTC instant shown again at the offset it was recorded with.

    >>> with_offset(datetime(2024, 5, 1, 19, 30, tzinfo=UTC), 7200).isoformat()
    '2024-05-01T21:30:00+02:00'
    """
    aware = utc.replace(tzinfo=UTC) if utc.tzinfo is None else utc
    return aware.astimezone(fixed_offset(offset_s))


def to_ms(instant: datetime) -> int:
    """UTC milliseconds since the epoch.

    >>> to_ms(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC))
    1000
    """
    return int(round(instant.timestamp() * 1000))


def from_ms(ms: int, offset_min: int = 0) -> datetime:
    """The instant of UTC milliseconds, at a UTC offset given in minutes.

    >>> from_ms(1000, 60).isoformat()
    '1970-01-01T01:00:01+01:00'
    """
    return datetime.fromtimestamp(ms / 1000, tz=_offset_zone(offset_min))


@cache
def _offset_zone(offset_min: int) -> timezone:
    # Samples are read by the hundred thousand and share a handful of offsets.
    return timezone(timedelta(minutes=offset_min)) if offset_min else UTC
