"""Import wearable exports into the journal and derive nights.

Parsing is streamed and never touches the database; this module saves what the
parsers yield. Exports whose times carry offsets are saved in short batches as they
are read (:mod:`~kratom_journal.services.wearable_batches`): an import that fails
removes what it wrote, one that is killed leaves whole batches that the next import
completes. Offset-less exports, whose samples may move zone, are compared and saved
in one transaction after they are read in full. Samples are keyed by a hash of their
content, so importing the same data again adds nothing; a file whose content hash
was already imported is recognised before it is parsed at all.
"""

from __future__ import annotations

import hashlib
import re
import time as clock
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kratom_journal.domain.errors import JournalError
from kratom_journal.importers import REGISTRY, Importer
from kratom_journal.importers import detect_source as _detect
from kratom_journal.importers.apple_health import TagMemory
from kratom_journal.importers.safe_input import InputRejected, progress_sink
from kratom_journal.importers.summaries import parse_spec
from kratom_journal.importers.window_filter import NearSleep
from kratom_journal.services.import_summary import ImportSummary
from kratom_journal.services.spool import Spool
from kratom_journal.services.wearable_batches import BatchedImport
from kratom_journal.services.wearable_samples import (
    derive_and_store,
    hour_nights,
    save_records,
    save_zoned_records,
)
from kratom_journal.services.wearable_zones import (
    TIMEZONE_KEY,
    ZoneChoice,
    choose_zone,
    guess_note,
    kept_note,
    reads_again,
    replaces,
)
from kratom_journal.sleep.nights import parse_priority
from kratom_journal.sleep.samples import ParseIssue, Record
from kratom_journal.store import wearable_runs as runs
from kratom_journal.store import wearables as store
from kratom_journal.store.journal import Journal
from kratom_journal.store.wearable_batches import connection_held
from kratom_journal.store.wearables import StoreSession

PRIORITY_KEY = "sleep-source-priority"
DEFAULT_PROFILE = "default"
"""The name a ``sleep-csv`` column map given without ``--profile`` is saved under."""
MAX_REMEMBERED_TAGS = 600_000

ProgressCallback = Callable[[int, int], None]


class WearableImportError(JournalError, ValueError):
    """An import that could not be done; ``str()`` is one line for the person."""


def detect_source(path: Path) -> str | None:
    """The registered source a file, folder or archive comes from, or ``None``."""
    try:
        return _detect(Path(path))
    except InputRejected as error:
        raise WearableImportError(str(error)) from None


def sources() -> list[str]:
    """Names accepted by :func:`import_wearable`."""
    return list(REGISTRY)


# ----------------------------------------------------------------- settings


def setting(journal: Journal, key: str) -> str | None:
    """A journal setting, or ``None`` when it is not set (or the journal has none)."""
    settings = getattr(journal, "settings", None)
    if settings is None:
        return None
    try:
        value = settings.get(key)
    except KeyError:
        return None
    return str(value) if value else None


def source_priority(journal: Journal) -> tuple[str, ...]:
    """The user's ``sleep-source-priority`` setting, parsed."""
    return parse_priority(setting(journal, PRIORITY_KEY))


# --------------------------------------------------------------- fingerprint


