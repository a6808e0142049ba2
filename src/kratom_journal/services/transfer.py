"""Export and import of the journal: lossless JSON, and the public CSV formats.

An import is all-or-nothing: it runs in one transaction, so a bad row (unless
skipped on request) or a killed process leaves the journal exactly as before.
Imports are idempotent: JSON entries keep their ids; CSV rows are matched by
content, and a diary night that already exists is updated with its history kept.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from kratom_journal import __version__
from kratom_journal.domain.entries import Entry, Kind, SleepDiaryEntry, kind_of
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.domain.limits import check_length
from kratom_journal.domain.serialize import entry_from_dict, entry_to_dict
from kratom_journal.domain.spreadsheet import neutralize_cell, restore_cell
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock, journal_zone
from kratom_journal.services.csv_format import (
    FILE_NAMES,
    FORMATS,
    READERS,
    detect_format,
    row_of_entry,
)
from kratom_journal.services.entry_checks import check_dates, check_plausible, entry_range
from kratom_journal.services.import_summary import ImportFailed, ImportSummary
from kratom_journal.services.json_merge import restore_json_entry
from kratom_journal.services.settings import imported_settings, read_settings
from kratom_journal.store.journal import (
    Journal,
    Revision,
    StoredEntry,
    StoreSession,
    add_missing_settings,
    bulk_add,
    content_fingerprint,
    edit_entry,
    existing_ids,
    list_entries,
    live_content_index,
    live_diary_for_night,
)
from kratom_journal.store.private_files import private_folder, write_private
from kratom_journal.store.revision_reads import revisions_by_entry

FORMAT_NAME = "kratom-journal"
FORMAT_VERSION = 1
_CSV_NAMESPACE = uuid.UUID("6f1d2c3e-8a9b-4c5d-9e0f-112233445566")


# --- JSON ------------------------------------------------------------------------------------


def export_document(journal: Journal) -> dict[str, Any]:
    """Every entry (deleted ones too) with its full history, and the journal's settings."""
    with journal.reading() as session:  # an export never writes (nor waits for writers)
        stored = list_entries(session, include_deleted=True)
        histories = revisions_by_entry(session)
        entries = [_stored_to_json(s, histories.get(s.id, [])) for s in stored]
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "written_by": f"kratom-journal {__version__}",
        "settings": journal.settings.all(),
        "entries": entries,
    }
    for name, section in export_sections().items():
        document[name] = section.export(journal)
    return document


@dataclass(frozen=True)
class Section:
    """Another kind of record carried by the JSON export (questionnaires, medicines, ...).

    ``export(journal)`` returns JSON-ready records; ``restore(session, records,
    origin)`` adds those whose id is new, inside the import's transaction, and
    raises ``ValueError`` naming a bad record.
    """

    export: Callable[[Journal], list[dict[str, Any]]]
    restore: Callable[[StoreSession, list[dict[str, Any]], str], int]


def export_sections() -> dict[str, Section]:
    """The record kinds beyond entries that a lossless export must carry."""
    from kratom_journal.services import (
        experiment_transfer,
        medicine_transfer,
        questionnaire_transfer,
        wearable_transfer,
    )

    return {
        "questionnaires": Section(
            questionnaire_transfer.export_administrations,
            questionnaire_transfer.import_administrations,
        ),
        "medicines": Section(
            medicine_transfer.export_medicines, medicine_transfer.import_medicines
        ),
        "experiments": Section(
            experiment_transfer.export_experiments, experiment_transfer.import_experiments
        ),
        "wearable_samples": Section(
            wearable_transfer.export_samples, wearable_transfer.restore_samples
        ),
    }


def _stored_to_json(stored: StoredEntry, history: list[Revision]) -> dict[str, Any]:
    return {
        "id": stored.id,
        "version": stored.version,
        "created_at": stored.created_at.isoformat(),
        "updated_at": stored.updated_at.isoformat(),
        "deleted_at": stored.deleted_at.isoformat() if stored.deleted_at else None,
        "source": stored.source,
        "data": entry_to_dict(stored.entry),
        "history": [
            {
                "version": r.version,
                "action": r.action,
                "changed_at": r.changed_at.isoformat(),
                "data": r.data,
            }
            for r in history
        ],
    }


def export_json(journal: Journal, path: Path) -> int:
    """Write the JSON export atomically (a temporary file renamed into place)."""
    document = export_document(journal)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    _write_atomically(path, text)
    return len(document["entries"])


def _write_atomically(path: Path, text: str) -> None:
    write_private(path, text)


