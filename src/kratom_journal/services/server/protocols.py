"""A study's protocol: the comparison, design, length, outcome, questionnaires, consent and
eligibility questions; frozen by the SHA-256 of its canonical JSON when the study opens.

Every participant's schedule is the product's own experiment design (the same one a
person plans alone), drawn from their own seed, so each participant's estimate comes
from the same engine; the protocol only fixes what is common to all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import ExperimentPlan, check_design
from kratom_journal.domain.errors import InvalidInput
from kratom_journal.instruments.loader import SHIPPED_IDS
from kratom_journal.store.server.rls import AREAS

OUTCOME_AREAS = {"mood_next_day": "mood", "anxiety_next_day": "mood"}
"""Outcomes read from mood check-ins; the others come from the sleep diary or wearables."""


@dataclass(frozen=True, slots=True)
class EligibilityQuestion:
    """A yes/no question; the participant is eligible when the answer is ``required``."""

    text: str
    required: bool


@dataclass(frozen=True, slots=True)
class StudyProtocol:
    title: str
    condition_a: str
    condition_b: str
    comparison: str
    design: str
    block_days: int
    washout_days: int
    weeks: int
    outcome: str
    consent_text: str
    questionnaires: tuple[str, ...] = ()
    eligibility: tuple[EligibilityQuestion, ...] = field(default_factory=tuple)

    @property
    def pairs(self) -> int:
        return (7 * self.weeks) // (2 * self.block_days)

    @property
    def areas(self) -> tuple[str, ...]:
        """What each participant shares with the researcher: no more than the analysis needs."""
        needed = {"experiments", "doses", OUTCOME_AREAS.get(self.outcome, "sleep")}
        if self.questionnaires:
            needed.add("questionnaires")
        return tuple(a for a in AREAS if a in needed)

    def plan(self, start: date, seed: int) -> ExperimentPlan:
        """One participant's experiment plan (the engine checks it)."""
        return ExperimentPlan(
            condition_a=self.condition_a,
            condition_b=self.condition_b,
            outcome=self.outcome,
            comparison=Comparison(self.comparison),
            design=Design(self.design),
            pairs=self.pairs,
            start=start,
            seed=seed,
            block_days=self.block_days,
            washout_days=self.washout_days,
        )

    def validate(self) -> None:
        """Refuse a protocol the engine cannot run, with one line saying why."""
        if not self.title.strip():
            raise InvalidInput("the study needs a title")
        if not self.consent_text.strip():
            raise InvalidInput("the study needs a consent text")
        if not 1 <= self.weeks <= 52:
            raise InvalidInput("a study lasts 1 to 52 weeks")
        if (7 * self.weeks) % (2 * self.block_days):
            raise InvalidInput(
                f"{self.weeks} weeks do not divide into pairs of {self.block_days}-day periods"
            )
        unknown = [q for q in self.questionnaires if q not in SHIPPED_IDS]
        if unknown:
            raise InvalidInput(f"unknown questionnaire {unknown[0]!r}")
        try:
            Comparison(self.comparison)
            Design(self.design)
            plan = self.plan(date(2000, 1, 3), 1)
            check_design(plan)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        except AnalysisError as exc:
            raise InvalidInput(str(exc)) from None

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces): what the hash is taken over."""
        data = asdict(self)
        data["questionnaires"] = list(self.questionnaires)
        data["eligibility"] = [asdict(q) for q in self.eligibility]
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def digest(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def summary(self) -> str:
        shape = "days" if self.design == "day" else f"blocks of {self.block_days} days"
        wash = f", {self.washout_days} washout day(s) per block" if self.washout_days else ""
        return (
            f"{self.condition_a} vs {self.condition_b} on {self.outcome}: {self.weeks} weeks, "
            f"{self.pairs} randomized pairs of {shape}{wash}"
        )


def protocol_from_json(text: str) -> StudyProtocol:
    data = json.loads(text)
    data["questionnaires"] = tuple(data.get("questionnaires", ()))
    data["eligibility"] = tuple(EligibilityQuestion(**q) for q in data.get("eligibility", ()))
    return StudyProtocol(**data)


def protocol_from_form(values: dict[str, str]) -> StudyProtocol:
    """The researcher's form: numbers checked, one eligibility question per line
    (``yes: question`` or ``no: question``, the answer that makes someone eligible)."""

    def number(name: str, default: int) -> int:
        text = values.get(name, "").strip()
        if not text:
            return default
        if not text.isdigit():
            raise InvalidInput(f"{name.replace('_', ' ')}: expected a whole number, got {text!r}")
        return int(text)

    questions = []
    for index, line in enumerate(values.get("eligibility", "").splitlines(), start=1):
        if not line.strip():
            continue
        answer, _, question = line.partition(":")
        if answer.strip().lower() not in ("yes", "no") or not question.strip():
            raise InvalidInput(
                f"eligibility line {index}: expected 'yes: question' or 'no: question'"
            )
        questions.append(EligibilityQuestion(question.strip(), answer.strip().lower() == "yes"))
    design = values.get("design", "day").strip() or "day"
    protocol = StudyProtocol(
        title=" ".join(values.get("title", "").split())[:200],
        condition_a=values.get("condition_a", "").strip()[:100],
        condition_b=values.get("condition_b", "").strip()[:100],
        comparison=values.get("comparison", "strain_a_vs_b").strip(),
        design=design,
        block_days=number("block_days", 1 if design == "day" else 7),
        washout_days=number("washout_days", 0),
        weeks=number("weeks", 8),
        outcome=values.get("outcome", "quality").strip(),
        consent_text=values.get("consent_text", "").strip()[:20000],
        questionnaires=tuple(
            q.strip() for q in values.get("questionnaires", "").split(",") if q.strip()
        ),
        eligibility=tuple(questions),
    )
    protocol.validate()
    return protocol
