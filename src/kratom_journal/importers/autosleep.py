"""AutoSleep's History export (Settings → Export → History, a CSV file).

One row per night: ``bedtime`` and ``waketime``, the durations ``inBed``,
``awake``, ``asleep`` and ``deep`` as ``HH:MM:SS``, the sleeping heart rate
(``sleepBPM``), the sleeping HRV (``sleepHRV``, SDNN as Apple measures it) and the
breathing rate (``respAvg``). ``ISO8601`` carries the row's UTC offset, which
places a ``bedtime`` written without one. A ``bedtime`` that is a clock time only
is dated by ``fromDate`` (``Tuesday, Mar 17, 2026``), a ``waketime`` by ``toDate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import zone_info
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.summaries import Column, ColumnMap, row_records
from kratom_journal.importers.tables import cells, has_columns, head_columns, read_table
from kratom_journal.sleep.samples import ParseIssue, Record, SourceRef

VENDOR: Final = "autosleep"
SOURCE: Final = SourceRef(VENDOR, "AutoSleep")
REQUIRED: Final = ("ISO8601", "fromDate", "toDate", "bedtime", "waketime", "inBed")
COLUMNS: Final = ColumnMap(
    {
        "start": Column("start"),
        "end": Column("end"),
        "in_bed": Column("inbed", "hms"),
        "awake": Column("awake", "hms"),
        "asleep": Column("asleep", "hms"),
        "deep": Column("deep", "hms"),
        "heart_rate": Column("sleepbpm"),
        "hrv_sdnn": Column("sleephrv"),
        "respiratory_rate": Column("respavg"),
    }
)
_CLOCK_ONLY = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_OFFSET = re.compile(r"([+-]\d{2}:?\d{2}|Z)$")


def members(bundle: InputBundle) -> list[Member]:
    """AutoSleep history CSV files (detection uses this too)."""
    return bundle.find(
        lambda m: (
            m.name.lower().endswith(".csv")
            and has_columns(head_columns(bundle.head(m, 4096)), REQUIRED)
        )
    )


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield one summary per AutoSleep night with its heart rate, HRV and breathing rate."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle)
        if not found:
            raise InputRejected(bundle.label, "no AutoSleep history CSV found")
        for member in found:
            table = read_table(bundle, member)
            for line, row in cells(table):
                yield from row_records(table.label, line, _placed(row), COLUMNS, SOURCE, tz)


def _placed(row: Mapping[str, str]) -> dict[str, str]:
    """The row with ``start``/``end`` cells: dated, and with ISO8601's offset when missing."""
    placed = dict(row)
    offset = _OFFSET.search(row.get("iso8601", ""))
    for target, clock, day in (("start", "bedtime", "fromdate"), ("end", "waketime", "todate")):
        text = row.get(clock, "").strip()
        if _CLOCK_ONLY.match(text):
            date = _day(row.get(day, ""))
            text = f"{date} {text}" if date else text
        if text and offset and not _OFFSET.search(text):
            text = f"{text.replace(' ', 'T', 1)}{offset.group(1)}"
        placed[target] = text
    return placed


def _day(text: str) -> str | None:
    for pattern in ("%A, %b %d, %Y", "%b %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    return None
