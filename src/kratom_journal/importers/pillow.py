"""Pillow's sleep export (a CSV file whose name starts with ``Pillow``).

Pillow does not publish its export layout; this reader takes the columns such
exports are seen with: the session's start and end (local wall-clock times,
placed in the zone the import uses, or with their offset when written), minutes
awake, in light, deep and REM sleep, the sleep quality (kept as the night's score)
and the heart rate. A Pillow file with other column names can be read with
``kj import sleep-csv FILE --map …``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from kratom_journal.importers.safe_input import InputBundle, Member
from kratom_journal.importers.summaries import Aliases, alias_columns, summary_files
from kratom_journal.importers.tables import head_columns, header_key
from kratom_journal.sleep.samples import ParseIssue, Record, SourceRef

VENDOR: Final = "pillow"
SOURCE: Final = SourceRef(VENDOR, "Pillow")
FILE_NAME = re.compile(r"(^|/)pillow[^/]*\.csv$", re.IGNORECASE)
ALIASES: Final[Aliases] = {
    "start": (("Start Time", ""), ("Start", ""), ("Start Date", ""), ("Bedtime", "")),
    "end": (("End Time", ""), ("End", ""), ("End Date", ""), ("Wake Up Time", "")),
    "awake": (("Awake (min)", "min"), ("Awake", "min")),
    "light": (("Light Sleep (min)", "min"), ("Light Sleep", "min"), ("Light", "min")),
    "deep": (("Deep Sleep (min)", "min"), ("Deep Sleep", "min"), ("Deep", "min")),
    "rem": (("REM Sleep (min)", "min"), ("REM Sleep", "min"), ("REM", "min")),
    "asleep": (("Time Asleep (min)", "min"), ("Asleep (min)", "min")),
    "score": (("Sleep Quality", ""), ("Sleep Quality (%)", ""), ("Quality", "")),
    "heart_rate": (("Heart Rate (bpm)", ""), ("Avg Heart Rate", ""), ("Heart Rate", "")),
}


def _accepts(bundle: InputBundle, member: Member) -> bool:
    if not FILE_NAME.search(member.name):
        return False
    columns = set(head_columns(bundle.head(member, 4096)))
    return all(
        columns & {header_key(c) for c in alias_columns(ALIASES, name)} for name in ("start", "end")
    )


def members(bundle: InputBundle) -> list[Member]:
    """Pillow CSV files (detection uses this too)."""
    return bundle.find(lambda m: _accepts(bundle, m))


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield one summary (with score and heart rate) per Pillow session."""
    yield from summary_files(
        path,
        zone,
        members,
        ALIASES,
        SOURCE,
        "no Pillow CSV found (a Pillow*.csv with Start and End)",
    )
