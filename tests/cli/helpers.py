"""Arguments shared by the command-line tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

BERLIN = ZoneInfo("Europe/Berlin")
EVENING = datetime(2024, 5, 2, 22, 0, tzinfo=BERLIN)
"""A fixed "now" late in the evening, after every clock time the examples use."""


def fix_clock(monkeypatch: pytest.MonkeyPatch, instant: datetime = EVENING) -> None:
    """Stop the clock every ``kj`` command reads at ``instant``."""
    from kratom_journal.cli import common
    from kratom_journal.services.clock import FixedClock

    monkeypatch.setattr(common, "CLOCK", FixedClock(instant))


SLEEP_FLAGS = {
    "night": "2024-05-01",
    "bed": "22:00",
    "tried": "22:30",
    "sol": "18",
    "awakenings": "2",
    "waso": "30",
    "final-wake": "06:30",
    "out": "06:45",
    "quality": "3",
}


def log_sleep_args(**changes: str) -> list[str]:
    """``kj log sleep`` arguments for the worked example night, with some flags changed."""
    flags = {**SLEEP_FLAGS, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return ["log", "sleep", *[part for k, v in flags.items() for part in (f"--{k}", v)]]
