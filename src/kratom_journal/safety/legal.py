"""Legal status look-up by jurisdiction, with fallback and the staleness warning.

Codes are ISO 3166-1 alpha-2 (``TH``), ISO 3166-2 (``US-AL``) or a city/county
under its parent (``US-CA:san-diego``). A real subdivision or locality without
a row of its own falls back to the enclosing jurisdiction and says so; a code
that is not ISO 3166 is refused with the list of valid codes, never answered
with the country's row. An entry whose ``as_of`` date is more than six months
before *today* says it may have changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.safety import data
from kratom_journal.safety.freshness import STALE_AFTER_MONTHS, age_text, is_stale, stale_line
from kratom_journal.safety.jurisdictions import ALIASES, country_name, subdivisions
from kratom_journal.safety.legal_schemas import JurisdictionLevel, LegalEntry

LAWS_CHANGE_LINE = "Laws change; check local law before relying on this."
OUTDATED_AFTER_MONTHS = STALE_AFTER_MONTHS

_CODE = re.compile(
    r"^(?P<country>[A-Z]{2})(?:-(?P<sub>[A-Z0-9]{1,3}))?(?::(?P<place>[a-z0-9-]+))?$"
)
_REGION_ALIASES = {"PR": "US-PR"}
"""Places with their own ISO 3166-1 code whose law is the US row of the same place."""


class LegalCodeError(InvalidInput):
    """A jurisdiction code is not in a form we understand, or is not ISO 3166."""


def normalize_code(text: str) -> str:
    """Normalise ``" us_al "`` to ``"US-AL"`` and ``"US-CA:San Diego"`` to ``"US-CA:san-diego"``.

    Only the form is checked here (see :func:`check_iso` for the code itself).

    >>> normalize_code("uk")
    'GB'

    Raises
    ------
    LegalCodeError
        If the text is not shaped like an ISO 3166-1/3166-2 code or a ``CODE:place`` locality.
    """
    raw = text.strip()
    region, _, place = raw.partition(":")
    region = re.sub(r"[\s_]+", "-", region.strip()).upper()
    region = ALIASES.get(region, region)
    slug = re.sub(r"[^a-z0-9]+", "-", place.strip().casefold()).strip("-")
    code = f"{region}:{slug}" if slug else region
    if not _CODE.match(code):
        raise LegalCodeError(
            f"{text!r} is not a jurisdiction code; expected a country like TH, a state or "
            "province like US-AL, or a city/county like US-CA:san-diego"
        )
    return code


def check_iso(code: str) -> None:
    """Refuse a normalised code whose country or subdivision is not ISO 3166.

    The message lists the valid codes: the subdivisions of the country for a bad
    subdivision (``US-ZZ``), the countries in the legal table for a bad country.

    Raises
    ------
    LegalCodeError
        If the code is not a real ISO 3166-1 country or ISO 3166-2 subdivision.
    """
    region = code.split(":", 1)[0]
    country = region.split("-", 1)[0]
    if country_name(country) is None:
        listed = ", ".join(sorted(listed_countries()))
        raise LegalCodeError(
            f"{country!r} is not an ISO 3166-1 country code. Countries in our list: {listed}"
        )
    if "-" in region and region not in subdivisions(country):
        valid = ", ".join(subdivisions(country)) or "none (this country has no subdivisions)"
        raise LegalCodeError(
            f"{region!r} is not an ISO 3166-2 subdivision of {country_name(country)}. "
            f"Valid codes: {valid}"
        )


def listed_countries() -> set[str]:
    """Country codes that have a row of their own in the legal table."""
    return {e.code for e in data.legal().entries if e.parent_code is None}


def _parents(code: str) -> list[str]:
    """The code itself, then each enclosing jurisdiction: US-CA:x -> US-CA -> US."""
    chain = [code]
    if ":" in code:
        code = code.split(":", 1)[0]
        chain.append(code)
    if "-" in code:
        chain.append(code.split("-", 1)[0])
    return chain


def is_outdated(entry: LegalEntry, today: date) -> bool:
    """True when the entry's date is more than six months before ``today``."""
    return is_stale(entry.as_of, today)


