"""Schema of the shipped legal table (``data/legal_status.json``).

A row holds the status of kratom in one jurisdiction with its rules, the bills
and scheduling actions with their stage, and its sources marked primary or
secondary. The models refuse a row without a source or a date, a code that is
not ISO 3166, a row whose parent has no row, and a ``high`` row without a
primary source, so a data file that breaks one of these fails its test.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from kratom_journal.safety.jurisdictions import country_name, subdivision_name
from kratom_journal.safety.schemas import (
    Confidence,
    NonEmpty,
    Source,
    Sourced,
    Strict,
    require_unique,
)


class LegalStatus(StrEnum):
    """Status of plain kratom leaf products in a jurisdiction.

    ``regulated`` is a consumer-protection or licensing law (a KCPA, a licensed
    shop); ``age-restricted`` is an age limit alone; ``unknown`` means no usable
    source was found or the sources conflict, and is shown as such.
    """

    LEGAL = "legal"
    REGULATED = "regulated"
    AGE_RESTRICTED = "age-restricted"
    BANNED = "banned"
    UNKNOWN = "unknown"


class JurisdictionLevel(StrEnum):
    COUNTRY = "country"
    SUBDIVISION = "subdivision"
    LOCALITY = "locality"


_COUNTRY = r"[A-Z]{2}"
_SUBDIVISION = r"[A-Z]{2}-[A-Z0-9]{1,3}"
_LOCALITY = r"[A-Z]{2}(-[A-Z0-9]{1,3})?:[a-z0-9-]+"
CODE_PATTERNS: dict[JurisdictionLevel, re.Pattern[str]] = {
    JurisdictionLevel.COUNTRY: re.compile(f"^{_COUNTRY}$"),
    JurisdictionLevel.SUBDIVISION: re.compile(f"^{_SUBDIVISION}$"),
    JurisdictionLevel.LOCALITY: re.compile(f"^{_LOCALITY}$"),
}


class LegalSource(Source):
    """A citation for a legal fact, marked primary (statute, register, agency) or not.

    A source is secondary unless marked primary: published by the lawmaker, the
    agency or the official register itself (a copy on another site is secondary).
    """

    primary: bool = False

    def cite(self) -> str:
        """One-line citation, with ``[secondary]`` after a secondary source."""
        return super().cite() + ("" if self.primary else " [secondary]")


class ActionStage(StrEnum):
    """Where a law, bill or scheduling action stands, in a fixed vocabulary."""

    RECOMMENDATION = "recommendation"  # e.g. an FDA recommendation to the DEA
    NOTICE_OF_INTENT = "notice of intent"  # DEA notice of intent to schedule temporarily
    TEMPORARY_ORDER = "temporary order"  # DEA temporary scheduling order in force
    PROPOSED_RULE = "proposed rule"
    EMERGENCY_RULE = "emergency rule"  # a state agency's emergency rule
    FINAL_RULE = "final rule"
    WITHDRAWN = "withdrawn"
    BILL_INTRODUCED = "bill introduced"
    BILL_ADVANCING = "bill advancing"  # through a committee or one chamber
    ENACTED = "enacted"  # signed or otherwise made law
    FAILED = "failed"
    OUTCOME_UNKNOWN = "outcome unknown"  # reported, but the outcome was not found


PENDING_STAGES = frozenset(
    {
        ActionStage.RECOMMENDATION,
        ActionStage.NOTICE_OF_INTENT,
        ActionStage.PROPOSED_RULE,
        ActionStage.BILL_INTRODUCED,
        ActionStage.BILL_ADVANCING,
        ActionStage.OUTCOME_UNKNOWN,
    }
)
"""Stages at which an action has not (yet) changed the law."""


class LegalAction(Strict):
    """A bill, rule or scheduling action, with its stage and the date it reached it."""

    label: NonEmpty
    stage: ActionStage
    stage_date: date
    effective_date: date | None = None
    detail: NonEmpty | None = None

    @property
    def pending(self) -> bool:
        return self.stage in PENDING_STAGES

    def line(self) -> str:
        """``[notice of intent, 2026-07-06] label (effective ...; detail)``."""
        extra = [f"effective {self.effective_date.isoformat()}"] if self.effective_date else []
        extra += [self.detail] if self.detail else []
        tail = f" ({'; '.join(extra)})" if extra else ""
        return f"[{self.stage.value}, {self.stage_date.isoformat()}] {self.label}{tail}"


class LegalEntry(Sourced):
    """Legal status of kratom in one jurisdiction.

    ``code`` is ISO 3166-1 alpha-2 (``TH``), ISO 3166-2 (``US-AL``) or, for a
    city or county, its parent code, a colon and a slug (``US-CA:san-diego``).
    ``as_of`` is the date of the newest source behind the row (when its facts
    were last known to be true); ``reviewed`` is when the row was last checked
    against its sources. ``actions`` holds pending bills, rules and scheduling
    steps with their stage.
    """

    sources: list[LegalSource] = Field(min_length=1)  # type: ignore[assignment]
    code: NonEmpty
    name: NonEmpty
    level: JurisdictionLevel
    status: LegalStatus
    age_limit: int | None = Field(default=None, ge=16, le=25)
    seven_oh: NonEmpty
    labelling_law: NonEmpty | None = None
    effective_date: date | None = None
    actions: list[LegalAction] = Field(default_factory=list)
    notes: NonEmpty
    reviewed: date

    @model_validator(mode="after")
    def _code_matches_level(self) -> LegalEntry:
        if not CODE_PATTERNS[self.level].match(self.code):
            raise ValueError(f"code {self.code!r} is not a valid {self.level.value} code")
        if self.status is LegalStatus.AGE_RESTRICTED and self.age_limit is None:
            raise ValueError(f"{self.code}: age-restricted needs an age_limit")
        if self.as_of > self.reviewed:
            raise ValueError(f"{self.code}: as_of {self.as_of} is after reviewed {self.reviewed}")
        if self.confidence is Confidence.HIGH and not any(s.primary for s in self.sources):
            raise ValueError(f"{self.code}: high confidence needs a primary source")
        return self

    @property
    def parent_code(self) -> str | None:
        """Code of the enclosing jurisdiction, or ``None`` for a country."""
        if self.level is JurisdictionLevel.LOCALITY:
            return self.code.split(":", 1)[0]
        if self.level is JurisdictionLevel.SUBDIVISION:
            return self.code.split("-", 1)[0]
        return None

    @property
    def pending(self) -> list[LegalAction]:
        """Actions that have not (yet) changed the law."""
        return [a for a in self.actions if a.pending]


class LegalFile(Strict):
    note: NonEmpty
    entries: list[LegalEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> LegalFile:
        require_unique([e.code for e in self.entries], "jurisdiction code")
        codes = {e.code for e in self.entries}
        for entry in self.entries:
            _require_iso(entry)
            if entry.parent_code is not None and entry.parent_code not in codes:
                raise ValueError(f"{entry.code}: no row for its parent {entry.parent_code}")
        return self


def _require_iso(entry: LegalEntry) -> None:
    """A row's code (or a locality's parent) must be a real ISO 3166 code."""
    region = entry.code.split(":", 1)[0]
    known = subdivision_name(region) if "-" in region else country_name(region)
    if known is None:
        raise ValueError(f"{entry.code}: {region} is not an ISO 3166 code")
