"""Any one-row-per-night sleep CSV, read with a column map.

``kj import sleep-csv FILE --map start=Bedtime,end=Wake up,asleep_min=Minutes asleep``
says which column is which (see :func:`~kratom_journal.importers.summaries.parse_spec`
for the fields and units); the map can be saved under a name and used again with
``--profile NAME``. Without a map, common column names are tried
(``start``/``end``, ``bedtime``/``waketime``, ``sleep start``/``sleep end``,
``from``/``to`` …). Times without an offset are placed in the zone the import uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from kratom_journal.importers.common import zone_info
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.importers.summaries import (
    Aliases,
    ColumnMap,
    alias_columns,
    missing_columns,
    resolve,
    rows_to_records,
)
from kratom_journal.importers.tables import head_columns, header_key, read_table
from kratom_journal.sleep.samples import ParseIssue, Record, SourceRef

VENDOR: Final = "sleep-csv"
SOURCE: Final = SourceRef(VENDOR, "Sleep log (CSV)")
COMMON: Final[Aliases] = {
    "start": (
        ("start", ""),
        ("start time", ""),
        ("sleep start", ""),
        ("bedtime", ""),
        ("bed time", ""),
        ("in bed", ""),
        ("from", ""),
    ),
    "end": (
        ("end", ""),
        ("end time", ""),
        ("sleep end", ""),
        ("waketime", ""),
        ("wake time", ""),
        ("wake up", ""),
        ("out of bed", ""),
        ("to", ""),
    ),
    "asleep": (
        ("asleep_min", "min"),
        ("asleep (min)", "min"),
        ("minutes asleep", "min"),
        ("total sleep (min)", "min"),
        ("total_sleep_min", "min"),
    ),
    "awake": (("awake_min", "min"), ("awake (min)", "min"), ("minutes awake", "min")),
    "light": (("light_min", "min"), ("light (min)", "min"), ("minutes light sleep", "min")),
    "deep": (("deep_min", "min"), ("deep (min)", "min"), ("minutes deep sleep", "min")),
    "rem": (("rem_min", "min"), ("rem (min)", "min"), ("minutes rem sleep", "min")),
    "score": (("score", ""), ("sleep score", ""), ("quality", "")),
    "heart_rate": (("heart rate", ""), ("avg heart rate", ""), ("heart_rate", "")),
}


def _has_common(bundle: InputBundle, member: Member) -> bool:
    columns = set(head_columns(bundle.head(member, 4096)))
    return all(
        columns & {header_key(c) for c in alias_columns(COMMON, name)} for name in ("start", "end")
    )


def members(bundle: InputBundle, columns: ColumnMap | None = None) -> list[Member]:
    """CSV files a column map (or, without one, the common names) can read."""
    if columns is None:
        return bundle.find(lambda m: m.name.lower().endswith(".csv") and _has_common(bundle, m))
    wanted = {header_key(c.name) for c in columns.fields.values()}
    return bundle.find(
        lambda m: (
            m.name.lower().endswith(".csv") and wanted <= set(head_columns(bundle.head(m, 65536)))
        )
    )


def parse(
    path: Path,
    *,
    zone: str | None = None,
    columns: ColumnMap | None = None,
    name: str | None = None,
) -> Iterator[Record | ParseIssue]:
    """Yield one summary per row of a sleep CSV read with ``columns``.

    ``name`` (the saved column map's name) names the source, so logs of two apps
    read with two maps stay two sources.
    """
    source = SourceRef(VENDOR, name) if name else SOURCE
    with InputBundle(Path(path)) as bundle:
        tz = zone_info(zone, bundle.label)
        found = members(bundle, columns)
        if not found:
            if columns is not None and bundle.kind == "file":
                table = read_table(bundle, bundle.members()[0])
                lacking = ", ".join(repr(name) for name in missing_columns(table, columns))
                raise InputRejected(bundle.label, f"has no column {lacking} (named in the map)")
            raise InputRejected(
                bundle.label,
                "cannot tell which columns hold the start and end; name them with "
                "--map start=COLUMN,end=COLUMN",
            )
        for member in found:
            table = read_table(bundle, member)
            yield from rows_to_records(table, columns or resolve(table, COMMON), source, tz)
