"""Import wearable exports into the journal and derive nights.

Parsing is streamed and never touches the database; this module saves what the
parsers yield. Everything happens in one transaction: an import that fails or is
killed leaves the journal exactly as it was. Samples are keyed by a hash of their
content, so importing the same data again adds nothing; a file whose content hash
was already imported is recognised before it is parsed at all.
"""

from __future__ import annotations

import hashlib
import re
import time as clock
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from kratom_journal.domain.errors import JournalError
from kratom_journal.importers import REGISTRY
from kratom_journal.importers import detect_source as _detect
from kratom_journal.importers.apple_health import TagMemory
from kratom_journal.importers.safe_input import InputRejected, progress_sink
from kratom_journal.services.clock import system_zone_name
from kratom_journal.services.import_summary import ImportSummary
from kratom_journal.services.spool import Spool
from kratom_journal.services.wearable_samples import derive_and_store, hour_nights, save_records
from kratom_journal.sleep.nights import parse_priority
from kratom_journal.sleep.samples import ParseIssue, Record
from kratom_journal.store import wearables as store
from kratom_journal.store.journal import Journal
from kratom_journal.store.wearables import StoreSession

PRIORITY_KEY = "sleep-source-priority"
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
    skip_bad: bool = False,
    *,
    on_records: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a wearable export into ``journal`` and derive its nights.

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
        Skip unreadable records instead of refusing the whole import.
    on_records
        Called with the number of records read so far.

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
            f"(one of {', '.join(REGISTRY)})"
        )
    if name not in REGISTRY:
        raise WearableImportError(f"unknown source {name!r}; expected one of {', '.join(REGISTRY)}")
    started = clock.monotonic()
    digest, size = fingerprint(path)
    summary = ImportSummary(name, path.name)
    # Settings are read before the import's transaction opens.
    chosen_zone = setting(journal, "timezone")
    zone = chosen_zone or system_zone_name()
    priority = source_priority(journal)
    with journal.reading() as session:
        previous = store.previous_import(session, name, digest)
        memory = _tag_memory(session, name) if previous is None else None
    if previous is not None:
        summary.already_imported = True
        summary.nights_unchanged = previous.nights
        if progress:
            progress(size, size)
        summary.seconds = clock.monotonic() - started
        return summary
    if REGISTRY[name].naive_times and chosen_zone is None:
        summary.notes.append(
            f"times without an offset were read in {zone} (set the journal's zone with: "
            "kj config set timezone Area/City)"
        )
    # Parsed in full before the write transaction opens, so other writes wait only
    # for the short write below (see services.spool).
    with (
        Spool(
            _read(name, path, zone, size, progress, on_records, summary, skip_bad, memory)
        ) as records,
        journal.session() as session,
    ):
        run_id = store.start_import(session, name, path.name, digest, size)
        touched, covered = save_records(session, records, run_id, summary)
        if memory is not None:
            summary.records_read += memory.skipped
            summary.unchanged += memory.skipped
            covered.update(hour_nights(memory.skipped_starts))
        if summary.records_read == 0:
            raise WearableImportError(
                f"{path.name}: nothing could be imported (no sleep data found)"
            )
        derive_and_store(session, touched, priority, summary, covered)
        store.finish_import(
            session,
            run_id,
            records_read=summary.records_read,
            samples_added=summary.added,
            nights=summary.nights,
            skipped=summary.records_skipped,
            tag_digests=memory.new if memory is not None else None,
        )
    summary.seconds = clock.monotonic() - started
    return summary


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


def _read(
    name: str,
    path: Path,
    zone: str | None,
    total: int,
    progress: ProgressCallback | None,
    on_records: Callable[[int], None] | None,
    summary: ImportSummary,
    skip_bad: bool,
    memory: TagMemory | None = None,
) -> Iterator[Record]:
    """Records from the parser, with progress reporting and the bad-record policy."""
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
        options: dict[str, Any] = {"memory": memory} if memory is not None else {}
        for item in REGISTRY[name].parse(path, zone=zone, **options):
            if isinstance(item, ParseIssue):
                if item.severity == "warning":
                    summary.warnings += 1
                    continue
                if not skip_bad:
                    raise WearableImportError(
                        f"{item.describe()}; nothing was imported "
                        "(fix the file or import with --skip-bad to skip bad records)"
                    )
                summary.skip(_reason(item))
                continue
            summary.records_read += 1
            yield item
    except InputRejected as error:
        raise WearableImportError(str(error)) from None
    finally:
        progress_sink.reset(token)
    if progress:
        progress(total, total)
    if on_records:
        on_records(summary.records_read)
