"""Load instrument files: the shipped set and files a person supplies."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from kratom_journal.data import data_path
from kratom_journal.domain.errors import InvalidInput
from kratom_journal.instruments.schema import Instrument

SHIPPED_IDS: tuple[str, ...] = ("phq9", "gad7", "sows", "kud")
"""Instruments shipped with the app, in the order they are offered."""


class InstrumentError(InvalidInput):
    """An instrument file is missing, unreadable or breaks the format."""


def parse_instrument(text: str, origin: str) -> Instrument:
    """Parse and validate instrument JSON; ``origin`` names the file in errors."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstrumentError(f"{origin}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    try:
        return Instrument.model_validate(raw)
    except ValidationError as exc:
        raise InstrumentError(f"{origin}: {_first_problem(exc)}") from None


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "file"
    more = exc.error_count() - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{where}: {error['msg']}{suffix}"


def load_instrument_file(path: Path) -> Instrument:
    """Load a user-supplied instrument file, validated on load."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"{path}: cannot read instrument file ({exc})") from None
    return parse_instrument(text, str(path))


@cache
def shipped_instrument(instrument_id: str) -> Instrument:
    """Return a shipped instrument by id (``phq9``, ``gad7``, ``sows``, ``kud``)."""
    if instrument_id not in SHIPPED_IDS:
        known = ", ".join(SHIPPED_IDS)
        raise InstrumentError(f"unknown instrument {instrument_id!r}; expected one of {known}")
    text = data_path("instruments", f"{instrument_id}.json").read_text(encoding="utf-8")
    return parse_instrument(text, f"data/instruments/{instrument_id}.json")


def shipped_instruments() -> list[Instrument]:
    """All shipped instruments, in the order they are offered."""
    return [shipped_instrument(instrument_id) for instrument_id in SHIPPED_IDS]
