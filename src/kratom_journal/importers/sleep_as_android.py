"""Sleep as Android backup (``sleep-export.zip`` → ``sleep-export.csv``).

Each record is a header line (``Id,Tz,From,To,Sched,Hours,…``) followed by a values
line; header lines repeat and may differ in length from their values line. The
start is ``Id`` (epoch milliseconds) and the end ``Id + Hours``, which avoids the
ambiguous local ``From``/``To`` around daylight-saving changes. A file re-saved
by a spreadsheet has lost the ``Id``'s digits (``1.59287E+12``); the start is then
read from ``From`` (``dd. MM. yyyy H:mm``) in the record's ``Tz``. Stage spans come
from ``*_START-<ms>`` / ``*_END-<ms>`` event columns when the app recorded them.
Exports saved twice are often renamed ``sleep-export (1).csv``; any
``sleep-export*.csv`` is read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from kratom_journal.importers.common import fixed, read_text_lines, zone_info
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.values import parse_local, parse_number
from kratom_journal.sleep.samples import ParseIssue, Record, SleepSample, SourceRef, Stage

VENDOR: Final = "sleep-as-android"
SOURCE: Final = SourceRef(VENDOR, "Sleep as Android")
EVENT_STAGES: Final[dict[str, Stage]] = {
    "DEEP": Stage.DEEP,
    "LIGHT": Stage.LIGHT,
    "REM": Stage.REM,
    "AWAKE": Stage.AWAKE,
}
EVENT = re.compile(r"^(DEEP|LIGHT|REM|AWAKE)_(START|END)-(\d+)")
MAX_HOURS: Final = 24.0


FILE_NAME = re.compile(r"(^|/)sleep-export[^/]*\.csv$", re.IGNORECASE)
HEADER_LINE = re.compile(r'^"?Id"?,')
HEADER = re.compile(rb"^(\xef\xbb\xbf)?\"?Id\"?,\"?Tz\"?,")


def members(bundle: InputBundle) -> list[Member]:
    """The Sleep as Android CSV files of a bundle (detection uses this too)."""
    return bundle.find(
        lambda m: (
            bool(FILE_NAME.search(m.name))
            or (m.name.lower().endswith(".csv") and bool(HEADER.match(bundle.head(m, 64))))
        )
    )


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:  # noqa: ARG001
    """Yield in-bed spans and stage samples from a Sleep as Android export.

    ``zone`` (every importer's signature) is unused: each record names its own zone.
    """
    with InputBundle(Path(path)) as bundle:
        found = members(bundle)
        if not found:
            raise InputRejected(bundle.label, "no sleep-export.csv found")
        for member in found:
            yield from _file(bundle, member)


def _file(bundle: InputBundle, member: Member) -> Iterator[Record | ParseIssue]:
    label = bundle.display(member)
    lines = list(read_text_lines(bundle, member))
    lines = [line.lstrip("\ufeff") for line in lines]
    if not lines or not HEADER_LINE.match(lines[0]):
        yield ParseIssue(label, "expected a Sleep as Android CSV starting with 'Id,Tz,From,…'")
        return
    line_no = 0
    while line_no < len(lines):
        header_line = lines[line_no]
        line_no += 1
        if not HEADER_LINE.match(header_line):
            if header_line.strip():
                yield ParseIssue(label, "expected a header line starting with 'Id,'", line=line_no)
            continue
        if line_no >= len(lines):
            yield ParseIssue(label, "header line without a values line", line=line_no)
            break
        values_line = lines[line_no]
        line_no += 1
        # Each line is parsed alone: an unclosed quote must not swallow the next record.
        header = next(csv.reader([header_line]), [])
        values = next(csv.reader([values_line]), [])
        yield from _record(label, line_no, header, values)


def _start(cells: dict[str, str], tz: ZoneInfo) -> datetime:
    """The record's start: its ``Id`` in milliseconds, else (spreadsheet-mangled) ``From``."""
    identifier = cells["Id"]
    if identifier.isdigit():
        return fixed(datetime.fromtimestamp(int(identifier) / 1000, tz))
    return parse_local(cells["From"], tz)


def _record(
    label: str, line_no: int, header: list[str], values: list[str]
) -> Iterator[Record | ParseIssue]:
    cells = {
        key.strip().strip('"'): value.strip() for key, value in zip(header, values, strict=False)
    }
    try:
        hours = parse_number(cells["Hours"])
        tz = zone_info(cells.get("Tz") or "UTC", label)
        start = _start(cells, tz)
    except (KeyError, ValueError) as error:
        yield ParseIssue(label, f"unreadable record ({error})", line=line_no)
        return
    except InputRejected as error:  # an unknown zone spoils this record only
        yield ParseIssue(label, error.message, line=line_no)
        return
    if not 0 <= hours <= MAX_HOURS:
        yield ParseIssue(label, f"Hours {hours} out of range", line=line_no)
        return
    end = start + timedelta(hours=hours)
    if not cells["Id"].isdigit():
        # From/To are exact to the minute; Hours, rounded, is not.
        try:
            end = parse_local(cells["To"], tz)
        except (KeyError, ValueError):
            pass
        if end < start:
            yield ParseIssue(label, "record ends before it starts", line=line_no)
            return
    yield SleepSample(SOURCE, start, end, Stage.IN_BED)
    opened: dict[str, datetime] = {}
    events = [name for name in header[len(values) :] if name] + [
        value for value in values if EVENT.match(value)
    ]
    for name in events:
        match = EVENT.match(name)
        if match is None:
            continue
        kind, edge, stamp = match.groups()
        moment = fixed(datetime.fromtimestamp(int(stamp) / 1000, tz))
        if edge == "START":
            opened[kind] = moment
        elif kind in opened:
            began = opened.pop(kind)
            if moment > began:
                yield SleepSample(SOURCE, began, moment, EVENT_STAGES[kind])