def import_json(journal: Journal, path: Path, *, clock: Clock = SYSTEM_CLOCK) -> ImportSummary:
    """Restore entries from a JSON export; entries whose id exists already are left alone,
    and a night's diary merges into the one the journal has (see ``restore_json_entry``)."""
    document = _read_json(path)
    problems: list[str] = []
    parsed: list[tuple[StoredEntry, list[Revision]]] = []
    allowed = entry_range(read_settings(journal), clock.now())
    settings, setting_problems = imported_settings(document.get("settings"))
    problems.extend(f"{path}: {problem}" for problem in setting_problems)
    first_seen: dict[str, int] = {}
    for index, item in enumerate(document["entries"]):
        try:
            stored, history = _stored_from_json(item)
            allowed.check_entry(stored.entry)
            _check_new_id(stored.id, index, first_seen)
            parsed.append((stored, history))
        except (InvalidEntry, KeyError, TypeError, ValueError, OverflowError) as exc:
            problems.append(f"{path}: entry {index + 1}: {_explain(exc)}")
    if problems:
        raise ImportFailed(problems)
    summary = ImportSummary("json", path.name, records_read=len(parsed))
    with journal.session() as session:
        taken = _taken_ids(session, [stored.id for stored, _ in parsed])
        for index, (stored, history) in enumerate(parsed):
            where = f"{path}: entry {index + 1}"
            restore_json_entry(session, stored, history, summary, where, taken)
        add_missing_settings(session, settings)
        for name, section in export_sections().items():
            records = document.get(name) or []
            if not isinstance(records, list):
                raise ImportFailed([f'{path}: "{name}" must be a list'])
            summary.records_read += len(records)
            try:
                summary.added += section.restore(session, records, f"import:{path.name}")
            except ValueError as exc:
                raise ImportFailed([f"{path}: {name}: {exc}"]) from None
    return summary


def _taken_ids(session: StoreSession, ids: list[str]) -> dict[str, Kind]:
    """Which of ``ids`` the journal has already, and under which kind."""
    taken: dict[str, Kind] = {}
    for kind in Kind:
        for found in existing_ids(session, [(kind, entry_id) for entry_id in ids]):
            taken[found] = kind
    return taken


MAX_ID_LENGTH = 36
"""The longest id the journal stores (a UUID with dashes)."""


def _check_new_id(entry_id: str, index: int, first_seen: dict[str, int]) -> None:
    """Ids are never empty, never odd, and unique in the file across every kind."""
    if not entry_id.strip():
        raise InvalidEntry("must not be empty", "id")
    if len(entry_id) > MAX_ID_LENGTH or not entry_id.isascii() or not entry_id.isprintable():
        raise InvalidEntry(f"expected at most {MAX_ID_LENGTH} plain characters", "id")
    earlier = first_seen.setdefault(entry_id.lower(), index)
    if earlier != index:
        raise InvalidEntry(f"{entry_id} is also the id of entry {earlier + 1} in this file", "id")


MAX_JSON_BYTES = 256 * 1024 * 1024
"""The largest JSON export an import reads: it is parsed whole, taking several times
its size in memory. A ten-year busy journal (43,800 entries) exports 40 MB."""


