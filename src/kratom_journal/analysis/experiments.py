"""Randomized self-experiments (n-of-1 trials): design, schedule, randomization test, result.

A person compares two conditions they choose (A and B) on one primary outcome declared in
advance. Time is cut into pairs of periods; each period lasts one day (day design) or ``k``
days (block design), and within every pair the order A-B or B-A is drawn at random from a
seeded generator. Block periods can start with washout days that are excluded from the
analysis. The schedule, the outcome and the analysis plan are frozen by a SHA-256 hash when
the experiment starts.

The primary test is a randomization test that re-draws exactly this scheme (all ``2**pairs``
orderings), so it is valid whatever the autocorrelation. The size of the difference is
estimated with the AR(1) regression of :mod:`kratom_journal.analysis.ar1`.

References
----------
Vohra S, Shamseer L, Sampson M, et al. CONSORT extension for reporting N-of-1 trials
(CENT) 2015 Statement. BMJ 2015;350:h1738. doi:10.1136/bmj.h1738

Edgington ES, Onghena P. Randomization Tests, 4th ed. Chapman & Hall/CRC, 2007.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from kratom_journal.analysis.ar1 import METHOD_NAME, Ar1Fit, fit_ar1_regression
from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.thresholds import load_thresholds
from kratom_journal.domain.words import plural

FloatArray = NDArray[np.float64]

ALPHA = 0.05
EXACT_LIMIT = 16
"""Up to this many pairs every ordering is enumerated; beyond it a Monte Carlo sample is used."""

ANALYSIS_PLAN = (
    "Primary: two-sided randomization test of mean(A) - mean(B) over analysed days, "
    "re-drawing the order within every pair of periods; washout days and days without the "
    "outcome are excluded; days are analysed as assigned (intention to treat). "
    "Estimate: regression with AR(1) errors (REML, Kenward-Roger) of the outcome on the "
    "assigned condition and a linear trend, plus the previous day's condition for day designs."
)


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

    def __post_init__(self) -> None:
        if self.outcome not in load_thresholds().outcomes:
            known = ", ".join(sorted(load_thresholds().outcomes))
            raise AnalysisError(f"unknown outcome {self.outcome!r}; expected one of {known}")
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
        return int(2**self.pairs)

    def smallest_p_value(self) -> float:
        """Smallest two-sided p-value the randomization test can give.

        Swapping every pair negates the statistic, so two orderings always tie: ``2 / 2**pairs``.
        """
        return 2.0 / self.n_assignments

    def summary(self) -> str:
        """One line describing the design."""
        shape = "days" if self.design is Design.DAY else f"blocks of {self.block_days} days"
        wash = (
            f", first {plural(self.washout_days, 'day')} of each block not analysed"
            if (self.washout_days)
            else ""
        )
        return (
            f"{self.condition_a} vs {self.condition_b} on {outcome_name(self.outcome)}: "
            f"{self.pairs} pairs "
            f"of {shape}{wash}; {self.total_days} days from {self.start.isoformat()}"
        )


def outcome_name(outcome: str) -> str:
    """The outcome's plain name from the thresholds file (``sol_min`` -> its label)."""
    found = load_thresholds().outcomes.get(outcome)
    return found.label if found is not None else outcome.replace("_", " ")


def pairs_needed(alpha: float = ALPHA) -> int:
    """Fewest pairs whose smallest two-sided p-value is at most ``alpha`` (6 at 0.05)."""
    pairs = 1
    while 2.0 / 2**pairs > alpha:
        pairs += 1
    return pairs


def check_design(plan: ExperimentPlan, alpha: float = ALPHA) -> None:
    """Refuse a design that can never reach ``p <= alpha``; say how many more periods it needs."""
    if plan.smallest_p_value() > alpha:
        more = pairs_needed(alpha) - plan.pairs
        unit = "day" if plan.design is Design.DAY else f"{plan.block_days}-day block"
        raise AnalysisError(
            f"with {plan.pairs} pair(s) of periods the smallest possible p-value is "
            f"{plan.smallest_p_value():.3f}, above {alpha}: add {more} more pair(s) "
            f"({2 * more} more {unit} periods, {2 * more * plan.block_days} more days)"
        )


