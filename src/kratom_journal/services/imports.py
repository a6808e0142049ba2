"""``kj import``: the journal's own formats here, wearable exports through their importers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kratom_journal.services import transfer
from kratom_journal.services.transfer import ImportFailed, ImportSummary
from kratom_journal.store.journal import Journal

Progress = Callable[[int, int], None]

JOURNAL_SOURCES = ("csv", "json")


def run_import(
    journal: Journal,
    source: str | None,
    path: Path,
    skip_bad: bool = False,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import ``path`` from ``source`` (detected from the file when ``None``)."""
    if not path.exists():
        raise ImportFailed([f"{path}: no such file or folder"])
    chosen = (source or detect_source(path)).strip().lower()
    if chosen == "csv":
        return transfer.import_csv(journal, [path], skip_bad=skip_bad, confirmed=confirmed)
    if chosen == "json":
        return transfer.import_json(journal, path)
    return _wearable_import(journal, chosen, path, skip_bad, progress)


def detect_source(path: Path) -> str:
    """Tell the journal's own CSV/JSON from a wearable export."""
    if path.is_dir() and any(p.suffix.lower() == ".csv" for p in path.iterdir()):
        if all(_is_journal_csv(p) for p in path.iterdir() if p.suffix.lower() == ".csv"):
            return "csv"
    if path.suffix.lower() == ".csv" and _is_journal_csv(path):
        return "csv"
    if path.suffix.lower() == ".json" and _is_journal_json(path):
        return "json"
    wearable = _detect_wearable(path)
    if wearable is None:
        raise ImportFailed(
            [
                f"{path}: cannot tell what this file is; name the source: "
                f"kj import SOURCE PATH (sources: {', '.join(known_sources())})"
            ]
        )
    return wearable


def known_sources() -> list[str]:
    return [*JOURNAL_SOURCES, *_wearable_sources()]


def _is_journal_csv(path: Path) -> bool:
    from kratom_journal.services.csv_format import detect_format

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


def _wearable_sources() -> list[str]:
    try:
        from kratom_journal.importers import IMPORTERS
    except ImportError:
        return []
    return sorted(IMPORTERS)


def _detect_wearable(path: Path) -> str | None:
    try:
        from kratom_journal.services.wearable_import import detect_source as detect
    except ImportError:
        return None
    found: str | None = detect(path)
    return found


def _wearable_import(
    journal: Journal, source: str, path: Path, skip_bad: bool, progress: Progress | None
) -> ImportSummary:
    if source not in _wearable_sources():
        raise ImportFailed(
            [f"{path}: unknown source {source!r}; expected one of {', '.join(known_sources())}"]
        )
    from kratom_journal.services.wearable_import import import_wearable

    # The wearable summary has the same line() and skipped the callers use.
    result: Any = import_wearable(journal, source, path, progress=progress, skip_bad=skip_bad)
    return result  # type: ignore[no-any-return]