def _read_json(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ImportFailed(
                [
                    f"{path}: {size // (1024 * 1024)} MiB is larger than a journal export "
                    f"can be (at most {MAX_JSON_BYTES // (1024 * 1024)} MiB)"
                ]
            )
        document = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise ImportFailed([f"{path}: nested too deeply to be a journal export"]) from None
    except OSError as exc:
        raise ImportFailed([f"{path}: cannot read the file ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise ImportFailed([f"{path}: not a text file (expected UTF-8 JSON)"]) from None
    except json.JSONDecodeError as exc:
        raise ImportFailed([f"{path}:{exc.lineno}: not valid JSON ({exc.msg})"]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportFailed(
            [
                f"{path}: not a Kratom Journal export "
                f'(expected an object with "format": "{FORMAT_NAME}")'
            ]
        )
    if document.get("format_version", 0) > FORMAT_VERSION:
        raise ImportFailed(
            [
                f"{path}: written by a newer version of Kratom Journal "
                f"(format {document.get('format_version')}); upgrade to import it"
            ]
        )
    if not isinstance(document.get("entries"), list):
        raise ImportFailed([f'{path}: "entries" must be a list'])
    return document


def _stored_from_json(item: dict[str, Any]) -> tuple[StoredEntry, list[Revision]]:
    if not isinstance(item, dict):
        raise InvalidEntry("expected an object with id, data and history")
    if not isinstance(item.get("id"), str):
        raise InvalidEntry("expected the entry's id as text", "id")
    entry = entry_from_dict(item["data"])
    deleted = item.get("deleted_at")
    stored = StoredEntry(
        id=str(item["id"]),
        kind=kind_of(entry),
        entry=entry,
        version=int(item["version"]),
        created_at=_instant(item["created_at"], "created_at"),
        updated_at=_instant(item["updated_at"], "updated_at"),
        deleted_at=_instant(deleted, "deleted_at") if deleted else None,
        source=str(item.get("source", "import")),
    )
    check_length(stored.source, "source")
    history = [
        Revision(
            int(r["version"]),
            str(r["action"]),
            _instant(r["changed_at"], "changed_at"),
            entry_to_dict(entry_from_dict(r["data"])),
        )
        for r in item.get("history", [])
    ]
    return stored, history


def _instant(value: str, field: str) -> datetime:
    try:
        instant = datetime.fromisoformat(str(value))
        if instant.tzinfo is None:
            raise InvalidEntry(f"time stamp {value!r} has no offset", field)
        return instant.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidEntry(
            f"expected an ISO 8601 time stamp in range, got {value!r}", field
        ) from None


def _explain(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc)


# --- CSV -------------------------------------------------------------------------------------


def export_csv(journal: Journal, target: Path, kinds: list[Kind] | None = None) -> dict[Kind, int]:
    """Write one CSV per kind into a folder (or, for one kind, to a ``.csv`` path)."""
    chosen = kinds or list(Kind)
    counts: dict[Kind, int] = {}
    with journal.reading() as session:
        by_kind = {kind: list_entries(session, [kind]) for kind in chosen}
    if target.suffix.lower() == ".csv":
        if len(chosen) != 1:
            raise InvalidEntry("a single .csv file holds one kind; give a folder, or --kind")
        paths = {chosen[0]: target}
    else:
        private_folder(target)
        paths = {kind: target / FILE_NAMES[kind] for kind in chosen}
    for kind, path in paths.items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FORMATS[kind].columns, lineterminator="\r\n")
        writer.writeheader()
        for stored in by_kind[kind]:
            row = row_of_entry(stored.entry)
            writer.writerow({name: neutralize_cell(value) for name, value in row.items()})
        _write_atomically(path, buffer.getvalue())
        counts[kind] = len(by_kind[kind])
    return counts


def read_csv(
    path: Path, journal: Journal, *, zone: tzinfo | None = None
) -> Iterator[tuple[int, Entry | str]]:
    """Yield (line number, entry or problem text) for each data row of a journal CSV file."""
    zone = zone or journal_zone(journal)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFailed([f"{path}: cannot read the file ({exc.strerror})"]) from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise ImportFailed([f"{path}: the file is empty; expected a header line"])
            try:
                fmt = detect_format(header)
            except InvalidEntry as exc:
                raise ImportFailed([f"{path}:1: {exc}"]) from None
            names = [h.strip().lower() for h in header]
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(names):
                    yield line, f"expected {len(names)} columns, found {len(row)}"
                    continue
                cells = [restore_cell(cell) for cell in row]
                try:
                    yield line, READERS[fmt.kind](dict(zip(names, cells, strict=True)), zone)
                except InvalidEntry as exc:
                    yield line, str(exc)
                except (ValueError, OverflowError) as exc:  # a date beyond the calendar
                    yield line, f"a date or number is out of range ({exc})"
        except UnicodeDecodeError:
            raise ImportFailed([f"{path}: not a UTF-8 text file"]) from None
        except csv.Error as exc:
            raise ImportFailed([f"{path}:{reader.line_num}: malformed CSV ({exc})"]) from None


def import_csv(
    journal: Journal,
    paths: list[Path],
    skip_bad: bool = False,
    confirmed: bool = False,
    *,
    clock: Clock = SYSTEM_CLOCK,
) -> ImportSummary:
    """Import journal CSV files in one transaction; any bad row aborts unless ``skip_bad``.

    Rows are read, checked and written in batches of :data:`CSV_BATCH` inside the one
    transaction, so memory stays bounded however long the file is (a million rows
    once took 4.3 GiB); a bad row found after some batches were written rolls them
    back with the rest, leaving the journal as it was.
    """
    settings = read_settings(journal)
    zone = journal_zone(journal)
    now = clock.now()
    summary = ImportSummary("csv", ", ".join(path.name for path in paths))
    problems = _Problems()
    nights: dict[object, str] = {}
    files = _csv_files(paths)
    with journal.session() as session:
        seen = _SeenContent(session)
        batch: list[Entry] = []
        for path in files:
            for line, item in read_csv(path, journal, zone=zone):
                item = _checked_row(item, path, line, nights, settings, now, confirmed)
                if isinstance(item, str):
                    problems.add(item)
                    continue
                summary.records_read += 1
                _note_repeated_time(item, zone, f"{path.name}:{line}", summary)
                if problems.count and not skip_bad:
                    continue  # the import is refused: only the problems are still wanted
                batch.append(item)
                if len(batch) >= CSV_BATCH:
                    _save_csv_entries(session, batch, summary, seen)
                    batch = []
        if problems.count and not skip_bad:
            raise ImportFailed(problems.listed())
        _save_csv_entries(session, batch, summary, seen)
    for problem in problems.listed():
        summary.skip(problem)
    summary.records_read += problems.count
    return summary


CSV_BATCH = 5000
"""Rows checked and written together by a CSV import."""
MAX_LISTED_PROBLEMS = 1000
"""Bad rows an import names one by one; beyond them it says how many more there were."""


class _Problems:
    """The bad rows of an import: the first ones named, the rest counted."""

    def __init__(self) -> None:
        self.count = 0
        self._first: list[str] = []

    def add(self, problem: str) -> None:
        self.count += 1
        if len(self._first) < MAX_LISTED_PROBLEMS:
            self._first.append(problem)

    def listed(self) -> list[str]:
        more = self.count - len(self._first)
        return self._first + ([f"... and {more} more bad rows"] if more else [])


def _checked_row(
    item: Entry | str,
    path: Path,
    line: int,
    nights: dict[object, str],
    settings: Any,
    now: datetime,
    confirmed: bool,
) -> Entry | str:
    """The row's entry, or its problem as ``file:line: message``."""
    if isinstance(item, SleepDiaryEntry):
        if item.night in nights:
            item = f"night {item.night} appears twice (first at {nights[item.night]})"
        else:
            nights[item.night] = f"{path.name}:{line}"
    if isinstance(item, str):
        return f"{path}:{line}: {item}"
    try:
        check_dates(item, settings, now)
    except InvalidEntry as exc:
        return f"{path}:{line}: {exc}"
    try:
        check_plausible(item, confirmed)
    except InvalidEntry as exc:
        return f"{path}:{line}: {exc} (use --yes to accept)"
    return item


MAX_TIME_NOTES = 10


def _note_repeated_time(entry: Entry, zone: tzinfo, where: str, summary: ImportSummary) -> None:
    """Say so when a row's time is in the hour that clocks falling back repeat.

    Such a time is read as the first of the two (before the change), as typed times
    are; the import says which offset it took, so that a wrong guess can be fixed.
    """
    moment = getattr(entry, "taken_at", None) or getattr(entry, "at", None)
    if not isinstance(moment, datetime) or entry.zone is not None:
        return
    wall = moment.replace(tzinfo=None)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset() or moment.utcoffset() != first.utcoffset():
        return
    if len(summary.notes) < MAX_TIME_NOTES:
        summary.notes.append(
            f"{where}: {wall:%Y-%m-%d %H:%M} happens twice in {zone} (clocks go back); "
            f"read as the first, {moment:%z}"
        )


class _SeenContent:
    """Content already in the journal or earlier in this import, per kind.

    Kept as 16-byte digests (the id of a CSV row is derived from its full
    fingerprint), so that a million rows cost tens of megabytes, not hundreds.
    """

    def __init__(self, session: StoreSession) -> None:
        self._session = session
        self._by_kind: dict[Kind, set[bytes]] = {}

    def add(self, kind: Kind, fingerprint: str) -> bool:
        """Remember ``fingerprint``; whether it was new."""
        known = self._by_kind.get(kind)
        if known is None:
            index = live_content_index(self._session, kind)
            known = self._by_kind[kind] = {_digest(f) for f in index}
        digest = _digest(fingerprint)
        if digest in known:
            return False
        known.add(digest)
        return True


def _digest(fingerprint: str) -> bytes:
    return bytes.fromhex(fingerprint[:32])


def _csv_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv"))
        else:
            files.append(path)
    if not files:
        raise ImportFailed([f"{paths[0]}: no .csv files found"])
    return files


def _save_csv_entries(
    session: StoreSession, entries: list[Entry], summary: ImportSummary, seen: _SeenContent
) -> None:
    candidates: list[tuple[str, Entry]] = []
    for entry in entries:
        fingerprint = content_fingerprint(entry)
        if not seen.add(kind_of(entry), fingerprint):
            summary.unchanged += 1
            continue
        entry_id = uuid.uuid5(_CSV_NAMESPACE, fingerprint).hex
        if isinstance(entry, SleepDiaryEntry) and _update_night(session, entry):
            summary.updated += 1
            continue
        candidates.append((entry_id, entry))
    # A row imported before and since deleted keeps its id: it stays deleted.
    taken = existing_ids(session, [(kind_of(e), i) for i, e in candidates])
    new = [(i, e) for i, e in candidates if i not in taken]
    summary.unchanged += len(candidates) - len(new)
    summary.added += len(new)
    bulk_add(session, new, source="import:csv")


def _update_night(session: StoreSession, entry: SleepDiaryEntry) -> bool:
    existing = live_diary_for_night(session, entry.night)
    if existing is None:
        return False
    changes = {k: v for k, v in entry_to_dict(entry).items() if k != "kind"}
    edit_entry(session, existing.id, changes)
    return True
