"""Which time zone an import reads offset-less times in, and when that zone wins.

Fitbit, Sleep Cycle and other exports write local wall-clock times without an
offset; Garmin and Gadgetbridge write UTC without the local offset. The zone is
chosen before anything is stored: ``kj import --zone`` (``option``), else the
journal's ``timezone`` setting (``setting``), else the machine's zone, which is
only a guess (``system``). Each import records its zone and where it came from.

A later import of the same data (the same file, or the same samples in another
container) in a zone that is more certain re-reads it and moves its samples:
``--zone`` always wins, the setting wins over a guess, and a guess never moves
samples read in a chosen zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kratom_journal.domain.timeparse import is_zone
from kratom_journal.services.clock import system_zone_name
from kratom_journal.store.wearables import ImportRun

ZoneFrom = Literal["option", "setting", "system"]
TIMEZONE_KEY = "timezone"


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """The zone an import uses for offset-less times, and where it came from."""

    zone: str
    came_from: ZoneFrom

    @property
    def guessed(self) -> bool:
        """True when neither the person nor the journal's setting chose it."""
        return self.came_from == "system"


def choose_zone(option: str | None, setting: str | None) -> ZoneChoice:
    """``--zone`` if given, else the journal's setting, else the machine's zone.

    Raises :class:`ValueError` naming an unknown zone.

    >>> choose_zone(None, "Europe/Berlin")
    ZoneChoice(zone='Europe/Berlin', came_from='setting')
    >>> choose_zone("Asia/Tokyo", "Europe/Berlin").came_from
    'option'
    """
    if option:
        if not is_zone(option):
            raise ValueError(
                f"--zone: unknown time zone {option!r}; expected an IANA name like Europe/Berlin"
            )
        return ZoneChoice(option, "option")
    if setting:
        return ZoneChoice(setting, "setting")
    return ZoneChoice(system_zone_name(), "system")


def reads_again(previous: ImportRun, choice: ZoneChoice) -> bool:
    """Whether an export imported before is read again because of the zone now used.

    >>> earlier = ImportRun(1, 3, "UTC", "system")
    >>> reads_again(earlier, ZoneChoice("Europe/Berlin", "setting"))
    True
    >>> reads_again(ImportRun(1, 3, "Europe/Berlin", "setting"), ZoneChoice("UTC", "system"))
    False
    """
    if previous.zone == choice.zone:
        return False
    if choice.came_from == "option":
        return True
    return choice.came_from == "setting" and previous.zone_from in (None, "system")


def replaces(choice: ZoneChoice) -> Callable[[str | None], bool]:
    """Whether this import's zone may move a sample an earlier import stored.

    The argument is where the earlier import's zone came from (``None``: unknown).

    >>> replaces(ZoneChoice("UTC", "setting"))("system"), replaces(ZoneChoice("UTC", "setting"))(
    ...     "option")
    (True, False)
    """

    def allowed(earlier: str | None) -> bool:
        if choice.came_from == "option":
            return True
        if choice.came_from == "setting":
            return earlier in (None, "system")
        return False

    return allowed


def guess_note(choice: ZoneChoice) -> str:
    """The summary note saying a guessed zone was used and how to choose one."""
    return (
        f"times without an offset were read in {choice.zone}, this computer's zone (set the "
        "journal's zone with: kj config set timezone Area/City, or import again with "
        "--zone Area/City)"
    )


def kept_note(previous: ImportRun, choice: ZoneChoice) -> str:
    """The summary note of an export kept in the zone it was first read in."""
    return (
        f"it was read in {previous.zone} before; to read it in {choice.zone} instead, import "
        f"it with --zone {choice.zone}"
    )
