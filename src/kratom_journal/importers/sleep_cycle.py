"""Sleep Cycle's export (``sleepdata.csv``, semicolon-separated).

One row per night: ``Start`` and ``End`` as local wall-clock times
(``2016-04-05 01:43:36``, no offset: the zone the import uses places them),
``Sleep quality`` (``85%``, kept as the night's score) and the time in bed:
``Time in bed`` as ``H:MM`` in older exports, ``Time in bed (seconds)`` and
``Time asleep (seconds)`` in newer ones, plus the heart rate when measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from kratom_journal.importers.safe_input import InputBundle, Member
from kratom_journal.importers.summaries import Aliases, summary_files
from kratom_journal.importers.tables import has_columns, head_columns
from kratom_journal.sleep.samples import ParseIssue, Record, SourceRef

VENDOR: Final = "sleep-cycle"
SOURCE: Final = SourceRef(VENDOR, "Sleep Cycle")
FILE_NAME = re.compile(r"(^|/)sleepdata[^/]*\.csv$", re.IGNORECASE)
ALIASES: Final[Aliases] = {
    "start": (("Start", ""),),
    "end": (("End", ""),),
    "in_bed": (("Time in bed (seconds)", "s"), ("Time in bed", "hms")),
    "asleep": (("Time asleep (seconds)", "s"),),
    "score": (("Sleep quality", ""), ("Sleep Quality", "")),
    "heart_rate": (("Heart rate (bpm)", ""), ("Heart rate", "")),
}


def _accepts(bundle: InputBundle, member: Member) -> bool:
    if not member.name.lower().endswith(".csv"):
        return False
    columns = head_columns(bundle.head(member, 4096))
    if not has_columns(columns, ["Start", "End"]):
        return False
    return bool(FILE_NAME.search(member.name)) or has_columns(columns, ["Sleep quality"])


def members(bundle: InputBundle) -> list[Member]:
    """The Sleep Cycle CSV files of a bundle (detection uses this too)."""
    return bundle.find(lambda m: _accepts(bundle, m))


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield one summary (with its quality score and heart rate) per Sleep Cycle night."""
    yield from summary_files(
        path, zone, members, ALIASES, SOURCE, "no Sleep Cycle sleepdata.csv found"
    )
