"""Wearable and sleep-app importers: one module per source, registered in :data:`REGISTRY`.

Every importer exposes ``parse(path, *, zone=None)``, a generator of
:mod:`~kratom_journal.sleep.samples` records and
:class:`~kratom_journal.sleep.samples.ParseIssue` items. Importers never touch the
database; saving is done by :mod:`kratom_journal.services.wearables`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kratom_journal.importers import (
    apple_health,
    fitbit,
    garmin,
    health_connect,
    oura,
    samsung,
    sleep_as_android,
)
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.sleep.samples import ParseIssue, Record

Parser = Callable[..., Iterator[Record | ParseIssue]]


@dataclass(frozen=True, slots=True)
class Importer:
    """One source: its command-line name, a human title and its parser."""

    name: str
    title: str
    parse: Parser
    naive_times: bool
    """True when the export's times carry no offset, so the journal's zone is used."""
    remembers_tags: bool = False
    """True when ``parse`` takes ``memory=`` (:class:`apple_health.TagMemory`)."""


REGISTRY: dict[str, Importer] = {
    "apple-health": Importer("apple-health", "Apple Health", apple_health.parse, False, True),
    "fitbit": Importer("fitbit", "Fitbit (Google Takeout)", fitbit.parse, True),
    "oura": Importer("oura", "Oura", oura.parse, False),
    "garmin": Importer("garmin", "Garmin Connect", garmin.parse, True),
    "samsung": Importer("samsung", "Samsung Health", samsung.parse, False),
    "sleep-as-android": Importer(
        "sleep-as-android", "Sleep as Android", sleep_as_android.parse, False
    ),
    "health-connect": Importer(
        "health-connect", "Android Health Connect", health_connect.parse, False
    ),
}

_FITBIT_JSON = re.compile(rb'"(?:logId|dateOfSleep)"')
_GARMIN_JSON = re.compile(rb'"sleepStartTimestampGMT"')


def _detect_file(name: str, head: bytes) -> str | None:
    lower = name.lower()
    if head.startswith(health_connect.SQLITE_MAGIC):
        return "health-connect"
    if apple_health.is_export_head(head):
        return "apple-health"
    if lower.endswith("sleep-export.csv") or head.startswith(b"Id,Tz,From"):
        return "sleep-as-android"
    if samsung.STAGE_FILE.search(lower) or samsung.SESSION_FILE.search(lower):
        return "samsung"
    if head.startswith(b"com.samsung.shealth.sleep"):
        return "samsung"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        if oura.looks_like(head):
            return "oura"
        if _GARMIN_JSON.search(head):
            return "garmin"
        if _FITBIT_JSON.search(head):
            return "fitbit"
    return None


def _detect_bundle(bundle: InputBundle) -> str | None:
    members = bundle.members()
    checks: list[tuple[str, Callable[[Member], bool]]] = [
        ("fitbit", lambda m: bool(fitbit.FILE_NAME.search(m.name))),
        ("garmin", lambda m: bool(garmin.FILE_NAME.search(m.name))),
        (
            "samsung",
            lambda m: bool(
                samsung.STAGE_FILE.search(m.name) or samsung.SESSION_FILE.search(m.name)
            ),
        ),
        ("sleep-as-android", lambda m: m.name.lower().endswith("sleep-export.csv")),
    ]
    for name, accept in checks:
        if any(accept(m) for m in members):
            return name
    for member in members:
        lower = member.name.lower()
        if lower.endswith((".xml", ".db", ".json", ".csv")) and member.name.count("/") <= 3:
            found = _detect_file(member.name, bundle.head(member, 4096))
            if found:
                return found
    return None


def detect_source(path: Path) -> str | None:
    """Which registered source a file, folder or archive comes from, or ``None``.

    Raises :class:`InputRejected` for an unsafe or unreadable archive.
    """
    with InputBundle(Path(path)) as bundle:
        if bundle.kind == "file":
            (member,) = bundle.members()
            return _detect_file(member.name, bundle.head(member, 4096))
        return _detect_bundle(bundle)


__all__ = ["REGISTRY", "Importer", "InputRejected", "detect_source"]
