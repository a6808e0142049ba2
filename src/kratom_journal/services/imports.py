"""``kj import`` and the web's Import page: one entry point for every source.

The journal's own formats (CSV, JSON) are read by :mod:`~kratom_journal.services.transfer`,
wearable exports by :mod:`~kratom_journal.services.wearables`; both report an
:class:`~kratom_journal.services.import_summary.ImportSummary`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kratom_journal.importers import REGISTRY
from kratom_journal.services import transfer, wearables
from kratom_journal.services.csv_format import detect_format
from kratom_journal.services.import_summary import JOURNAL_SOURCES, ImportFailed, ImportSummary
from kratom_journal.store.import_lock import ImportRunning, import_lock
from kratom_journal.store.journal import Journal

Progress = Callable[[int, int], None]

__all__ = [
    "JOURNAL_SOURCES",
    "ExportOptions",
    "ImportFailed",
    "ImportRunning",
    "ImportSummary",
    "Progress",
    "detect_source",
    "known_sources",
    "run_import",
]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """How to read a wearable export: the zone of offset-less times, a CSV column map."""

    zone: str | None = None
    """IANA zone for times without an offset (``kj import --zone``)."""
    columns: str | None = None
    """``sleep-csv``: the column map, ``start=…,end=…``."""
    profile: str | None = None
    """``sleep-csv``: the name to save ``columns`` under, or of a saved map to use."""


def run_import(
    journal: Journal,
    source: str | None,
    path: Path,
    skip_bad: bool = False,
    confirmed: bool = False,
    progress: Progress | None = None,
    on_records: Callable[[int], None] | None = None,
    options: ExportOptions | None = None,
    wait: bool = False,
) -> ImportSummary:
    """Import ``path`` from ``source`` (detected from the file when ``None``).

    ``progress`` is called with (bytes read, total bytes) and ``on_records`` with
    the records read so far, where the source reports them (wearable exports).
    ``options`` say how to read a wearable export. One import runs at a time per
    journal: with ``wait`` a second one waits its turn, otherwise it stops at once
    with :class:`ImportRunning`.

    Raises
    ------
    ImportFailed
        The journal's own formats: every bad row (nothing was imported).
    WearableImportError
        A wearable export: one line naming the file and the problem.
    ImportRunning
        Another import into this journal is running (and ``wait`` is false).
    """
    with import_lock(journal, wait=wait):
        return _run_import(
            journal, source, path, skip_bad, confirmed, progress, on_records, options
        )


def _run_import(
    journal: Journal,
    source: str | None,
    path: Path,
    skip_bad: bool,
    confirmed: bool,
    progress: Progress | None,
    on_records: Callable[[int], None] | None,
    options: ExportOptions | None,
) -> ImportSummary:
    if not path.exists():
        raise ImportFailed([f"{path}: no such file or folder"])
    wants_map = options is not None and bool(options.columns or options.profile)
    chosen = (source or ("sleep-csv" if wants_map else detect_source(path))).strip().lower()
    if chosen == "csv":
        return transfer.import_csv(journal, [path], skip_bad=skip_bad, confirmed=confirmed)
    if chosen == "json":
        return transfer.import_json(journal, path)
    if chosen not in REGISTRY:
        raise ImportFailed(
            [f"{path}: unknown source {chosen!r}; expected one of {', '.join(known_sources())}"]
        )
    wanted = options or ExportOptions()
    return wearables.import_wearable(
        journal,
        chosen,
        path,
        progress=progress,
        skip_bad=skip_bad,
        on_records=on_records,
        zone=wanted.zone,
        columns=wanted.columns,
        profile=wanted.profile,
    )


def detect_source(path: Path) -> str:
    """Tell the journal's own CSV/JSON from a wearable export."""
    if path.is_dir() and any(p.suffix.lower() == ".csv" for p in path.iterdir()):
        if all(_is_journal_csv(p) for p in path.iterdir() if p.suffix.lower() == ".csv"):
            return "csv"
    if path.suffix.lower() == ".csv" and _is_journal_csv(path):
        return "csv"
    if path.suffix.lower() == ".json" and _is_journal_json(path):
        return "json"
    wearable = wearables.detect_source(path)
    if wearable is None:
        raise ImportFailed(
            [
                f"{path}: cannot tell what this file is; name the source: "
                f"kj import SOURCE PATH (sources: {', '.join(known_sources())})"
            ]
        )
    return wearable


def known_sources() -> list[str]:
    """Every source name ``run_import`` accepts: the journal's formats, then the wearables."""
    return [*JOURNAL_SOURCES, *sorted(REGISTRY)]


def _is_journal_csv(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline().strip().split(",")
        detect_format(header)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return True


def _is_journal_json(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    return f'"format": "{transfer.FORMAT_NAME}"' in head or (
        head.strip().startswith("{") and _full_check(path)
    )


def _full_check(path: Path) -> bool:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(document, dict) and document.get("format") == transfer.FORMAT_NAME
