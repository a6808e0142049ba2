"""The Insights page as a person reads it: one short card per outcome family.

Each card holds the primary answer in one plain sentence, its interval against the band of
changes too small to matter (on one scale per card), what would settle the question, and the
exploratory rest and the method for a "details" expander. A withdrawal finding comes first.
Method codes, p- and q-values appear only in the details.
"""

from __future__ import annotations

from dataclasses import dataclass

from kratom_journal.analysis.answers import Answer, FamilyReport
from kratom_journal.analysis.composite import INDEX_ID, INDEX_THRESHOLD
from kratom_journal.analysis.evidence import POSTERIOR_LEVEL, PRIOR_SD_IN_MEANINGFUL, Verdict
from kratom_journal.analysis.insights import METHOD_NAME, InsightReport
from kratom_journal.analysis.thresholds import OutcomeThreshold, threshold_for
from kratom_journal.analysis.wording import REMINDER, headline, num, settle, unit_text

VERDICT_TAGS = {
    Verdict.ASSOCIATED_BETTER: "Associated with better",
    Verdict.ASSOCIATED_WORSE: "Associated with worse",
    Verdict.NO_MEANINGFUL_DIFFERENCE: "No meaningful difference",
    Verdict.NOT_CLEAR_YET: "Not clear yet",
    Verdict.INSUFFICIENT_DATA: "Not enough data yet",
}


@dataclass(frozen=True, slots=True)
class IntervalView:
    """An estimate and its 95 % interval against the band ``(-band, band)``, in one unit."""

    estimate: float
    low: float
    high: float
    band: float
    unit: str
    lower_is_better: bool

    @property
    def extent(self) -> float:
        """Half-width of the drawn axis: every value on the card fits, the band is visible."""
        return 1.15 * max(abs(self.low), abs(self.high), abs(self.estimate), 2.0 * self.band)

    def text(self) -> str:
        """The picture in words (for screen readers and as a caption)."""
        return (
            f"estimate {num(self.estimate)}{self.unit}, 95% interval {num(self.low)} to "
            f"{num(self.high)}{self.unit}; changes within {num(self.band)}{self.unit} either "
            "way are too small to matter"
        )


@dataclass(frozen=True, slots=True)
class QuestionView:
    """One answered question as the page shows it."""

    tag: str
    verdict: str
    headline: str
    settle: str
    detail: str
    note: str
    interval: IntervalView | None
    method: str


@dataclass(frozen=True, slots=True)
class FamilyCard:
    """One outcome family: its primary answer and, in the details, everything else."""

    id: str
    label: str
    question: str
    primary: QuestionView | None
    exploratory: tuple[QuestionView, ...]


@dataclass(frozen=True, slots=True)
class InsightPage:
    """Everything the Insights page shows, in order."""

    cards: tuple[FamilyCard, ...]
    withdrawal_first: bool
    logging: str
    withdrawal_nights: str
    method: tuple[str, ...]

    @property
    def first_sentence(self) -> str:
        """The page's first sentence: the first card's primary answer."""
        for card in self.cards:
            if card.primary is not None:
                return card.primary.headline
        return ""


def _meta(outcome: str) -> OutcomeThreshold | None:
    return INDEX_THRESHOLD if outcome == INDEX_ID else threshold_for(outcome)


def _method(answer: Answer) -> str:
    parts = [METHOD_NAME if answer.estimated else "not fitted", f"{answer.n_days} nights"]
    if answer.p_value is not None:
        parts.append(f"p = {answer.p_value:.3f}")
    if answer.posterior is not None:
        parts.append(f"P(difference > 0) = {answer.posterior.prob_positive:.3f}")
        parts.append(f"P(too small to matter) = {answer.posterior.prob_inside:.3f}")
    if answer.window:
        parts.append(f"window {answer.window} of {answer.windows_scanned} scanned")
    return "; ".join(parts)


def question_view(answer: Answer) -> QuestionView | None:
    """The page's view of one answer (``None`` for an outcome without a threshold)."""
    meta = _meta(answer.outcome)
    if meta is None:
        return None
    shown = answer.shown()
    interval = (
        IntervalView(
            shown[0],
            shown[1],
            shown[2],
            answer.meaningful,
            unit_text(meta),
            not meta.higher_is_better,
        )
        if shown is not None
        else None
    )
    return QuestionView(
        tag=VERDICT_TAGS[answer.verdict],
        verdict=answer.verdict.value,
        headline=headline(answer, meta) if answer.primary else answer.sentence,
        settle=settle(answer) if answer.primary else "",
        detail=answer.sentence,
        note=answer.note,
        interval=interval,
        method=_method(answer),
    )


def _card(family: FamilyReport) -> FamilyCard:
    primary = family.sustained or family.rebound
    explored = (question_view(a) for a in family.exploratory)
    return FamilyCard(
        id=family.id,
        label=family.label,
        question=family.question,
        primary=question_view(primary) if primary is not None else None,
        exploratory=tuple(v for v in explored if v is not None),
    )


def insight_page(report: InsightReport) -> InsightPage:
    """The Insights page of a report: the withdrawal finding first when there is one."""
    cards = [_card(f) for f in report.families]
    finding = bool(report.withdrawal_findings())
    withdrawal = [c for c in cards if c.id == "withdrawal"]
    others = [c for c in cards if c.id != "withdrawal"]
    ordered = withdrawal + others if finding else others + withdrawal
    return InsightPage(
        cards=tuple(ordered),
        withdrawal_first=finding,
        logging=report.logging.summary(),
        withdrawal_nights=report.withdrawal.summary(),
        method=(
            "Every answer compares your own nights with each other; nights whose day or the "
            "days just before were not logged are left out, never counted as nights without "
            "kratom.",
            f"Model: regression with day-to-day (AR(1)) correlation and Huber weights for "
            f"unusual nights ({METHOD_NAME}), adjusted for caffeine, alcohol, other "
            "substances, weekends and a trend.",
            f"Verdicts: a sceptical prior (SD {PRIOR_SD_IN_MEANINGFUL:g} meaningful change) "
            f"and a posterior of at least {POSTERIOR_LEVEL:.0%} on one side of zero, with the "
            "estimate reaching the meaningful change, so looking often does not produce false "
            "findings. 'No meaningful difference' needs the whole 95% interval inside the band.",
            "The meaningful changes are published thresholds used as heuristics; none has been "
            "validated as a within-person minimal important difference.",
            "Exploratory results are shrunk towards no difference, because among many "
            "comparisons the largest-looking ones are mostly the luckiest.",
            REMINDER,
        ),
    )


def withdrawal_view(report: InsightReport) -> tuple[QuestionView | None, bool]:
    """The rebound question for the Safety page, and whether it is a withdrawal finding."""
    for family in report.families:
        if family.id == "withdrawal" and family.rebound is not None:
            view = question_view(family.rebound)
            return view, family.rebound.verdict is Verdict.ASSOCIATED_WORSE
    return None, False
