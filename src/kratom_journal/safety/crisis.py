"""Crisis resources shown when an answer signals thoughts of self-harm.

Everything a person reads comes from ``data/crisis_lines.json``; the CLI, the
web app and reports only render a :class:`CrisisNotice`. A notice is never
empty: whatever the country setting (including none or an unknown one), it
carries the worldwide helpline directory and the statement that the app
alerts no one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kratom_journal.data import data_path
from kratom_journal.instruments.loader import shipped_instrument
from kratom_journal.instruments.scoring import needs_crisis_resources, safety_flags


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactModel(_Strict):
    kind: Literal["call", "text", "chat", "web"]
    value: str = Field(min_length=1)


_COUNTRY = r"^[A-Z]{2}$"


class LineModel(_Strict):
    id: str = Field(min_length=1)
    countries: list[Annotated[str, Field(pattern=_COUNTRY)]]
    name: str = Field(min_length=1)
    contacts: list[ContactModel] = Field(min_length=1)
    hours: str = Field(min_length=1)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(min_length=1)
    source: str = Field(min_length=1)
    last_verified: date
    note: str | None = None


class EmergencyModel(_Strict):
    """A local emergency number (not a crisis line), with where it was read."""

    countries: list[Annotated[str, Field(pattern=_COUNTRY)]] = Field(min_length=1)
    number: str = Field(min_length=1)
    detail: str | None = None
    source: str = Field(min_length=1)
    last_verified: date


class TextsModel(_Strict):
    headline: str = Field(min_length=1)
    message: str = Field(min_length=1)
    danger: str = Field(min_length=1)
    no_alert: str = Field(min_length=1)
    fallback: str = Field(min_length=1)


class CrisisFile(_Strict):
    """Schema of ``data/crisis_lines.json``."""

    format: Literal[2]
    as_of: date
    note: str
    texts: TextsModel
    lines: list[LineModel] = Field(min_length=1)
    emergency: list[EmergencyModel] = Field(min_length=1)
    directory: LineModel

    @model_validator(mode="after")
    def _one_emergency_number_each(self) -> CrisisFile:
        seen: set[str] = set()
        for entry in self.emergency:
            twice = seen & set(entry.countries)
            if twice:
                raise ValueError(f"more than one emergency number for {sorted(twice)}")
            seen |= set(entry.countries)
        return self


@cache
def crisis_data() -> CrisisFile:
    """The shipped crisis-line file, validated."""
    text = data_path("crisis_lines.json").read_text(encoding="utf-8")
    return CrisisFile.model_validate_json(text)


@dataclass(frozen=True, slots=True)
class CrisisLine:
    """A crisis line as shown to a person."""

    name: str
    contacts: tuple[tuple[str, str], ...]
    hours: str
    source: str
    last_verified: date
    languages: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CrisisNotice:
    """Everything a crisis screen shows, in the order it is shown."""

    country: str | None
    headline: str
    message: str
    danger: str
    emergency_number: str | None
    lines: tuple[CrisisLine, ...]
    directory: CrisisLine
    fallback_note: str | None
    no_alert: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with stable keys (see docs/instruments.md)."""
        return {
            "crisis": True,
            "country": self.country,
            "headline": self.headline,
            "message": self.message,
            "danger": self.danger,
            "emergency_number": self.emergency_number,
            "lines": [_line_dict(line) for line in self.lines],
            "directory": _line_dict(self.directory),
            "fallback_note": self.fallback_note,
            "app_alerts_no_one": self.no_alert,
        }


def _line_dict(line: CrisisLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "contacts": [{"kind": kind, "value": value} for kind, value in line.contacts],
        "hours": line.hours,
        "languages": list(line.languages),
        "note": line.note,
        "source": line.source,
        "last_verified": line.last_verified.isoformat(),
    }


_ALIASES = {"UK": "GB", "EL": "GR"}


def normalize_country(country: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code from a setting such as ``"us"``, ``"UK"`` or ``"US-CA"``."""
    if not country or not country.strip():
        return None
    code = country.strip().upper().split("-")[0]
    return _ALIASES.get(code, code) if len(code) == 2 and code.isalpha() else None


def crisis_resources(country: str | None) -> CrisisNotice:
    """The crisis notice for a country (ISO 3166-1 alpha-2, or ``None``).

    Country-specific lines come first, then the worldwide directory, which
    is always present, so the notice is never empty.
    """
    data = crisis_data()
    code = normalize_country(country)
    matches = [line for line in data.lines if code is not None and code in line.countries]
    emergency = emergency_number(code)
    return CrisisNotice(
        country=code,
        headline=data.texts.headline,
        message=data.texts.message,
        danger=data.texts.danger,
        emergency_number=emergency,
        lines=tuple(_to_line(line) for line in matches),
        directory=_to_line(data.directory),
        fallback_note=None if matches else data.texts.fallback,
        no_alert=data.texts.no_alert,
    )


def emergency_number(country: str | None) -> str | None:
    """The local emergency number of a country, with its detail, or ``None`` if not on file.

    >>> emergency_number("DE"), emergency_number("NO")
    ('112', '113 (medical emergency)')
    """
    code = normalize_country(country)
    for entry in crisis_data().emergency:
        if code in entry.countries:
            return f"{entry.number} ({entry.detail})" if entry.detail else entry.number
    return None


def _to_line(line: LineModel) -> CrisisLine:
    return CrisisLine(
        name=line.name,
        contacts=tuple((c.kind, c.value) for c in line.contacts),
        hours=line.hours,
        source=line.source,
        last_verified=line.last_verified,
        languages=tuple(line.languages),
        note=line.note,
    )


def needs_crisis_notice(
    answers: Mapping[str, object] | Sequence[object], instrument_id: str = "phq9"
) -> bool:
    """True when any answer meets a crisis rule of a shipped instrument (PHQ-9: item 9 above 0).

    ``answers`` maps item ids to values, or lists the scored items in order. The
    rule itself is :func:`~kratom_journal.instruments.scoring.safety_flags`, which
    never raises on odd input.
    """
    instrument = shipped_instrument(instrument_id)
    if isinstance(answers, Mapping):
        by_id = dict(answers)
    else:
        items = instrument.scored_items
        by_id = {item.id: value for item, value in zip(items, answers, strict=False)}
    return needs_crisis_resources(safety_flags(instrument, by_id))
