"""Helpers shared by the vendor importers: time zones, bounded JSON and CSV reading."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.sleep.samples import ParseIssue

MAX_JSON_BYTES = 256 * 1024 * 1024
"""Largest single JSON or CSV file read into memory (vendor files are small)."""


def zone_info(name: str | None, label: str) -> ZoneInfo:
    """The IANA zone for naive vendor times; UTC when none is set."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InputRejected(label, f"unknown time zone {name!r} (expected an IANA name)") from None


@cache
def fixed_zone(offset_seconds: int) -> timezone:
    """The fixed UTC offset of ``offset_seconds`` (one object per offset)."""
    return timezone(timedelta(seconds=offset_seconds))


def fixed(moment: datetime) -> datetime:
    """Same instant, tzinfo replaced by its fixed UTC offset (exact arithmetic)."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("time has no offset")
    return moment.astimezone(timezone(offset))


def localize(text: str, zone: ZoneInfo) -> datetime:
    """Parse a naive local ISO time (``2024-01-14T23:00:00.000``) in ``zone``."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return fixed(moment)


def read_bytes(bundle: InputBundle, member: Member, cap: int = MAX_JSON_BYTES) -> bytes:
    """A whole member, refused above ``cap`` bytes."""
    if member.size > cap:
        raise InputRejected(bundle.display(member), f"file is larger than {cap} bytes")
    with bundle.open(member) as stream:
        chunks = []
        total = 0
        while True:
            data = stream.read(1 << 20)
            if not data:
                break
            total += len(data)
            if total > cap:
                raise InputRejected(bundle.display(member), "file is too large")
            chunks.append(data)
    return b"".join(chunks)


def decode_text(data: bytes, label: str, *, lenient: bool = False) -> str:
    """Text of a file: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    ``lenient`` reads anything else as Windows-1252, the encoding spreadsheets on
    Windows save CSV files in; otherwise it is refused.

    >>> decode_text("Zeit;Qualität".encode("utf-16"), "x.csv")
    'Zeit;Qualität'
    >>> decode_text("Qualität".encode("cp1252"), "x.csv", lenient=True)
    'Qualität'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputRejected(label, "is not valid UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if lenient:
            return data.decode("cp1252", "replace")
        raise InputRejected(label, "is not UTF-8 text") from None


def read_json(bundle: InputBundle, member: Member) -> object:
    """Parse a JSON member; one clear error if it is not JSON."""
    data = read_bytes(bundle, member)
    try:
        return json.loads(decode_text(data, bundle.display(member)))
    except json.JSONDecodeError as error:
        raise InputRejected(
            bundle.display(member),
            f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})",
        ) from None


def read_text_lines(bundle: InputBundle, member: Member) -> Iterator[str]:
    """Decoded lines of a text member."""
    text = decode_text(read_bytes(bundle, member), bundle.display(member), lenient=True)
    return iter(text.splitlines())


def number(value: object) -> float | None:
    """A finite number, or ``None`` for missing, null or junk."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if result == result and abs(result) != float("inf") else None


def members_named(bundle: InputBundle, pattern: re.Pattern[str]) -> list[Member]:
    """A lone file as it is; in a folder or archive, the members whose path matches."""
    if bundle.kind == "file":
        return bundle.members()
    return bundle.find(lambda m: bool(pattern.search(m.name)))


def json_array_items(
    bundle: InputBundle, found: list[Member], what: str
) -> Iterator[tuple[str, int, object] | ParseIssue]:
    """``(label, position, item)`` for each item of each member's top-level JSON array.

    A member that is not an array gives one :class:`ParseIssue` naming ``what`` was expected.
    """
    for member in found:
        label = bundle.display(member)
        items = read_json(bundle, member)
        if not isinstance(items, list):
            yield ParseIssue(label, f"expected a JSON array of {what}")
            continue
        for index, item in enumerate(items, 1):
            yield label, index, item
