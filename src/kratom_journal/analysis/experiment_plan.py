"""Planned self-experiments: the plan, the randomized schedule and its frozen hash.

Two randomization schemes:

* **pairs** (day designs, and block designs comparing strains or times): time is cut into pairs
  of periods and the order A-B or B-A is drawn in every pair; ``2**pairs`` schedules.
* **balanced blocks** (kratom against none): ``2 * pairs`` blocks, of which ``pairs`` are drawn
  at random to be A; ``C(2 pairs, pairs)`` schedules. Every block starts with washout days that
  are not analysed, so nights just after a switch (withdrawal or rebound after stopping, the
  first nights back on kratom) never count. Day-by-day alternation is refused for kratom
  against none, because there every "none" night would be a night just after a dose.

The schedule, the outcome and the analysis plan are frozen by a SHA-256 hash when the
experiment starts.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.families import QUESTIONNAIRES
from kratom_journal.analysis.thresholds import load_thresholds
from kratom_journal.domain.words import plural

ALPHA = 0.05

PAIRS = "pairs"
BALANCED = "balanced_blocks"

MIN_WASHOUT_NONE = 3
"""Washout days at the start of every block of a kratom-vs-none experiment.

Withdrawal symptoms after stopping kratom typically begin within 12-48 hours and sleep is most
affected in the first days (Stanciu CN et al. J Psychoactive Drugs 2019;51(1):12-18.
doi:10.1080/02791072.2018.1562133); three days cover the rebound window the journal scans in
observational data. Longer washouts are allowed.
"""
MIN_ANALYSED_PER_BLOCK = 2

ANALYSIS_PLAN = (
    "Primary: two-sided randomization test of mean(A) - mean(B) over analysed days, "
    "re-drawing the order within every pair of periods; washout days and days without the "
    "outcome are excluded; days are analysed as assigned (intention to treat). "
    "Estimate: regression with AR(1) errors (REML, Kenward-Roger) of the outcome on the "
    "assigned condition and a linear trend, plus the previous day's condition for day designs."
)
"""The analysis plan frozen with experiments planned before version 2 (kept word for word,
so their hashes still check)."""

ANALYSIS_PLAN_V2 = (
    "Primary: two-sided randomization test of mean(A) - mean(B) over analysed days, re-drawing "
    "exactly the randomization used (the order within every pair, or which blocks are A); "
    "washout days and days without the outcome are excluded; days are analysed as assigned "
    "(intention to treat). Interval: all differences d not rejected when d is subtracted from "
    "the A days (inverting the same test), so the interval and the p-value agree. The result is "
    "final at the planned end; before it, results are provisional and a difference is only "
    "called clear at p <= 0.001 (Haybittle-Peto boundary), with a 99.9 % interval. Secondary: "
    "regression with AR(1) errors (REML, Kenward-Roger) on the condition, a trend and a "
    "carry-over term (the previous day's condition in day designs; the first analysed day after "
    "a switch in block designs)."
)
PLANS = {1: ANALYSIS_PLAN, 2: ANALYSIS_PLAN_V2}


@dataclass(frozen=True, slots=True)
class ExperimentPlan:
    """Everything declared before the first day."""

    condition_a: str
    condition_b: str
    outcome: str
    comparison: Comparison
    design: Design
    pairs: int
    start: date
    seed: int
    block_days: int = 1
    washout_days: int = 0
    analysis_version: int = 2

    def __post_init__(self) -> None:
        outcomes = load_thresholds().outcomes
        if self.outcome not in outcomes or self.outcome in QUESTIONNAIRES:
            known = ", ".join(sorted(o for o in outcomes if o not in QUESTIONNAIRES))
            why = (
                " (questionnaires ask about two weeks, so they cannot be a nightly outcome)"
                if self.outcome in QUESTIONNAIRES
                else ""
            )
            raise AnalysisError(f"unknown outcome {self.outcome!r}{why}; expected one of {known}")
        if not self.condition_a.strip() or not self.condition_b.strip():
            raise AnalysisError("both conditions need a name")
        if self.condition_a.strip().casefold() == self.condition_b.strip().casefold():
            raise AnalysisError("the two conditions must differ")
        if self.pairs < 1:
            raise AnalysisError("at least one pair of periods is needed")
        if self.design is Design.DAY and (self.block_days != 1 or self.washout_days != 0):
            raise AnalysisError("a day design has one-day periods and no washout days")
        if self.design is Design.BLOCK and self.block_days < 2:
            raise AnalysisError("a block design needs periods of at least 2 days")
        if not 0 <= self.washout_days < self.block_days and self.design is Design.BLOCK:
            raise AnalysisError("washout days must be fewer than the days in a period")
        if self.analysis_version not in PLANS:
            raise AnalysisError(f"unknown analysis plan version {self.analysis_version}")

    @property
    def randomization(self) -> str:
        """``balanced_blocks`` for kratom against none (version 2 plans), else ``pairs``."""
        if self.comparison is Comparison.KRATOM_VS_NONE and self.analysis_version >= 2:
            return BALANCED
        return PAIRS

    @property
    def analysis_plan(self) -> str:
        """The analysis plan text frozen with this plan."""
        return PLANS[self.analysis_version]

    @property
    def period_days(self) -> int:
        """Days in one period."""
        return self.block_days

    @property
    def total_days(self) -> int:
        """Days from the first to the last day of the schedule."""
        return 2 * self.pairs * self.block_days

    @property
    def n_assignments(self) -> int:
        """Number of equally likely schedules the randomization could have produced."""
        if self.randomization == BALANCED:
            return math.comb(2 * self.pairs, self.pairs)
        return int(2**self.pairs)

    def smallest_p_value(self) -> float:
        """Smallest two-sided p-value the randomization test can give.

        Swapping every condition negates the statistic, so two schedules always tie.
        """
        return 2.0 / self.n_assignments

    def summary(self) -> str:
        """One line describing the design."""
        shape = "days" if self.design is Design.DAY else f"blocks of {self.block_days} days"
        wash = (
            f", first {plural(self.washout_days, 'day')} of each block not analysed"
            if self.washout_days
            else ""
        )
        unit = "pairs of " if self.randomization == PAIRS else f"{2 * self.pairs} "
        count = f"{self.pairs} " if self.randomization == PAIRS else ""
        return (
            f"{self.condition_a} vs {self.condition_b} on {outcome_name(self.outcome)}: "
            f"{count}{unit}"
            f"{shape}{wash}; {self.total_days} days from {self.start.isoformat()}"
        )


def outcome_name(outcome: str) -> str:
    """The outcome's plain name from the thresholds file (``sol_min`` -> its label)."""
    found = load_thresholds().outcomes.get(outcome)
    return found.label if found is not None else outcome.replace("_", " ")


