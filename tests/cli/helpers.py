"""Arguments shared by the command-line tests."""

from __future__ import annotations

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
