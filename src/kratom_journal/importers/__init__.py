"""Wearable and sleep-app importers: one module per source, registered in :data:`REGISTRY`.

Every importer module exposes the same surface:

* ``members(bundle)``: the files of an opened export (zip, folder or single file)
  the importer reads. Recognising an export and importing it both use this one
  function, so an export that is recognised can be read, and the other way round.
* ``parse(path, *, zone=None, **options)``: a generator of
  :mod:`~kratom_journal.sleep.samples` records and
  :class:`~kratom_journal.sleep.samples.ParseIssue` items (a record that cannot be
  read); a file that is not this format at all raises :class:`InputRejected`.

Importers never touch the database; saving is done by
:mod:`kratom_journal.services.wearables`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kratom_journal.importers import (
    apple_health,
    autosleep,
    fitbit,
    gadgetbridge,
    garmin,
    google_fit,
    health_connect,
    oura,
    pillow,
    samsung,
    sleep_as_android,
    sleep_csv,
    sleep_cycle,
    whoop,
    withings,
)
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member
from kratom_journal.sleep.samples import ParseIssue, Record

Parser = Callable[..., Iterator[Record | ParseIssue]]
Members = Callable[[InputBundle], list[Member]]
TimeKind = Literal["offset", "local", "utc"]


@dataclass(frozen=True, slots=True)
class Importer:
    """One source: its command-line name, a human title, its reader and its time kind."""

    name: str
    title: str
    parse: Parser
    members: Members
    times: TimeKind
    """``offset``: every time carries its UTC offset (the zone is not used).
    ``local``: wall-clock times without an offset; the zone decides the instant.
    ``utc``: instants in UTC; the zone decides only their local offset."""
    remembers_tags: bool = False
    """True when ``parse`` takes ``memory=`` (:class:`apple_health.TagMemory`) and
    ``near=`` (a :class:`~kratom_journal.importers.window_filter.NearSleep` it hands
    all-day readings to straight from their bytes)."""
    takes_columns: bool = False
    """True when ``parse`` takes ``columns=`` (a column map) and ``name=``."""

    @property
    def naive_times(self) -> bool:
        """True when the zone the import uses changes what is stored."""
        return self.times != "offset"


_ALL = (
    Importer("apple-health", "Apple Health", apple_health.parse, apple_health.export_members,
             "offset", remembers_tags=True),
    Importer("health-connect", "Android Health Connect", health_connect.parse,
             health_connect.members, "offset"),
    Importer("gadgetbridge", "Gadgetbridge", gadgetbridge.parse, gadgetbridge.members, "utc"),
    Importer("sleep-as-android", "Sleep as Android", sleep_as_android.parse,
             sleep_as_android.members, "offset"),
    Importer("samsung", "Samsung Health", samsung.parse, samsung.members, "offset"),
    Importer("fitbit", "Fitbit (Google Takeout or Web API)", fitbit.parse, fitbit.members,
             "local"),
    Importer("garmin", "Garmin Connect", garmin.parse, garmin.members, "utc"),
    Importer("oura", "Oura", oura.parse, oura.members, "offset"),
    Importer("google-fit", "Google Fit (Google Takeout)", google_fit.parse, google_fit.members,
             "utc"),
    Importer("whoop", "Whoop", whoop.parse, whoop.members, "offset"),
    Importer("autosleep", "AutoSleep", autosleep.parse, autosleep.members, "offset"),
    Importer("withings", "Withings", withings.parse, withings.members, "offset"),
    Importer("sleep-cycle", "Sleep Cycle", sleep_cycle.parse, sleep_cycle.members, "local"),
    Importer("pillow", "Pillow", pillow.parse, pillow.members, "local"),
    Importer("sleep-csv", "Sleep log CSV (column map)", sleep_csv.parse, sleep_csv.members,
             "local", takes_columns=True),
)  # fmt: skip
REGISTRY: dict[str, Importer] = {importer.name: importer for importer in _ALL}
"""Every source by name, in the order exports are recognised (most specific first)."""


def detect_in(bundle: InputBundle) -> str | None:
    """The first registered source that has files to read in an opened bundle."""
    for importer in _ALL:
        if importer.members(bundle):
            return importer.name
    return None


def detect_source(path: Path) -> str | None:
    """Which registered source a file, folder or archive comes from, or ``None``.

    Raises :class:`InputRejected` for an unsafe or unreadable archive.
    """
    with InputBundle(Path(path)) as bundle:
        return detect_in(bundle)


__all__ = ["REGISTRY", "Importer", "InputRejected", "TimeKind", "detect_in", "detect_source"]