def pairs_needed(alpha: float = ALPHA, balanced: bool = False) -> int:
    """Fewest pairs whose smallest two-sided p-value is at most ``alpha`` (6 pairs at 0.05; 4
    for balanced blocks, which have C(8, 4) = 70 schedules)."""
    pairs = 1
    while 2.0 / (math.comb(2 * pairs, pairs) if balanced else 2**pairs) > alpha:
        pairs += 1
    return pairs


def check_design(plan: ExperimentPlan, alpha: float = ALPHA) -> None:
    """Refuse a design that cannot answer its question; say what it needs instead."""
    if plan.comparison is Comparison.KRATOM_VS_NONE:
        _check_kratom_vs_none(plan)
    if plan.smallest_p_value() > alpha:
        more = pairs_needed(alpha, plan.randomization == BALANCED) - plan.pairs
        unit = "day" if plan.design is Design.DAY else f"{plan.block_days}-day block"
        raise AnalysisError(
            f"with {plan.pairs} pair(s) of periods the smallest possible p-value is "
            f"{plan.smallest_p_value():.3f}, above {alpha}: add {more} more pair(s) "
            f"({2 * more} more {unit} periods, {2 * more * plan.block_days} more days)"
        )


def _check_kratom_vs_none(plan: ExperimentPlan) -> None:
    if plan.design is Design.DAY:
        raise AnalysisError(
            "kratom against none cannot alternate day by day: every night without kratom would "
            "be a night just after a dose (possible withdrawal). Use blocks of at least "
            f"{MIN_WASHOUT_NONE + MIN_ANALYSED_PER_BLOCK} days with {MIN_WASHOUT_NONE} washout "
            "days, e.g. --design block --block-days 7 --washout 3"
        )
    if plan.washout_days < MIN_WASHOUT_NONE:
        raise AnalysisError(
            f"kratom against none needs at least {MIN_WASHOUT_NONE} washout days at the start of "
            "each block, so the first nights after stopping or restarting are not analysed"
        )
    if plan.block_days - plan.washout_days < MIN_ANALYSED_PER_BLOCK:
        raise AnalysisError(
            f"each block needs at least {MIN_ANALYSED_PER_BLOCK} analysed days after its "
            f"{plan.washout_days} washout days: use blocks of at least "
            f"{plan.washout_days + MIN_ANALYSED_PER_BLOCK} days"
        )


@dataclass(frozen=True, slots=True)
class ScheduledDay:
    """One day of the schedule; ``pair`` is the randomized unit (a pair, or a block)."""

    day: date
    condition: str  # "A" or "B"
    pair: int
    washout: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    """The randomized schedule: the order drawn in every pair (1 = A first), or, for balanced
    blocks, the condition drawn for every block (1 = A)."""

    days: tuple[ScheduledDay, ...]
    a_first: tuple[int, ...]
    a_blocks: tuple[int, ...] = field(default=())

    @property
    def balanced(self) -> bool:
        """True for a balanced-blocks schedule."""
        return bool(self.a_blocks)

    def on(self, day: date) -> ScheduledDay | None:
        """The scheduled day, or ``None`` outside the experiment."""
        for entry in self.days:
            if entry.day == day:
                return entry
        return None

    def summary(self) -> str:
        """The sequence of conditions, washout days in lower case."""
        return "".join(d.condition.lower() if d.washout else d.condition for d in self.days)