@dataclass(frozen=True)
class LegalLookup:
    """What we know for a code: the most specific entry first, then its parents."""

    code: str
    entries: tuple[LegalEntry, ...]
    today: date

    @property
    def found(self) -> bool:
        return bool(self.entries)

    @property
    def exact(self) -> bool:
        """True when the requested code has its own entry (no fallback)."""
        return bool(self.entries) and self.entries[0].code == self.code

    @property
    def stale(self) -> bool:
        """True when any entry shown is older than six months."""
        return any(is_outdated(e, self.today) for e in self.entries)

    def lines(self) -> list[str]:
        """Plain-text description, dated, ending with the 'laws change' line."""
        out: list[str] = []
        if not self.found:
            name = country_name(self.code.split("-", 1)[0].split(":", 1)[0]) or self.code
            out.append(
                f"{self.code} ({name}): not in our list. We have no checked information for "
                f"this jurisdiction (our legal list was last updated {latest_as_of()})."
            )
        elif not self.exact:
            out.append(
                f"{self.code}: no entry of its own; showing {self.entries[0].name} "
                f"({self.entries[0].code}). Local rules may differ."
            )
        for entry in self.entries:
            out.extend(entry_lines(entry, self.today))
        out.append(LAWS_CHANGE_LINE)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "found": self.found,
            "exact": self.exact,
            "entries": [entry_dict(e, self.today) for e in self.entries],
            "laws_change": LAWS_CHANGE_LINE,
        }


def entry_dict(entry: LegalEntry, today: date) -> dict[str, Any]:
    """A row in JSON-ready form with its age as of ``today``."""
    stale = is_outdated(entry, today)
    return {
        **entry.model_dump(mode="json"),
        "possibly_outdated": stale,
        "stale": stale,
        "age": age_text(entry.as_of, today),
        "warning": stale_line(entry.as_of, today),
    }


def entry_lines(entry: LegalEntry, today: date) -> list[str]:
    """One row as text: headline, staleness warning, rules, actions, sources."""
    age = f", {entry.age_limit}+" if entry.age_limit else ""
    lines = [
        f"{entry.name} ({entry.code}): {entry.status.value}{age} — as of {entry.as_of.isoformat()}"
    ]
    warning = stale_line(entry.as_of, today)
    if warning:
        lines.append(f"  ! {warning}")
    lines.append(f"  7-OH and concentrates: {entry.seven_oh}")
    if entry.labelling_law:
        lines.append(f"  Labelling / registration law: {entry.labelling_law}")
    if entry.effective_date:
        lines.append(f"  In force since: {entry.effective_date.isoformat()}")
    lines.append(f"  {entry.notes}")
    if entry.actions:
        lines.append("  Bills, rules and scheduling actions (stage, date):")
        lines.extend(f"    - {action.line()}" for action in entry.actions)
    lines.append(f"  Confidence: {entry.confidence.value} (reviewed {entry.reviewed.isoformat()})")
    lines.extend(f"  Source: {source.cite()}" for source in entry.sources)
    return lines


def lookup(code: str, today: date) -> LegalLookup:
    """Look up a jurisdiction code (or an exact name such as "Alabama"), with fallback.

    Raises
    ------
    LegalCodeError
        If the code is malformed or not ISO 3166 (with the list of valid codes).
    """
    by_code = {e.code: e for e in data.legal().entries}
    try:
        normalized = normalize_code(code)
    except LegalCodeError:
        by_name = {e.name.casefold(): e.code for e in by_code.values()}
        if code.strip().casefold() not in by_name:
            raise
        normalized = by_name[code.strip().casefold()]
    normalized = _REGION_ALIASES.get(normalized, normalized)
    check_iso(normalized)
    chain = [by_code[c] for c in _parents(normalized) if c in by_code]
    return LegalLookup(normalized, tuple(chain), today)


def latest_as_of() -> date:
    """The newest ``as_of`` date in the legal list."""
    return max(e.as_of for e in data.legal().entries)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A place a person can choose: its code, its name, and its subdivisions in the table."""

    code: str
    name: str
    subdivisions: tuple[Jurisdiction, ...] = ()


def jurisdictions() -> list[Jurisdiction]:
    """Every country in the legal table with the subdivisions that have rows, sorted by name.

    Localities (cities, counties) are not choices: their rows are shown under
    their subdivision.
    """
    entries = data.legal().entries
    subs: dict[str, list[Jurisdiction]] = {}
    for entry in entries:
        if entry.level is JurisdictionLevel.SUBDIVISION and entry.parent_code:
            subs.setdefault(entry.parent_code, []).append(Jurisdiction(entry.code, entry.name))
    countries = [
        Jurisdiction(
            e.code,
            e.name.removesuffix(" (federal)"),
            tuple(sorted(subs.get(e.code, []), key=lambda j: j.name)),
        )
        for e in entries
        if e.parent_code is None
    ]
    return sorted(countries, key=lambda j: j.name)
