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
        require_unique([c.id for c in self.classes], "interaction class id")
        return self


class DrugName(Sourced):
    """One medicine (generic name) with its brand names and interaction classes."""

    generic: NonEmpty
    brands: list[NonEmpty] = Field(default_factory=list)
    aliases: list[NonEmpty] = Field(default_factory=list)
    classes: list[NonEmpty] = Field(min_length=1)


class DrugNamesFile(Strict):
    drugs: list[DrugName] = Field(min_length=1)


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
        require_unique([c.id for c in self.claims], "claim id")
        return self


# --- helplines --------------------------------------------------------------------


class Helpline(Sourced):
    """A national substance-use helpline (not a suicide crisis line)."""

    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
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
        require_unique([n.id for n in self.notes], "signal id")
        return self


def require_unique(values: list[str], what: str) -> None:
    """Raise when a value appears twice (ids and codes must be unique in a file)."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