def _layout(plan: ExperimentPlan, a_first: NDArray[np.int64]) -> list[tuple[int, str, bool]]:
    out = []
    for pair, first_is_a in enumerate(a_first):
        order = ("A", "B") if first_is_a else ("B", "A")
        for condition in order:
            for k in range(plan.block_days):
                out.append((pair, condition, k < plan.washout_days))
    return out


def make_schedule(plan: ExperimentPlan) -> Schedule:
    """Draw the schedule from the plan's seed (same seed, same schedule)."""
    rng = np.random.default_rng(plan.seed)
    if plan.randomization == BALANCED:
        blocks = np.zeros(2 * plan.pairs, dtype=np.int64)
        blocks[rng.permutation(2 * plan.pairs)[: plan.pairs]] = 1
        days = tuple(
            ScheduledDay(
                plan.start + timedelta(days=b * plan.block_days + k),
                "A" if is_a else "B",
                b,
                k < plan.washout_days,
            )
            for b, is_a in enumerate(blocks)
            for k in range(plan.block_days)
        )
        return Schedule(days, (), tuple(int(v) for v in blocks))
    a_first = rng.integers(0, 2, size=plan.pairs)
    days = tuple(
        ScheduledDay(plan.start + timedelta(days=i), condition, pair, washout)
        for i, (pair, condition, washout) in enumerate(_layout(plan, a_first))
    )
    return Schedule(days, tuple(int(v) for v in a_first))


def frozen_hash(plan: ExperimentPlan, schedule: Schedule) -> str:
    """SHA-256 over the schedule, the primary outcome and the analysis plan (canonical JSON)."""
    described: dict[str, object] = {
        "condition_a": plan.condition_a,
        "condition_b": plan.condition_b,
        "comparison": plan.comparison.value,
        "design": plan.design.value,
        "pairs": plan.pairs,
        "block_days": plan.block_days,
        "washout_days": plan.washout_days,
        "seed": plan.seed,
        "analysis": plan.analysis_plan,
    }
    if plan.analysis_version >= 2:
        described["randomization"] = plan.randomization
    payload = {
        "schedule": [[d.day.isoformat(), d.condition, d.washout] for d in schedule.days],
        "outcome": plan.outcome,
        "plan": described,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def withdrawal_warning(plan: ExperimentPlan, regular_user: bool) -> str | None:
    """Warning for a person who takes kratom most days and plans kratom against none."""
    if plan.comparison is not Comparison.KRATOM_VS_NONE or not regular_user:
        return None
    return (
        "You take kratom on most days. Blocks without it can bring withdrawal, and the first "
        f"{plan.washout_days} days of every block are not analysed for that reason. Comparing "
        "two strains at the same amount, or two times of day, avoids this. Please talk with a "
        "clinician before cutting down, and do not stop suddenly on your own."
    )


def plan_to_json(plan: ExperimentPlan) -> str:
    """The plan as canonical JSON (stored with the experiment)."""
    data = asdict(plan)
    data["start"] = plan.start.isoformat()
    data["comparison"] = plan.comparison.value
    data["design"] = plan.design.value
    return json.dumps(data, sort_keys=True)


def plan_from_json(text: str) -> ExperimentPlan:
    """Inverse of :func:`plan_to_json`; plans stored before version 2 read as version 1."""
    data = json.loads(text)
    data["start"] = date.fromisoformat(data["start"])
    data["comparison"] = Comparison(data["comparison"])
    data["design"] = Design(data["design"])
    data.setdefault("analysis_version", 1)
    return ExperimentPlan(**data)


def schedule_to_json(schedule: Schedule) -> str:
    """The drawn schedule as JSON, stored as drawn (never re-drawn later)."""
    days = [[d.day.isoformat(), d.condition, d.pair, d.washout] for d in schedule.days]
    data: dict[str, object] = {"a_first": list(schedule.a_first), "days": days}
    if schedule.a_blocks:
        data["a_blocks"] = list(schedule.a_blocks)
    return json.dumps(data)


def schedule_from_json(text: str) -> Schedule:
    """Inverse of :func:`schedule_to_json`."""
    data = json.loads(text)
    days = tuple(
        ScheduledDay(date.fromisoformat(d), str(c), int(p), bool(w)) for d, c, p, w in data["days"]
    )
    blocks = tuple(int(v) for v in data.get("a_blocks", ()))
    return Schedule(days, tuple(int(v) for v in data["a_first"]), blocks)
