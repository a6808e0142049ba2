"""Withings (Health Mate "Download your data"): ``sleep.csv`` from the export zip.

One row per night: ``from`` and ``to`` (ISO 8601 with their UTC offset), the
seconds of light, deep, REM and awake time, the heart rate and, in newer exports,
the sleep score. Withings writes the column names in the account's language;
English, German, French and Spanish names are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from kratom_journal.importers.safe_input import InputBundle, Member
from kratom_journal.importers.summaries import Aliases, alias_columns, summary_files
from kratom_journal.importers.tables import head_columns, header_key
from kratom_journal.sleep.samples import ParseIssue, Record, SourceRef

VENDOR: Final = "withings"
SOURCE: Final = SourceRef(VENDOR, "Withings")
ALIASES: Final[Aliases] = {
    "start": (("from", ""), ("von", ""), ("de", ""), ("début", "")),
    "end": (("to", ""), ("bis", ""), ("a", ""), ("à", ""), ("fin", "")),
    "light": (("light (s)", "s"), ("leicht (s)", "s"), ("léger (s)", "s"), ("ligero (s)", "s")),
    "deep": (("deep (s)", "s"), ("tief (s)", "s"), ("profond (s)", "s"), ("profundo (s)", "s")),
    "rem": (("rem (s)", "s"),),
    "awake": (
        ("awake (s)", "s"),
        ("wach (s)", "s"),
        ("éveillé (s)", "s"),
        ("despierto (s)", "s"),
    ),
    "heart_rate": (("Average heart rate", ""), ("Durchschnittliche Herzfrequenz", "")),
    "score": (("Sleep score", ""), ("Schlafwert", "")),
}


def _accepts(bundle: InputBundle, member: Member) -> bool:
    if not member.name.lower().endswith(".csv"):
        return False
    columns = set(head_columns(bundle.head(member, 4096)))
    start = {header_key(c) for c in alias_columns(ALIASES, "start")}
    light = {header_key(c) for c in alias_columns(ALIASES, "light")}
    return bool(columns & start) and bool(columns & light) and header_key("rem (s)") in columns


def members(bundle: InputBundle) -> list[Member]:
    """The Withings sleep CSV files of a bundle (detection uses this too)."""
    return bundle.find(lambda m: _accepts(bundle, m))


def parse(path: Path, *, zone: str | None = None) -> Iterator[Record | ParseIssue]:
    """Yield one summary (with heart rate and score) per Withings night."""
    yield from summary_files(path, zone, members, ALIASES, SOURCE, "no Withings sleep.csv found")
