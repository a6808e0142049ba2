"""Registry of extra export formats (``kj export --format NAME PATH``).

JSON and CSV are built in (see :mod:`kratom_journal.services.transfer`); the
formats here are functions ``(journal, path) -> str`` returning a one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kratom_journal.store.journal import Journal

Exporter = Callable[[Journal, Path], str]


def _fhir(journal: Journal, path: Path) -> str:
    from kratom_journal.reports.fhir_bundle import export_fhir

    return export_fhir(journal, path)


def _parquet(journal: Journal, path: Path) -> str:
    from kratom_journal.reports.tidy_export import export_parquet

    return export_parquet(journal, path)


def _tidy_csv(journal: Journal, path: Path) -> str:
    from kratom_journal.reports.tidy_export import export_tidy_csv

    return export_tidy_csv(journal, path)


EXPORTERS: dict[str, Exporter] = {"fhir": _fhir, "parquet": _parquet, "tidy-csv": _tidy_csv}
"""``fhir``: a FHIR R4B Bundle (one JSON file); ``parquet`` and ``tidy-csv``: analysis-ready
tables with a data dictionary, in a folder (see docs/exports.md)."""