def fingerprint(path: Path) -> tuple[str, int]:
    """SHA-256 of a file's bytes (or of a folder's files and names) and the size read."""
    digest = hashlib.sha256()
    size = 0
    files = (
        [path]
        if path.is_file()
        else sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    )
    for file in files:
        if file != path:
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as handle:
            while chunk := handle.read(1 << 22):
                digest.update(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


# ------------------------------------------------------------------- import


def import_wearable(
    journal: Journal,
    source: str | None,
    path: Path,
    progress: ProgressCallback | None = None,
    skip_bad: bool = False,  # noqa: ARG001 - machine exports always skip bad records
    *,
    on_records: Callable[[int], None] | None = None,
    zone: str | None = None,
    columns: str | None = None,
    profile: str | None = None,
) -> ImportSummary:
    """Import a wearable export into ``journal`` and derive its nights.

    A record that cannot be read or is impossible is skipped and counted with its
    reason and first places; only a file that is not this format at all (or is
    unsafe, or holds nothing readable) refuses the import.

    Parameters
    ----------
    journal
        An open journal (``session()`` and ``settings``).
    source
        A :data:`~kratom_journal.importers.REGISTRY` name, or ``None`` to detect it.
    path
        The export: zip, folder, XML, JSON, CSV or SQLite file.
    progress
        Called with (bytes read, total bytes) as the file is read.
    skip_bad
        Accepted for the journal's own formats' sake; exports always skip bad records.
    on_records
        Called with the number of records read so far.
    zone
        IANA zone for times without an offset (``kj import --zone``); it re-reads an
        export imported before in another zone, moving its samples.
    columns, profile
        ``sleep-csv`` only: a column map (``start=…,end=…``) and the name to save it
        under, or the name of a saved map to use.

    Raises
    ------
    WearableImportError
        With one line naming the file, the place in it and the problem; the
        journal is then unchanged.
    """
    path = Path(path)
    if not path.exists():
        raise WearableImportError(f"{path}: no such file or folder")
    name = source or detect_source(path)
    if name is None:
        raise WearableImportError(
            f"{path.name}: cannot tell which app this export comes from; name the source "
            f"(one of {', '.join(REGISTRY)}), or for another sleep CSV: "
            "kj import sleep-csv FILE --map start=COLUMN,end=COLUMN"
        )
    if name not in REGISTRY:
        raise WearableImportError(f"unknown source {name!r}; expected one of {', '.join(REGISTRY)}")
    importer = REGISTRY[name]
    started = clock.monotonic()
    digest, size = fingerprint(path)
    summary = ImportSummary(name, path.name)
    # Settings are read before the import's transaction opens.
    try:
        choice = zone_choice(journal, zone) if importer.naive_times else None
    except ValueError as error:
        raise WearableImportError(str(error)) from None
    priority = source_priority(journal)
    with journal.reading() as session:
        options = _options(session, importer, columns, profile, save=False)
        previous = store.previous_import(session, name, digest)
        memory = _tag_memory(session, name)
    if previous is not None and (choice is None or not reads_again(previous, choice)):
        summary.already_imported = True
        summary.nights_unchanged = previous.nights
        if choice is not None and previous.zone not in (None, choice.zone):
            summary.notes.append(kept_note(previous, choice))
        if progress:
            progress(size, size)
        summary.seconds = clock.monotonic() - started
        return summary
    if choice is not None:
        summary.zone = choice.zone
        if choice.guessed:
            summary.notes.append(guess_note(choice))
    batched = BatchedImport(journal, name, summary)
    near = NearSleep(lambda first, last: _sleep_windows(journal, first, last, batched.run_id))
    if memory is not None:
        options.update(memory=memory, near=near)
    reading = _read(name, path, choice, size, progress, on_records, summary, options)
    records = _records(near.filter(reading))
    run = _RunRow(name, path.name, digest, size, choice)
    if choice is None:
        with connection_held(journal):
            batched.start_run = run.start
            _save_in_batches(batched, records, near, memory, summary, path)
            adopted = batched.adopt_unfinished()
            if adopted:
                summary.notes.append(
                    f"an earlier import of {importer.title} that was interrupted is completed "
                    f"({adopted} samples it had saved)"
                )
            batched.derive(priority)

            def last_write(session: StoreSession, run_id: int) -> None:
                _save_profile(session, columns, profile, options)
                run.finish(session, run_id, summary, memory)

            batched.finish(last_write)
    else:
        # Samples read in another zone may be moved: all of them are compared in one
        # transaction, parsed in full before it opens (see services.spool).
        with Spool(records) as spooled, journal.session() as session:
            run_id = run.start(session)
            touched, covered = save_zoned_records(
                session,
                spooled,
                run_id,
                summary,
                wall_clock=importer.times == "local",
                may_replace=replaces(choice),
            )
            _count_filtered(summary, near, memory, covered)
            if summary.records_read == 0:
                raise WearableImportError(_nothing_read(path, summary))
            derive_and_store(session, touched, priority, summary, covered)
            _save_profile(session, columns, profile, options)
            run.finish(session, run_id, summary, memory)
    summary.seconds = clock.monotonic() - started
    return summary


@dataclass(frozen=True, slots=True)
class _RunRow:
    """The import run's row: written with the first samples, finished with the last write."""

    source: str
    file_name: str
    digest: str
    size: int
    choice: ZoneChoice | None

    def start(self, session: StoreSession) -> int:
        zone = self.choice.zone if self.choice else None
        came_from = self.choice.came_from if self.choice else None
        return store.start_import(
            session, self.source, self.file_name, self.digest, self.size, zone, came_from
        )

    def finish(
        self, session: StoreSession, run_id: int, summary: ImportSummary, memory: TagMemory | None
    ) -> None:
        store.finish_import(
            session,
            run_id,
            records_read=summary.records_read,
            samples_added=summary.added,
            nights=summary.nights,
            skipped=summary.records_skipped,
            tag_digests=memory.new if memory is not None else None,
        )


def _save_in_batches(
    batched: BatchedImport,
    records: Iterable[Record],
    near: NearSleep,
    memory: TagMemory | None,
    summary: ImportSummary,
    path: Path,
) -> None:
    """Save the samples as they are read; on an error, remove what was written."""
    try:
        batched.save(records)
        _count_filtered(summary, near, memory, batched.covered)
        if summary.records_read == 0:
            raise WearableImportError(_nothing_read(path, summary))
    except BaseException:
        # If even this fails, the next import adopts the run's samples (whole batches).
        with suppress(Exception):
            batched.discard()
        raise


def _count_filtered(
    summary: ImportSummary, near: NearSleep, memory: TagMemory | None, covered: set[int]
) -> None:
    """Count the readings the filters kept out of the records saved."""
    summary.records_read += near.held_raw
    if near.dropped:
        summary.notes.append(
            f"{near.dropped} heart and breathing rate readings away from sleep were not kept"
        )
    if memory is not None:
        summary.records_read += memory.skipped
        summary.unchanged += memory.skipped
        covered.update(hour_nights(memory.skipped_starts))


def _sleep_windows(
    journal: Journal, first: int, last: int, run_id: int | None
) -> list[tuple[int, int]]:
    """Sleep windows the journal held before this import (read when the all-day
    readings are filtered; the import's own are known)."""
    with journal.reading() as reader:
        return runs.sleep_windows(reader, first, last, not_from=run_id)


def _nothing_read(path: Path, summary: ImportSummary) -> str:
    if summary.skipped_reasons:
        first = summary.skipped[0]
        return f"{path.name}: nothing could be imported; every record was skipped ({first})"
    return f"{path.name}: nothing could be imported (no sleep data found)"


def zone_choice(journal: Journal, option: str | None) -> ZoneChoice:
    """The zone an import of ``journal`` uses for offset-less times (see wearable_zones)."""
    return choose_zone(option, setting(journal, TIMEZONE_KEY))


def asks_for_zone(journal: Journal, source: str | None, path: Path) -> str | None:
    """The export's title when importing it would guess a zone (no setting, no option).

    A face on a terminal asks the person for the zone before importing; ``None``
    means no question is needed (the times carry offsets, or the journal has a zone).
    """
    if setting(journal, TIMEZONE_KEY):
        return None
    name = source or detect_source(Path(path))
    if name is None or name not in REGISTRY or not REGISTRY[name].naive_times:
        return None
    return REGISTRY[name].title


def _options(
    session: StoreSession,
    importer: Importer,
    columns: str | None,
    profile: str | None,
    save: bool = True,
) -> dict[str, Any]:
    """The parser's extra options: the column map of a ``sleep-csv`` import.

    A map given with ``--map`` is saved (under ``--profile NAME``, else as the
    default map) and used again next time without ``--map``; with ``save`` false
    the caller saves it later (:func:`_save_profile`, in the import's transaction).
    """
    if not importer.takes_columns:
        if columns or profile:
            raise WearableImportError(
                f"--map and --profile are for sleep-csv files, not {importer.name}"
            )
        return {}
    spec = columns
    if spec is None:
        spec = runs.load_profile(session, profile or DEFAULT_PROFILE)
        if spec is None and profile:
            known = ", ".join(runs.profile_names(session)) or "none saved yet"
            raise WearableImportError(f"no column map named {profile!r} (saved: {known})")
    try:
        column_map = parse_spec(spec) if spec else None
    except ValueError as error:
        raise WearableImportError(f"--map: {error}") from None
    if save and columns and column_map is not None:
        runs.save_profile(session, profile or DEFAULT_PROFILE, column_map.spec())
    return {"columns": column_map, "name": profile}


def _save_profile(
    session: StoreSession, columns: str | None, profile: str | None, options: dict[str, Any]
) -> None:
    """Save a column map given with ``--map`` (see :func:`_options`)."""
    column_map = options.get("columns")
    if columns and column_map is not None:
        runs.save_profile(session, profile or DEFAULT_PROFILE, column_map.spec())


def saved_profiles(journal: Journal) -> dict[str, str]:
    """Saved ``sleep-csv`` column maps by name."""
    with journal.session() as session:
        return {
            name: runs.load_profile(session, name) or "" for name in runs.profile_names(session)
        }


def import_records(
    journal: Journal, records: Iterable[Record], source: str, file: str
) -> ImportSummary:
    """Save records made in the program (not read from a file) like an import, and derive nights."""
    summary = ImportSummary(source, file)
    listed = list(records)
    summary.records_read = len(listed)
    priority = source_priority(journal)
    with journal.session() as session:
        touched, covered = save_records(session, listed, None, summary)
        derive_and_store(session, touched, priority, summary, covered)
    return summary


def _tag_memory(session: StoreSession, source: str) -> TagMemory | None:
    """Digests of every record this source's earlier imports read (see TagMemory)."""
    if not REGISTRY[source].remembers_tags:
        return None
    memory = TagMemory()
    for packed in store.remembered_tags(session, source):
        memory.known.update(packed)
        if len(memory.known) > MAX_REMEMBERED_TAGS:
            # Beyond this the set would cost more memory than it saves time.
            memory.known.clear()
            break
    return memory


_REASON_DETAIL = re.compile(r"'[^']*'|\"[^\"]*\"|\d+(\.\d+)?")


def _reason(issue: ParseIssue) -> str:
    return _REASON_DETAIL.sub("…", issue.message)[:80]


def _where(issue: ParseIssue) -> str:
    if issue.line is not None:
        return f"{issue.file} line {issue.line}"
    if issue.record is not None:
        return f"{issue.file} record {issue.record}"
    return issue.file


EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
"""Years a wearable record may carry: far outside, the night rules and the store's
UTC conversion overflow the calendar (9999-12-31 in a western zone is year 10000)."""


def _out_of_range(record: Record) -> str | None:
    """Why a record's time cannot be kept, or ``None`` (the year named, the range expected)."""
    for name in ("start", "end"):
        moment = getattr(record, name, None)
        if isinstance(moment, datetime) and not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            return f"{name} in year {moment.year} (expected {EARLIEST_YEAR}–{LATEST_YEAR})"
    return None


def _records(items: Iterable[Record | ParseIssue]) -> Iterator[Record]:
    """The records among filtered items (problems were counted while reading)."""
    for item in items:
        if not isinstance(item, ParseIssue):
            yield item


def _read(
    name: str,
    path: Path,
    choice: ZoneChoice | None,
    total: int,
    progress: ProgressCallback | None,
    on_records: Callable[[int], None] | None,
    summary: ImportSummary,
    options: dict[str, Any],
) -> Iterator[Record | ParseIssue]:
    """Records from the parser, with progress reporting; bad records counted and skipped."""
    done = 0
    last_report = 0.0

    def consumed(count: int) -> None:
        nonlocal done, last_report
        done = min(done + count, total)
        now = clock.monotonic()
        if progress and now - last_report > 0.1:
            last_report = now
            progress(done, total)
            if on_records:
                on_records(summary.records_read)

    token = progress_sink.set(consumed if progress else None)
    try:
        zone = choice.zone if choice is not None else None
        for item in REGISTRY[name].parse(path, zone=zone, **options):
            if isinstance(item, ParseIssue):
                if item.severity == "warning":
                    summary.warnings += 1
                else:
                    summary.skip(_reason(item), where=_where(item))
                continue
            summary.records_read += 1
            problem = _out_of_range(item)
            if problem is not None:
                summary.skip(problem, where=path.name)
                continue
            yield item
    except InputRejected as error:
        raise WearableImportError(str(error)) from None
    finally:
        progress_sink.reset(token)
    if progress:
        progress(total, total)
    if on_records:
        on_records(summary.records_read)
