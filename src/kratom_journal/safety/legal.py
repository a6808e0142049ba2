"""Legal status look-up by jurisdiction, with fallback and staleness flags.

Codes are ISO 3166-1 alpha-2 (``TH``), ISO 3166-2 (``US-AL``) or a city/county
under its parent (``US-CA:san-diego``). A code without its own entry falls back
to the enclosing jurisdiction and says so. Entries whose ``as_of`` date is more
than 12 months before *today* are flagged as possibly outdated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.safety import data
from kratom_journal.safety.schemas import LegalEntry

LAWS_CHANGE_LINE = "Laws change; check local law before relying on this."
OUTDATED_AFTER_MONTHS = 12

_CODE = re.compile(
    r"^(?P<country>[A-Z]{2})(?:-(?P<sub>[A-Z0-9]{1,3}))?(?::(?P<place>[a-z0-9-]+))?$"
)


class LegalCodeError(InvalidInput):
    """A jurisdiction code is not in a form we understand."""


def normalize_code(text: str) -> str:
    """Normalise ``" us_al "`` to ``"US-AL"`` and ``"US-CA:San Diego"`` to ``"US-CA:san-diego"``.

    Raises
    ------
    LegalCodeError
        If the text is not an ISO 3166-1/3166-2 code or a ``CODE:place`` locality.
    """
    raw = text.strip()
    region, _, place = raw.partition(":")
    region = re.sub(r"[\s_]+", "-", region.strip()).upper()
    slug = re.sub(r"[^a-z0-9]+", "-", place.strip().casefold()).strip("-")
    code = f"{region}:{slug}" if slug else region
    if not _CODE.match(code):
        raise LegalCodeError(
            f"{text!r} is not a jurisdiction code; expected a country like TH, a state or "
            "province like US-AL, or a city/county like US-CA:san-diego"
        )
    return code


def _parents(code: str) -> list[str]:
    """The code itself, then each enclosing jurisdiction: US-CA:x -> US-CA -> US."""
    chain = [code]
    if ":" in code:
        code = code.split(":", 1)[0]
        chain.append(code)
    if "-" in code:
        chain.append(code.split("-", 1)[0])
    return chain


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (negative if later is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def is_outdated(entry: LegalEntry, today: date) -> bool:
    """True when the entry's date is more than 12 months before ``today``."""
    months = months_between(entry.as_of, today)
    return months > OUTDATED_AFTER_MONTHS or (
        months == OUTDATED_AFTER_MONTHS and today.day > entry.as_of.day
    )


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

    def lines(self) -> list[str]:
        """Plain-text description, dated, ending with the 'laws change' line."""
        out: list[str] = []
        if not self.found:
            out.append(
                f"{self.code}: not in our list. We have no checked information for this "
                f"jurisdiction (our legal list was last updated {latest_as_of()})."
            )
        elif not self.exact:
            out.append(
                f"{self.code}: no entry of its own; showing {self.entries[0].name} "
                f"({self.entries[0].code}). Local rules may differ."
            )
        for entry in self.entries:
            out.extend(_entry_lines(entry, self.today))
        out.append(LAWS_CHANGE_LINE)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "found": self.found,
            "exact": self.exact,
            "entries": [
                {**e.model_dump(mode="json"), "possibly_outdated": is_outdated(e, self.today)}
                for e in self.entries
            ],
            "laws_change": LAWS_CHANGE_LINE,
        }


def _entry_lines(entry: LegalEntry, today: date) -> list[str]:
    age = f", {entry.age_limit}+" if entry.age_limit else ""
    lines = [
        f"{entry.name} ({entry.code}): {entry.status.value}{age} — as of {entry.as_of.isoformat()}",
        f"  7-OH products: {entry.seven_oh}",
        f"  {entry.notes}",
        f"  Confidence: {entry.confidence.value}",
    ]
    lines.extend(f"  Source: {source.cite()}" for source in entry.sources)
    if is_outdated(entry, today):
        lines.append(
            f"  Possibly outdated: this entry is more than {OUTDATED_AFTER_MONTHS} months old."
        )
    return lines


def lookup(code: str, today: date) -> LegalLookup:
    """Look up a jurisdiction code (or an exact name such as "Alabama"), with fallback."""
    by_code = {e.code: e for e in data.legal().entries}
    try:
        normalized = normalize_code(code)
    except LegalCodeError:
        by_name = {e.name.casefold(): e.code for e in by_code.values()}
        if code.strip().casefold() not in by_name:
            raise
        normalized = by_name[code.strip().casefold()]
    chain = [by_code[c] for c in _parents(normalized) if c in by_code]
    return LegalLookup(normalized, tuple(chain), today)


def latest_as_of() -> date:
    """The newest ``as_of`` date in the legal list."""
    return max(e.as_of for e in data.legal().entries)
