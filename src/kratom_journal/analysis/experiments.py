"""Randomized self-experiments (n-of-1 trials): the randomization test, its interval, the result.

A person compares two conditions they choose (A and B) on one primary outcome declared in
advance (:mod:`kratom_journal.analysis.experiment_plan`). The primary result is a
randomization test that re-draws exactly the randomization used, so it is valid whatever the
autocorrelation, with the interval found by inverting the same test
(:mod:`kratom_journal.analysis.randomization`), so the p-value and the interval agree.

The experiment has a fixed end. Before it, the result is **provisional**: looking every day
is allowed, and a difference is only called clear at ``p <= INTERIM_ALPHA`` (a Haybittle-Peto
boundary), with the matching 99.9 % interval; at the end the usual 0.05 applies. Together the
error rate stays close to 5 % however often the result is read.

For kratom against none the estimand is named: the **sustained-use effect**, nights on days
with kratom against nights well into a block without it, after the washout days.

References
----------
Vohra S, Shamseer L, Sampson M, et al. CONSORT extension for reporting N-of-1 trials
(CENT) 2015 Statement. BMJ 2015;350:h1738. doi:10.1136/bmj.h1738

Haybittle JL. Repeated assessment of results in clinical trials of cancer treatment.
Br J Radiol 1971;44(526):793-797. doi:10.1259/0007-1285-44-526-793

Edgington ES, Onghena P. Randomization Tests, 4th ed. Chapman & Hall/CRC, 2007.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.ar1 import Ar1Fit, fit_ar1_regression
from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiment_plan import (
    ALPHA,
    ANALYSIS_PLAN,
    ANALYSIS_PLAN_V2,
    BALANCED,
    MIN_WASHOUT_NONE,
    ExperimentPlan,
    Schedule,
    ScheduledDay,
    check_design,
    frozen_hash,
    make_schedule,
    outcome_name,
    pairs_needed,
    plan_from_json,
    plan_to_json,
    schedule_from_json,
    schedule_to_json,
    withdrawal_warning,
)
from kratom_journal.analysis.randomization import (
    InvertedTest,
    ReferenceSet,
    block_choices,
    pair_flips,
)
from kratom_journal.analysis.thresholds import load_thresholds
from kratom_journal.domain.words import plural

__all__ = [
    "ALPHA",
    "ANALYSIS_PLAN",
    "ANALYSIS_PLAN_V2",
    "MIN_WASHOUT_NONE",
    "Comparison",
    "Design",
    "ExperimentPlan",
    "ExperimentResult",
    "Schedule",
    "ScheduledDay",
    "analyze_experiment",
    "check_design",
    "frozen_hash",
    "make_schedule",
    "pairs_needed",
    "plan_from_json",
    "plan_to_json",
    "randomization_p_value",
    "schedule_from_json",
    "schedule_to_json",
    "withdrawal_warning",
]

FloatArray = NDArray[np.float64]

EXACT_LIMIT = 16
"""Up to this many pairs (or as many schedules) every one is enumerated; beyond it a fixed
Monte Carlo sample is used."""

INTERIM_ALPHA = 0.001
"""Before the planned end a difference is called clear only at this level (Haybittle-Peto)."""

METHOD_NAME = "randomization_test_inverted"


@dataclass(frozen=True, slots=True)
class _Analysed:
    values: FloatArray
    is_a: NDArray[np.bool_]
    pair: NDArray[np.int64]
    day_index: NDArray[np.int64]


def _analysed_days(schedule: Schedule, outcomes: Mapping[date, float]) -> _Analysed:
    rows = [
        (i, d, outcomes[d.day])
        for i, d in enumerate(schedule.days)
        if not d.washout and d.day in outcomes and math.isfinite(outcomes[d.day])
    ]
    return _Analysed(
        values=np.array([v for _, _, v in rows], dtype=np.float64),
        is_a=np.array([d.condition == "A" for _, d, _ in rows], dtype=bool),
        pair=np.array([d.pair for _, d, _ in rows], dtype=np.int64),
        day_index=np.array([i for i, _, _ in rows], dtype=np.int64),
    )


def _reference(schedule: Schedule, analysed: _Analysed, draws: int, seed: int) -> ReferenceSet:
    """Assignments of the analysed days under every admissible schedule (row 0 observed)."""
    if schedule.balanced:
        blocks = np.array(schedule.a_blocks, dtype=np.int64)
        choices, exact = block_choices(blocks, EXACT_LIMIT, draws, seed)
        return ReferenceSet(choices[:, analysed.pair], exact)
    flips, exact = pair_flips(len(schedule.a_first), EXACT_LIMIT, draws, seed)
    is_a = analysed.is_a[None, :] ^ flips[:, analysed.pair]
    return ReferenceSet(np.asarray(is_a, dtype=bool), exact)


def _inverted(
    schedule: Schedule, outcomes: Mapping[date, float], draws: int, seed: int
) -> tuple[InvertedTest, _Analysed]:
    analysed = _analysed_days(schedule, outcomes)
    if analysed.values.size == 0:
        raise AnalysisError("no day of the experiment has the outcome logged yet")
    if analysed.is_a.all() or not analysed.is_a.any():
        raise AnalysisError("the outcome is logged under only one of the two conditions so far")
    reference = _reference(schedule, analysed, draws, seed)
    return InvertedTest.build(analysed.values, reference), analysed


def randomization_p_value(
    schedule: Schedule,
    outcomes: Mapping[date, float],
    draws: int = 20000,
    seed: int = 0,
) -> tuple[float, float, bool]:
    """Two-sided randomization p-value of mean(A) - mean(B) under the exact design.

    Returns
    -------
    (observed difference, p-value, exact)
    """
    test, _ = _inverted(schedule, outcomes, draws, seed)
    return test.observed, test.p_value(0.0), test.exact


@dataclass(frozen=True, slots=True)
class ExperimentResult:
    """Result of an experiment so far, with the CENT 2015 reporting items."""

    plan: ExperimentPlan
    frozen_hash: str
    hash_ok: bool
    difference: float
    randomization_p: float
    exact: bool
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    rho: float | None
    rho_ci_low: float | None
    rho_ci_high: float | None
    method: str
    days_planned: int
    days_elapsed: int
    days_analysed: int
    days_washout: int
    days_missing: int
    days_adherent: int
    days_logged_adherence: int
    deviations: tuple[date, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = field(default_factory=tuple)
    std_error: float | None = None
    """Standard error implied by the interval (its half-width over the normal quantile), the
    per-person input of a pooled analysis."""
    provisional: bool = False
    interval_level: float = 0.95
    model_estimate: float | None = None
    model_ci_low: float | None = None
    model_ci_high: float | None = None
    model_std_error: float | None = None
    carryover_estimate: float | None = None

    @property
    def alpha(self) -> float:
        """The level at which this result may call a difference clear."""
        return INTERIM_ALPHA if self.provisional else ALPHA

    @property
    def clear(self) -> bool:
        """True when the randomization test rejects at the level in force."""
        return self.randomization_p <= self.alpha

    @property
    def estimand(self) -> str:
        """What the difference estimates, in words."""
        if self.plan.comparison is Comparison.KRATOM_VS_NONE:
            return (
                "the sustained-use effect: nights on days with kratom against nights well into a "
                f"block without it (the first {self.plan.washout_days} days of every block are "
                "washout and not analysed)"
            )
        return f"the difference between {self.plan.condition_a} and {self.plan.condition_b}"

    @property
    def adherence(self) -> float | None:
        """Share of days with adherence logged on which the schedule was followed."""
        if self.days_logged_adherence == 0:
            return None
        return self.days_adherent / self.days_logged_adherence

    def cent_items(self) -> dict[str, str]:
        """CENT 2015 items for the report (design, periods, washout, adherence, analysis)."""
        plan = self.plan
        adherence = "not logged" if self.adherence is None else f"{self.adherence:.0%}"
        scheme = (
            "which blocks get A drawn at random (half of them)"
            if plan.randomization == BALANCED
            else "order within each pair drawn at random"
        )
        return {
            "design": (
                f"randomized {plan.design.value} design, {plan.pairs} pairs; {scheme}; not "
                "blinded (expectations can shape ratings)"
            ),
            "periods": (
                f"{2 * plan.pairs} periods of {plural(plan.block_days, 'day')}; "
                f"{self.days_elapsed} of {self.days_planned} days elapsed"
            ),
            "washout": (
                f"first {plural(plan.washout_days, 'day')} of each period excluded "
                f"({self.days_washout} days)"
                if plan.washout_days
                else "none"
            ),
            "outcome": f"{outcome_name(plan.outcome)} (declared before the start)",
            "estimand": self.estimand,
            "randomization": f"seed {plan.seed}; schedule frozen with SHA-256 {self.frozen_hash}",
            "adherence": f"{adherence} ({self.days_adherent} of {self.days_logged_adherence} days)",
            "missing": f"{plural(self.days_missing, 'day')} without the outcome",
            "deviations": ", ".join(d.isoformat() for d in self.deviations) or "none",
            "analysis": plan.analysis_plan,
            "stage": (
                f"provisional (day {self.days_elapsed} of {self.days_planned})"
                if self.provisional
                else "final"
            ),
            "integrity": "schedule unchanged" if self.hash_ok else "SCHEDULE CHANGED AFTER START",
        }

    def summary(self) -> str:
        """Plain-language result; a randomized comparison may speak of effect."""
        meta = load_thresholds().outcomes[self.plan.outcome]
        plan = self.plan
        level = f"{self.interval_level:.1%}".replace(".0%", "%")
        stage = (
            f"Provisional, day {self.days_elapsed} of {self.days_planned}. "
            if self.provisional
            else ""
        )
        lines = [
            f"{stage}{plan.condition_a} (A) vs {plan.condition_b} (B), {meta.label}: mean "
            f"difference A - B = {self.difference:.1f} {meta.unit} over {self.days_analysed} "
            f"analysed days; randomization p = {self.randomization_p:.3f}"
            + (" (exact)" if self.exact else " (Monte Carlo)")
            + "."
        ]
        if self.ci_low is not None and self.ci_high is not None:
            lines.append(
                f"{level} interval for A - B: {_bound(self.ci_low)} to {_bound(self.ci_high)} "
                f"{meta.unit} (from the same randomization test). This estimates {self.estimand}."
            )
        if self.clear:
            lines.append(
                "Because the order was randomized, this difference can be read as an "
                "effect of the conditions for you, during this experiment."
            )
        elif self.provisional:
            lines.append(
                "Before the planned end a difference is called clear only if p <= 0.001; "
                "the final answer comes when the schedule is complete."
            )
        else:
            lines.append("The experiment did not show a clear difference between the conditions.")
        lines.extend(self.warnings)
        return "\n".join(lines)


def _bound(value: float) -> str:
    return f"{value:.1f}" if math.isfinite(value) else ("beyond" if value > 0 else "below")


def analyze_experiment(
    plan: ExperimentPlan,
    schedule: Schedule,
    stored_hash: str,
    outcomes: Mapping[date, float],
    adherence: Mapping[date, bool] | None = None,
    today: date | None = None,
    draws: int = 20000,
) -> ExperimentResult:
    """Analyse an experiment: randomization test and its interval, AR(1) model, CENT items.

    ``today`` before the last scheduled day makes the result provisional.

    Raises
    ------
    AnalysisError
        When no night has the outcome logged, or only one condition has data.
    """
    adherence = adherence or {}
    in_schedule = {d.day for d in schedule.days}
    logged = {d: v for d, v in outcomes.items() if d in in_schedule and math.isfinite(v)}
    if not logged:
        raise AnalysisError("no night of the experiment has the outcome logged yet")
    last = today or max(d.day for d in schedule.days)
    provisional = last < max(d.day for d in schedule.days)
    test, analysed = _inverted(schedule, logged, draws, plan.seed)
    alpha = INTERIM_ALPHA if provisional else ALPHA
    low, high = test.interval(alpha)
    half = (high - low) / 2.0
    std_error = half / 1.959963984540054 if math.isfinite(half) else None
    if provisional:
        std_error = half / 3.290526731491926 if math.isfinite(half) else None
    warnings = _warnings(plan, schedule, stored_hash)
    model = None
    try:
        model = _ar1_fit(plan, schedule, analysed)
    except (AnalysisError, np.linalg.LinAlgError):
        warnings.append("Too few analysed days for the regression estimate yet.")
    elapsed = [d for d in schedule.days if d.day <= last]
    return ExperimentResult(
        plan=plan,
        frozen_hash=stored_hash,
        hash_ok=frozen_hash(plan, schedule) == stored_hash,
        difference=test.observed,
        randomization_p=test.p_value(0.0),
        exact=test.exact,
        estimate=test.observed,
        ci_low=low,
        ci_high=high,
        rho=model.rho if model else None,
        rho_ci_low=model.rho_ci_low if model else None,
        rho_ci_high=model.rho_ci_high if model else None,
        method=METHOD_NAME,
        days_planned=len(schedule.days),
        days_elapsed=len(elapsed),
        days_analysed=int(analysed.values.size),
        days_washout=sum(1 for d in elapsed if d.washout),
        days_missing=sum(1 for d in elapsed if not d.washout and d.day not in logged),
        days_adherent=sum(1 for d, ok in adherence.items() if d in in_schedule and ok),
        days_logged_adherence=sum(1 for d in adherence if d in in_schedule),
        deviations=tuple(sorted(d for d, ok in adherence.items() if d in in_schedule and not ok)),
        warnings=tuple(warnings),
        std_error=std_error,
        provisional=provisional,
        interval_level=1.0 - alpha,
        **_model_fields(model),
    )


def _warnings(plan: ExperimentPlan, schedule: Schedule, stored_hash: str) -> list[str]:
    warnings = []
    if plan.smallest_p_value() > ALPHA:
        warnings.append("This design cannot reach p <= 0.05 whatever the data.")
    if plan.comparison is Comparison.KRATOM_VS_NONE and plan.washout_days < MIN_WASHOUT_NONE:
        warnings.append(
            "Nights without kratom may include withdrawal, which would make them look worse "
            "for reasons other than the absence of kratom."
        )
    if frozen_hash(plan, schedule) != stored_hash:
        warnings.append("The schedule or plan differs from the one frozen at the start.")
    return warnings


def _model_fields(model: Ar1Fit | None) -> dict[str, float | None]:
    if model is None:
        return {}
    coef = model.coefficient("condition_a")
    carry = [c for c in model.coefficients if c.name in ("previous_day_a", "after_switch_from_a")]
    return {
        "model_estimate": coef.estimate,
        "model_ci_low": coef.ci_low,
        "model_ci_high": coef.ci_high,
        "model_std_error": coef.std_error,
        "carryover_estimate": carry[0].estimate if carry else None,
    }


def _ar1_fit(plan: ExperimentPlan, schedule: Schedule, analysed: _Analysed) -> Ar1Fit:
    """Outcome on the condition, a trend and a carry-over term, with AR(1) errors."""
    n_days = len(schedule.days)
    is_a_all = np.array([d.condition == "A" for d in schedule.days], dtype=np.float64)
    columns = [
        np.ones(analysed.values.size),
        analysed.is_a.astype(np.float64),
        analysed.day_index / max(n_days - 1, 1),
    ]
    names = ["intercept", "condition_a", "trend"]
    keep = np.ones(analysed.values.size, dtype=bool)
    if plan.design is Design.DAY:
        previous = np.concatenate(([np.nan], is_a_all[:-1]))[analysed.day_index]
        keep = np.isfinite(previous)
        columns.append(np.nan_to_num(previous))
        names.append("previous_day_a")
    elif plan.analysis_version >= 2:
        carry = _after_switch(plan, schedule, analysed)
        if np.ptp(carry) > 0:
            columns.append(carry)
            names.append("after_switch_from_a")
    x = np.column_stack(columns)[keep]
    return fit_ar1_regression(analysed.values[keep], x, analysed.day_index[keep], names)


def _after_switch(plan: ExperimentPlan, schedule: Schedule, analysed: _Analysed) -> FloatArray:
    """+1 on the first analysed day of a B period that follows an A period, -1 for A after B."""
    days = schedule.days
    out = np.zeros(analysed.values.size)
    for row, index in enumerate(analysed.day_index):
        start = int(index) - int(index) % plan.block_days
        if start == 0 or int(index) != start + plan.washout_days:
            continue
        before, here = days[start - 1].condition, days[index].condition
        if before != here:
            out[row] = 1.0 if before == "A" else -1.0
    return out