@dataclass(frozen=True, slots=True)
class ScheduledDay:
    """One day of the schedule."""

    day: date
    condition: str  # "A" or "B"
    pair: int
    washout: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    """The randomized schedule and the order drawn in every pair (1 = A first)."""

    days: tuple[ScheduledDay, ...]
    a_first: tuple[int, ...]

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
    """Draw the order within every pair from the plan's seed (same seed, same schedule)."""
    rng = np.random.default_rng(plan.seed)
    a_first = rng.integers(0, 2, size=plan.pairs)
    days = tuple(
        ScheduledDay(plan.start + timedelta(days=i), condition, pair, washout)
        for i, (pair, condition, washout) in enumerate(_layout(plan, a_first))
    )
    return Schedule(days, tuple(int(v) for v in a_first))


def frozen_hash(plan: ExperimentPlan, schedule: Schedule) -> str:
    """SHA-256 over the schedule, the primary outcome and the analysis plan (canonical JSON)."""
    payload = {
        "schedule": [[d.day.isoformat(), d.condition, d.washout] for d in schedule.days],
        "outcome": plan.outcome,
        "plan": {
            "condition_a": plan.condition_a,
            "condition_b": plan.condition_b,
            "comparison": plan.comparison.value,
            "design": plan.design.value,
            "pairs": plan.pairs,
            "block_days": plan.block_days,
            "washout_days": plan.washout_days,
            "seed": plan.seed,
            "analysis": ANALYSIS_PLAN,
        },
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def withdrawal_warning(plan: ExperimentPlan, regular_user: bool) -> str | None:
    """Warning for a person who takes kratom most days and plans kratom against none."""
    if plan.comparison is not Comparison.KRATOM_VS_NONE or not regular_user:
        return None
    return (
        "You take kratom on most days. On days without it, sleep and mood may be affected by "
        "withdrawal, which would make the comparison unfair. Consider comparing two strains at "
        "the same amount, or two times of day, instead. Please talk with a clinician before "
        "cutting down, and do not stop suddenly on your own."
    )


def plan_to_json(plan: ExperimentPlan) -> str:
    """The plan as canonical JSON (stored with the experiment)."""
    data = asdict(plan)
    data["start"] = plan.start.isoformat()
    data["comparison"] = plan.comparison.value
    data["design"] = plan.design.value
    return json.dumps(data, sort_keys=True)


def plan_from_json(text: str) -> ExperimentPlan:
    """Inverse of :func:`plan_to_json`; the plan validates itself again."""
    data = json.loads(text)
    data["start"] = date.fromisoformat(data["start"])
    data["comparison"] = Comparison(data["comparison"])
    data["design"] = Design(data["design"])
    return ExperimentPlan(**data)


def schedule_to_json(schedule: Schedule) -> str:
    """The drawn schedule as JSON, stored as drawn (never re-drawn later)."""
    days = [[d.day.isoformat(), d.condition, d.pair, d.washout] for d in schedule.days]
    return json.dumps({"a_first": list(schedule.a_first), "days": days})


def schedule_from_json(text: str) -> Schedule:
    """Inverse of :func:`schedule_to_json`."""
    data = json.loads(text)
    days = tuple(
        ScheduledDay(date.fromisoformat(d), str(c), int(p), bool(w)) for d, c, p, w in data["days"]
    )
    return Schedule(days, tuple(int(v) for v in data["a_first"]))


# ---------------------------------------------------------------------------------------------
# randomization test


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


def _mean_difference(values: FloatArray, is_a: NDArray[np.bool_]) -> FloatArray:
    """mean(A) - mean(B) for each row of a boolean assignment matrix (NaN if a group is empty)."""
    is_a = np.atleast_2d(is_a)
    n_a = is_a.sum(axis=1)
    n_b = is_a.shape[1] - n_a
    sum_a = is_a.astype(np.float64) @ values
    sum_b = values.sum() - sum_a
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(sum_a / n_a - sum_b / n_b, dtype=np.float64)


def _assignments_from_flips(analysed: _Analysed, flips: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Assignment matrix: flipping a pair swaps A and B for every analysed day in it."""
    flip_per_day = flips[:, analysed.pair]
    return np.asarray(analysed.is_a[None, :] ^ flip_per_day, dtype=bool)


def randomization_p_value(
    schedule: Schedule,
    outcomes: Mapping[date, float],
    draws: int = 20000,
    seed: int = 0,
) -> tuple[float, float, bool]:
    """Two-sided randomization p-value of mean(A) - mean(B) under the exact design.

    Every ordering of every pair is equally likely under the design, so the reference set is
    all ``2**pairs`` flips of the pairs (enumerated exactly up to 16 pairs; otherwise
    ``draws`` random flips with ``p = (1 + hits) / (1 + draws)``, which is still valid).

    Returns
    -------
    (observed difference, p-value, exact)

    References
    ----------
    Edgington ES, Onghena P. Randomization Tests, 4th ed. Chapman & Hall/CRC, 2007.
    """
    analysed = _analysed_days(schedule, outcomes)
    if analysed.values.size == 0:
        raise AnalysisError("no day of the experiment has the outcome logged yet")
    if analysed.is_a.all() or not analysed.is_a.any():
        raise AnalysisError("the outcome is logged under only one of the two conditions so far")
    observed = float(_mean_difference(analysed.values, analysed.is_a)[0])
    n_pairs = len(schedule.a_first)
    tol = 1e-9 * max(1.0, abs(observed))
    if n_pairs <= EXACT_LIMIT:
        codes = np.arange(2**n_pairs, dtype=np.int64)
        flips = ((codes[:, None] >> np.arange(n_pairs)) & 1).astype(bool)
        stats_all = _mean_difference(analysed.values, _assignments_from_flips(analysed, flips))
        valid = np.isfinite(stats_all)
        hits = int(np.sum(np.abs(stats_all[valid]) >= abs(observed) - tol))
        return observed, hits / int(valid.sum()), True
    rng = np.random.default_rng(seed)
    hits = 0
    done = 0
    for start in range(0, draws, 4096):
        size = min(4096, draws - start)
        flips = rng.random((size, n_pairs)) < 0.5
        stats_mc = _mean_difference(analysed.values, _assignments_from_flips(analysed, flips))
        stats_mc = np.where(np.isfinite(stats_mc), stats_mc, 0.0)
        hits += int(np.sum(np.abs(stats_mc) >= abs(observed) - tol))
        done += size
    return observed, (1 + hits) / (1 + done), False


# ---------------------------------------------------------------------------------------------
# result


@dataclass(frozen=True, slots=True)
class ExperimentResult:
    """Result of a finished or stopped experiment, with the CENT 2015 reporting items."""

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
        return {
            "design": (
                f"randomized {plan.design.value} design, {plan.pairs} pairs; order within "
                "each pair drawn at random; not blinded (expectations can shape ratings)"
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
            "randomization": f"seed {plan.seed}; schedule frozen with SHA-256 {self.frozen_hash}",
            "adherence": f"{adherence} ({self.days_adherent} of {self.days_logged_adherence} days)",
            "missing": f"{plural(self.days_missing, 'day')} without the outcome",
            "deviations": ", ".join(d.isoformat() for d in self.deviations) or "none",
            "analysis": ANALYSIS_PLAN,
            "integrity": "schedule unchanged" if self.hash_ok else "SCHEDULE CHANGED AFTER START",
        }

    def summary(self) -> str:
        """Plain-language result; a randomized comparison may speak of effect."""
        meta = load_thresholds().outcomes[self.plan.outcome]
        plan = self.plan
        lines = [
            f"{plan.condition_a} (A) vs {plan.condition_b} (B), {meta.label}: mean difference "
            f"A - B = {self.difference:.1f} {meta.unit} over {self.days_analysed} analysed days; "
            f"randomization p = {self.randomization_p:.3f}"
            + (" (exact)" if self.exact else " (Monte Carlo)")
            + "."
        ]
        if self.estimate is not None and self.ci_low is not None and self.ci_high is not None:
            lines.append(
                f"Estimated effect of A compared with B: {self.estimate:.1f} {meta.unit} "
                f"(95% CI {self.ci_low:.1f} to {self.ci_high:.1f}); day-to-day autocorrelation "
                f"{self.rho or 0.0:.2f} (95% CI {self.rho_ci_low or 0.0:.2f} to "
                f"{self.rho_ci_high or 0.0:.2f})."
            )
        if self.randomization_p <= ALPHA:
            lines.append(
                "Because the order was randomized, this difference can be read as an "
                "effect of the conditions for you, during this experiment."
            )
        else:
            lines.append("The experiment did not show a clear difference between the conditions.")
        lines.extend(self.warnings)
        return "\n".join(lines)


def analyze_experiment(
    plan: ExperimentPlan,
    schedule: Schedule,
    stored_hash: str,
    outcomes: Mapping[date, float],
    adherence: Mapping[date, bool] | None = None,
    today: date | None = None,
    draws: int = 20000,
) -> ExperimentResult:
    """Analyse an experiment: randomization test, AR(1) estimate and CENT items.

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
    difference, p_value, exact = randomization_p_value(schedule, logged, draws, seed=plan.seed)
    analysed = _analysed_days(schedule, logged)
    estimate = ci_low = ci_high = rho = rho_low = rho_high = None
    method = "randomization_test"
    warnings: list[str] = []
    try:
        fit = _ar1_fit(plan, schedule, analysed)
        coef = fit.coefficient("condition_a")
        estimate, ci_low, ci_high = coef.estimate, coef.ci_low, coef.ci_high
        rho, rho_low, rho_high = fit.rho, fit.rho_ci_low, fit.rho_ci_high
        method = f"randomization_test+{METHOD_NAME}"
    except (AnalysisError, np.linalg.LinAlgError):
        warnings.append("Too few analysed days for the regression estimate yet.")
    last = today or max(d.day for d in schedule.days)
    elapsed = [d for d in schedule.days if d.day <= last]
    deviations = tuple(sorted(d for d, ok in adherence.items() if d in in_schedule and not ok))
    if plan.smallest_p_value() > ALPHA:
        warnings.append("This design cannot reach p <= 0.05 whatever the data.")
    if plan.comparison is Comparison.KRATOM_VS_NONE:
        warnings.append(
            "Nights without kratom may include withdrawal, which would make them look worse "
            "for reasons other than the absence of kratom."
        )
    new_hash = frozen_hash(plan, schedule)
    if new_hash != stored_hash:
        warnings.append("The schedule or plan differs from the one frozen at the start.")
    return ExperimentResult(
        plan=plan,
        frozen_hash=stored_hash,
        hash_ok=new_hash == stored_hash,
        difference=difference,
        randomization_p=p_value,
        exact=exact,
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        rho=rho,
        rho_ci_low=rho_low,
        rho_ci_high=rho_high,
        method=method,
        days_planned=len(schedule.days),
        days_elapsed=len(elapsed),
        days_analysed=int(analysed.values.size),
        days_washout=sum(1 for d in elapsed if d.washout),
        days_missing=sum(1 for d in elapsed if not d.washout and d.day not in logged),
        days_adherent=sum(1 for d, ok in adherence.items() if d in in_schedule and ok),
        days_logged_adherence=sum(1 for d in adherence if d in in_schedule),
        deviations=deviations,
        warnings=tuple(warnings),
    )


def _ar1_fit(plan: ExperimentPlan, schedule: Schedule, analysed: _Analysed) -> Ar1Fit:
    n_days = len(schedule.days)
    is_a_all = np.array([d.condition == "A" for d in schedule.days], dtype=np.float64)
    previous = np.concatenate(([np.nan], is_a_all[:-1]))[analysed.day_index]
    columns = [
        np.ones(analysed.values.size),
        analysed.is_a.astype(np.float64),
        analysed.day_index / max(n_days - 1, 1),
    ]
    names = ["intercept", "condition_a", "trend"]
    if plan.design is Design.DAY:
        keep = np.isfinite(previous)
        columns.append(np.nan_to_num(previous))
        names.append("previous_day_a")
    else:
        keep = np.ones(analysed.values.size, dtype=bool)
    x = np.column_stack(columns)[keep]
    return fit_ar1_regression(analysed.values[keep], x, analysed.day_index[keep], names)
