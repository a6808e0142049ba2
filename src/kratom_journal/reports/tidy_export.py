"""Writing the tidy tables: Parquet or CSV files and the data dictionary, all or nothing.

``kj export --format parquet DIR`` writes Parquet files, ``kj export --format
tidy-csv DIR`` the same tables as CSV; the tables are described in
:mod:`kratom_journal.reports.tidy_tables`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.domain.spreadsheet import neutralize_cell
from kratom_journal.reports.tidy_rows import ROW_BUILDERS
from kratom_journal.reports.tidy_tables import TABLES, data_dictionary_rows, schema_of
from kratom_journal.store.journal import Journal
from kratom_journal.store.private_files import partial_path, private_folder


def _csv_text(fieldnames: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralize_cell(_csv_value(v)) for k, v in row.items()})
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return round(value, 4)  # kept a number, so that a negative one is not quoted as text
    return value


def export_tidy(journal: Journal, folder: Path, fmt: str) -> dict[str, int]:
    """Write every table (``fmt`` is ``parquet`` or ``csv``) and the data dictionary.

    All files are written under temporary names first and renamed at the end,
    so a failure leaves no half-written table.
    """
    if fmt not in {"parquet", "csv"}:
        raise InvalidInput(f"unknown tidy format {fmt!r}; expected parquet or csv")
    if folder.suffix.lower() in {".parquet", ".csv", ".json"}:
        raise InvalidInput(f"{folder}: the tidy export writes several files; give a folder")
    private_folder(folder)
    pending: list[tuple[Path, Path]] = []
    counts: dict[str, int] = {}
    for table, build in ROW_BUILDERS.items():
        rows = build(journal)
        counts[table] = len(rows)
        target = folder / f"{table}.{fmt}"
        temporary = partial_path(target)
        if fmt == "parquet":
            import pyarrow.parquet as pq

            arrow = pa.Table.from_pylist(rows, schema=schema_of(table))
            pq.write_table(arrow, temporary)
        else:
            temporary.write_text(
                _csv_text([c.name for c in TABLES[table]], rows), encoding="utf-8", newline=""
            )
        pending.append((temporary, target))
    dictionary = folder / "data_dictionary.csv"
    temporary = partial_path(dictionary)
    temporary.write_text(
        _csv_text(["table", "column", "type", "unit", "description"], data_dictionary_rows()),
        encoding="utf-8",
        newline="",
    )
    pending.append((temporary, dictionary))
    for temporary, target in pending:
        temporary.replace(target)
    return counts


def export_parquet(journal: Journal, folder: Path) -> str:
    counts = export_tidy(journal, folder, "parquet")
    return _summary("Parquet", counts, folder)


def export_tidy_csv(journal: Journal, folder: Path) -> str:
    counts = export_tidy(journal, folder, "csv")
    return _summary("tidy CSV", counts, folder)


def _summary(kind: str, counts: dict[str, int], folder: Path) -> str:
    listed = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in counts.items())
    return f"Wrote {kind} tables ({listed}) and data_dictionary.csv to {folder}"
