"""Receiving what a local journal shares: entries, questionnaires and adherence, incrementally.

A local journal stays the primary copy. Each push carries only what changed since the
last one; entries are kept by id and version, so a repeated push stores nothing twice.
The server refuses anything the share does not cover (an area not consented to), and
for a study keeps no free-text notes (they could name someone).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kratom_journal.domain.entries import kind_of
from kratom_journal.domain.errors import InvalidInput, JournalError, NotFound
from kratom_journal.domain.serialize import entry_from_dict
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.questionnaire_transfer import import_administrations
from kratom_journal.store.journal import StoredEntry
from kratom_journal.store.server import people
from kratom_journal.store.server import studies as store
from kratom_journal.store.server.rls import TABLE_AREAS
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as, as_nobody

BUNDLE_FORMAT = "kratom-journal-share"
BUNDLE_VERSION = 1
MAX_ITEMS = 20000
KIND_AREAS = {"dose": "doses", "sleep": "sleep", "mood": "mood", "side-effect": "side-effects"}


@dataclass(frozen=True, slots=True)
class Link:
    account_id: uuid.UUID
    kind: str
    areas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SyncSummary:
    received: int
    added: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict[str, int]:
        return {
            "received": self.received,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def link_of(db: ServerDatabase, token: str) -> Link:
    """The account a sync token feeds (a revoked or unknown token: not found)."""
    with as_nobody(), db.session() as session:
        found = store.sync_link(session, token) if token else None
        if found is None or found.revoked_at is not None:
            raise NotFound("this share is not valid (stopped, or an unknown token)")
        return Link(found.account_id, found.kind, tuple(found.areas))


def _covers(areas: tuple[str, ...], area: str) -> bool:
    return "all" in areas or area in areas


def _parse_entry(item: dict[str, Any], strip_notes: bool) -> StoredEntry:
    data = dict(item["data"])
    if strip_notes:
        data["note"] = None
    entry = entry_from_dict(data)
    deleted = item.get("deleted_at")
    return StoredEntry(
        id=str(item["id"])[:36],
        kind=kind_of(entry),
        entry=entry,
        version=int(item["version"]),
        created_at=_instant(item["created_at"]),
        updated_at=_instant(item["updated_at"]),
        deleted_at=_instant(deleted) if deleted else None,
        source="shared",
    )


def _instant(value: object) -> datetime:
    instant = datetime.fromisoformat(str(value))
    if instant.tzinfo is None:
        raise ValueError(f"time stamp {value!r} has no offset")
    return instant.astimezone(UTC)


def receive(
    db: ServerDatabase, token: str, bundle: dict[str, Any], clock: Clock = SYSTEM_CLOCK
) -> SyncSummary:
    """Store one push; all or nothing (one transaction for the entries and questionnaires)."""
    link = link_of(db, token)
    if (
        bundle.get("format") != BUNDLE_FORMAT
        or int(bundle.get("format_version", 0)) > BUNDLE_VERSION
    ):
        raise InvalidInput(f'expected a "{BUNDLE_FORMAT}" bundle, version {BUNDLE_VERSION}')
    items = bundle.get("entries") or []
    records = bundle.get("questionnaires") or []
    adherence = bundle.get("adherence") or []
    if not all(isinstance(x, list) for x in (items, records, adherence)):
        raise InvalidInput("entries, questionnaires and adherence must be lists")
    if len(items) + len(records) + len(adherence) > MAX_ITEMS:
        raise InvalidInput(f"send at most {MAX_ITEMS} records at a time")
    strip = link.kind == "study"
    parsed: list[StoredEntry] = []
    for index, item in enumerate(items):
        try:
            stored = _parse_entry(item, strip)
        except (JournalError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"entry {index + 1}: {exc}") from None
        if not _covers(link.areas, KIND_AREAS[stored.kind.value]):
            raise InvalidInput(f"entry {index + 1}: {stored.kind.value} entries are not shared")
        parsed.append(stored)
    if records and not _covers(link.areas, TABLE_AREAS["questionnaire_administrations"]):
        raise InvalidInput("questionnaires are not shared")
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    with acting_as(link.account_id):
        with db.session() as session:
            for stored in parsed:
                counts[people.upsert_entry(session, stored)] += 1
            if records:
                if strip:
                    records = [{**r, "note": None} for r in records]
                try:
                    added = import_administrations(session, records, "shared")
                except ValueError as exc:
                    raise InvalidInput(f"questionnaires: {exc}") from None
                counts["added"] += added
                counts["unchanged"] += len(records) - added
            link_row = store.sync_link(session, token)
            if link_row is not None:
                link_row.last_sync_at = clock.now()
                link_row.entries_received += len(parsed)
        for item in adherence:
            try:
                _adherence(db, item, clock)
                counts["added"] += 1
            except InvalidInput:
                raise
            except JournalError:
                counts["unchanged"] += 1  # a day outside the schedule: nothing to keep
    return SyncSummary(len(parsed) + len(records) + len(adherence), **counts)


def _adherence(db: ServerDatabase, item: Any, clock: Clock) -> None:
    try:
        day = date.fromisoformat(str(item["day"]))
        followed = bool(item["followed"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("an adherence record needs a day and followed") from None
    experiment_service.log_adherence(db.journal, day, followed, None, clock=clock)


def withdraw_share(
    db: ServerDatabase, token: str, delete_data: bool, clock: Clock = SYSTEM_CLOCK
) -> str:
    """Stop a share from the local journal (a study: withdraw consent)."""
    link = link_of(db, token)
    if link.kind == "study":
        from kratom_journal.services.server.studies import withdraw

        withdraw(db, link.account_id, delete_data, clock)
        return "withdrawn"
    from kratom_journal.store.server import grants as grant_store

    now = clock.now()
    with acting_as(link.account_id), db.session() as session:
        for grant in grant_store.grants_given(session, link.account_id):
            grant_store.revoke(session, grant.id, now)
        store.revoke_sync_links(session, link.account_id, now)
        if delete_data:
            people.delete_journal(session, keep_settings=False)
    return "stopped"
