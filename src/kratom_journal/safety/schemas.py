"""Schemas for the shipped safety data files.

Every fact a person sees carries where it comes from (``sources``) and the date
it was last known to be true (``as_of``). The models refuse an entry without
either, so a data file that lost one fails its test instead of shipping.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from kratom_journal.safety.jurisdictions import country_name, subdivision_name

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    """Base model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Confidence(StrEnum):
    """How far a fact has been checked against a primary source."""

    HIGH = "high"  # read in the statute, label, agency page or paper itself
    MEDIUM = "medium"  # read in a reliable secondary source
    LOW = "low"  # from a vendor or advocacy summary, or not yet re-checked


class Source(Strict):
    """A citation: a label plus at least one of PMID, DOI or URL."""

    label: NonEmpty
    pmid: str | None = Field(default=None, pattern=r"^\d{6,9}$")
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(default=None, pattern=r"^https://\S+$")

    @model_validator(mode="after")
    def _has_locator(self) -> Source:
        if not (self.pmid or self.doi or self.url):
            raise ValueError(f"source {self.label!r} needs a pmid, doi or url")
        return self

    def cite(self) -> str:
        """One-line citation for display."""
        locator = f"PMID {self.pmid}" if self.pmid else f"doi:{self.doi}" if self.doi else self.url
        return f"{self.label} ({locator})"


class Sourced(Strict):
    """Anything shipped as a fact: at least one source and an as-of date."""

    sources: list[Source] = Field(min_length=1)
    as_of: date
    confidence: Confidence


# --- interactions -----------------------------------------------------------------


class Severity(StrEnum):
    """How worrying a combination with kratom is, in a small fixed vocabulary."""

    DANGEROUS = "dangerous"
    CAUTION = "caution"
    UNKNOWN = "unknown"


SEVERITY_ORDER: dict[Severity, int] = {
    Severity.DANGEROUS: 0,
    Severity.CAUTION: 1,
    Severity.UNKNOWN: 2,
}


class InteractionEvidence(StrEnum):
    """What kind of evidence stands behind an interaction."""

    HUMAN_STUDY = "human_study"
    OBSERVATIONAL = "observational"
    CASE_REPORTS = "case_reports"
    MECHANISM = "mechanism"
    DATABASE_RATING = "database_rating"


class InteractionClass(Sourced):
    """A class of substances and how it combines with kratom."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
    name: NonEmpty
    severity: Severity
    mechanism: NonEmpty
    evidence_level: InteractionEvidence
    evidence_note: NonEmpty


class InteractionsFile(Strict):
    classes: list[InteractionClass] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> InteractionsFile:
        _require_unique([c.id for c in self.classes], "interaction class id")
        return self


class DrugName(Sourced):
    """One medicine (generic name) with its brand names and interaction classes."""

    generic: NonEmpty
    brands: list[NonEmpty] = Field(default_factory=list)
    aliases: list[NonEmpty] = Field(default_factory=list)
    classes: list[NonEmpty] = Field(min_length=1)


class DrugNamesFile(Strict):
    drugs: list[DrugName] = Field(min_length=1)


# --- legal status -----------------------------------------------------------------


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
        _require_unique([e.code for e in self.entries], "jurisdiction code")
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


# --- evidence ---------------------------------------------------------------------


class Grade(StrEnum):
    """Evidence grade of a claim, from trials (A) to marketing only (D) or contradicted."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    CONTRADICTED = "contradicted"
    SUPPORTED = "supported"


GRADE_MEANINGS: dict[Grade, str] = {
    Grade.A: "randomised or controlled human trials",
    Grade.B: "controlled observational or laboratory studies in humans",
    Grade.C: "uncontrolled self-report surveys",
    Grade.D: "mechanism, anecdote or marketing only",
    Grade.CONTRADICTED: "the better evidence points the other way",
    Grade.SUPPORTED: "an accurate statement of fact, not a claim of benefit",
}


class JournalTest(Strict):
    """A journal analysis or self-experiment that tests a claim for one person."""

    kind: Annotated[str, StringConstraints(pattern=r"^(analysis|experiment|signal|panel)$")]
    exposure: NonEmpty | None = None
    outcome: NonEmpty | None = None
    command: NonEmpty
    description: NonEmpty

    @property
    def analysis_id(self) -> str | None:
        """``exposure x outcome`` for analyses and experiments, else ``None``."""
        if self.exposure and self.outcome:
            return f"{self.exposure} x {self.outcome}"
        return None


class Claim(Sourced):
    """A claim from popular writing about kratom, graded against the literature.

    ``claim`` states the marketing claim being tested, in quotation; it is the
    only field the language guard lets carry promise-like wording.
    """

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
    claim: NonEmpty
    grade: Grade
    grade_note: NonEmpty | None = None
    summary: NonEmpty
    journal_tests: list[JournalTest] = Field(min_length=1)

    @field_validator("summary")
    @classmethod
    def _two_sentences(cls, value: str) -> str:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", value.strip()) if s]
        if len(sentences) != 2:
            raise ValueError(f"summary must be two sentences, found {len(sentences)}")
        return value


class EvidenceFile(Strict):
    claims: list[Claim] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> EvidenceFile:
        _require_unique([c.id for c in self.claims], "claim id")
        return self


# --- helplines --------------------------------------------------------------------


class Helpline(Sourced):
    """A national substance-use helpline (not a suicide crisis line)."""

    country: Annotated[str, StringConstraints(pattern=f"^{_COUNTRY}$")]
    name: NonEmpty
    phone: NonEmpty
    text: NonEmpty | None = None
    url: str | None = Field(default=None, pattern=r"^https://\S+$")
    hours: NonEmpty
    languages: list[NonEmpty] = Field(min_length=1)

    def display(self) -> str:
        """``Name: phone (hours)`` for one line of output."""
        extra = f"; text {self.text}" if self.text else ""
        return f"{self.name}: {self.phone}{extra} ({self.hours})"


class HelplinesFile(Strict):
    helplines: list[Helpline] = Field(min_length=1)


# --- signal explanations --------------------------------------------------------


class SignalNote(Sourced):
    """Why a dependence or withdrawal signal matters, with its sources."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
    title: NonEmpty
    why: NonEmpty


class SignalNotesFile(Strict):
    notes: list[SignalNote] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> SignalNotesFile:
        _require_unique([n.id for n in self.notes], "signal id")
        return self


def _require_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
