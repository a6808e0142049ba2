"""The name the app shows: its own, or a neutral one in discreet mode.

Kratom is a scheduled substance in several jurisdictions, so a person may not want
the word on a lock screen, a browser tab, an installed app's icon or a report
header. Every face asks :func:`app_name` instead of writing the name itself.

>>> app_name(discreet=False)
'Kratom Journal'
>>> app_name(discreet=True)
'Sleep Journal'
>>> parse_discreet(" On ")
True
"""

from __future__ import annotations

from kratom_journal.domain.errors import InvalidEntry

APP_NAME = "Kratom Journal"
DISCREET_NAME = "Sleep Journal"
DISCREET_KEY = "discreet"
"""The setting that turns discreet mode on (stored as ``on`` or ``off``)."""


def app_name(discreet: bool) -> str:
    """The app's display name: the neutral one when ``discreet``."""
    return DISCREET_NAME if discreet else APP_NAME


def parse_discreet(value: str) -> bool:
    """Read the discreet setting's text (on/off, yes/no, true/false, 1/0)."""
    text = value.strip().lower()
    if text in {"on", "yes", "true", "1"}:
        return True
    if text in {"off", "no", "false", "0", ""}:
        return False
    raise InvalidEntry(f"expected on or off, got {value!r}", DISCREET_KEY)
