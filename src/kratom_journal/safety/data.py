"""Load and validate the shipped safety data files (cached; read-only)."""

from __future__ import annotations

import json
from functools import cache
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from kratom_journal.data import data_path
from kratom_journal.safety.legal_schemas import LegalFile
from kratom_journal.safety.schemas import (
    DrugNamesFile,
    EvidenceFile,
    HelplinesFile,
    InteractionsFile,
    SignalNotesFile,
)

_M = TypeVar("_M", bound=BaseModel)

DATA_FILES: dict[str, type[BaseModel]] = {
    "interactions.json": InteractionsFile,
    "drug_names.json": DrugNamesFile,
    "legal_status.json": LegalFile,
    "evidence.json": EvidenceFile,
    "helplines.json": HelplinesFile,
    "signal_notes.json": SignalNotesFile,
}
"""Every safety data file and the schema it must satisfy."""


class DataFileError(ValueError):
    """A shipped data file is missing or does not match its schema.

    Not a :class:`~kratom_journal.domain.errors.JournalError`: nothing a person does
    can cause or fix it (the files ship inside the package and are checked by the
    tests), so the faces report it as an internal error with the bug-report hint.
    """


def read_json(name: str) -> object:
    """Parse one file from ``kratom_journal/data``."""
    path = data_path(name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataFileError(f"data/{name}: {exc}") from None


def validate(name: str, model: type[_M], raw: object) -> _M:
    """Validate parsed JSON against ``model``; one readable line on failure."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DataFileError(f"data/{name}: {where}: {first['msg']}") from None


def _load(name: str, model: type[_M]) -> _M:
    return validate(name, model, read_json(name))


@cache
def interactions() -> InteractionsFile:
    return _load("interactions.json", InteractionsFile)


@cache
def drug_names() -> DrugNamesFile:
    return _load("drug_names.json", DrugNamesFile)


@cache
def legal() -> LegalFile:
    return _load("legal_status.json", LegalFile)


@cache
def evidence() -> EvidenceFile:
    return _load("evidence.json", EvidenceFile)


@cache
def helplines() -> HelplinesFile:
    return _load("helplines.json", HelplinesFile)


@cache
def signal_notes() -> SignalNotesFile:
    return _load("signal_notes.json", SignalNotesFile)
