"""Whoop's data export (``my_whoop_data_*.zip``): ``sleeps.csv`` and ``physiological_cycles.csv``.

``sleeps.csv`` has one row per sleep: ``Sleep onset`` and ``Wake onset`` (local
wall-clock times) with the row's ``Cycle timezone`` (``UTC-08:00``), the minutes
of light, deep (SWS), REM and awake time, ``Sleep performance %`` (kept as the
night's score) and the respiratory rate. Rows with ``Nap`` true are naps and
are left out of nights. ``physiological_cycles.csv`` adds the daily resting
heart rate and HRV (RMSSD), kept at the wake-up time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import zone_info
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.summaries import Aliases, resolve, rows_to_records
from kratom_journal.importers.tables import has_columns, head_columns, read_table
from kratom_journal.sleep.samples import MetricSample, ParseIssue, Record, SourceRef

VENDOR: Final = "whoop"
SOURCE: Final = SourceRef(VENDOR, "Whoop")
SLEEPS = re.compile(r"(^|/)sleeps\.csv$", re.IGNORECASE)
CYCLES = re.compile(r"(^|/)physiological_cycles\.csv$", re.IGNORECASE)
SLEEP_COLUMNS: Final = ("Sleep onset", "Wake onset", "Cycle timezone")
SLEEP_ALIASES: Final[Aliases] = {
    "start": (("Sleep onset", ""),),
    "end": (("Wake onset", ""),),
    "offset": (("Cycle timezone", ""),),
    "in_bed": (("In bed duration (min)", "min"),),
    "light": (("Light sleep duration (min)", "min"),),
    "deep": (("Deep (SWS) duration (min)", "min"),),
    "rem": (("REM duration (min)", "min"),),
    "awake": (("Awake duration (min)", "min"),),
    "score": (("Sleep performance %", ""),),
    "respiratory_rate": (("Respiratory rate (rpm)", ""),),
    "nap": (("Nap", ""),),
}
CYCLE_ALIASES: Final[Aliases] = {
    "start": (("Sleep onset", ""),),
    "end": (("Wake onset", ""),),
    "offset": (("Cycle timezone", ""),),
    "resting_heart_rate": (("Resting heart rate (bpm)", ""),),
    "hrv": (("Heart rate variability (ms)", ""),),
}


def _kind(bundle: InputBundle, member: Member) -> str | None:
    if not member.name.lower().endswith(".csv"):
        return None
    columns = head_columns(bundle.head(member, 4096))
    if not has_columns(columns, SLEEP_COLUMNS):
        return None
    if CYCLES.search(member.name) or has_columns(columns, ["Recovery score %"]):
        return "cycles"
    return "sleeps"


def members(bundle: InputBundle) -> list[Member]:
    """Whoop's sleeps and physiological cycles files (detection uses this too)."""
    return bundle.find(lambda m: _kind(bundle, m) is not None)


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield one summary per Whoop sleep, with its score and breathing rate, and the
    daily resting heart rate and HRV."""
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle)
        if not found:
            raise InputRejected(bundle.label, "no Whoop sleeps.csv found")
        for member in found:
            table = read_table(bundle, member)
            if _kind(bundle, member) == "sleeps":
                yield from rows_to_records(table, resolve(table, SLEEP_ALIASES), SOURCE, tz)
                continue
            for item in rows_to_records(table, resolve(table, CYCLE_ALIASES), SOURCE, tz):
                # The cycles file repeats each sleep's window; only its daily values are new.
                if isinstance(item, MetricSample):
                    yield item
