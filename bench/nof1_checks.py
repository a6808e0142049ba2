"""The validation figures of the insight engine, computed on independent simulated journals.

Used by ``bench/nof1_validation.py`` (>= 500 journals per cell) and, in small versions, by
``tests/analysis/test_independent_validation.py``. Each figure is computed for three
analyses of the same journals:

* ``engine``: the product's engine (:func:`kratom_journal.analysis.insights.analyze`);
* ``previous``: the previous engine (``bench/previous_engine.py``), given the journal the way
  it used to build it (unlogged days counted as days without kratom);
* ``pearson``: a naive Pearson correlation of "kratom that day" with each outcome, iid p-value.

False positives, coverage, power and the rebound figures are scored on the engine's primary
answers (``bench/primary_answers.py``, the same answers at a fifth of the cost); the share of
people shown any "associated" verdict over weekly looks needs every exploratory answer too,
so it runs the full engine, on the first ``look_journals`` journals of a cell.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from bench import previous_engine
from bench.independent_journals import INDEX, PRIMARY, Journal, World, simulate, truncate
from bench.primary_answers import primary_answers
from scipy import stats

from kratom_journal.analysis.answers import Answer
from kratom_journal.analysis.context import build_context
from kratom_journal.analysis.daytable import DayTable
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.evidence import Verdict
from kratom_journal.analysis.insights import InsightReport, analyze

ASSOCIATED = (Verdict.ASSOCIATED_BETTER, Verdict.ASSOCIATED_WORSE)
SLEEP_FAMILIES = ("sleep_onset", "sleep_maintenance", "total_sleep")
SLEEP_OUTCOMES = ("sol_min", "waso_min", "tst_min", "quality", "awakenings")
FIRST_LOOK = 28


def looks(n_days: int, first: int = FIRST_LOOK) -> list[int]:
    """Weekly looks from ``first`` to the end (the last day always included)."""
    days = list(range(first, n_days + 1, 7))
    if not days or days[-1] != n_days:
        days.append(n_days)
    return days


def previous_view(table: DayTable) -> DayTable:
    """The journal as the previous engine built it: unlogged days counted as no kratom."""
    cols = dict(table.columns)
    logged = cols.get("logged", np.ones(table.n_days))
    for name in (
        "kratom_day",
        "evening_kratom",
        "daily_kratom_grams",
        "alcohol",
        "other_substances",
    ):
        cols[name] = np.nan_to_num(cols[name])
    cols["doses_per_day"] = cols.pop("kratom_day")
    cols["caffeine_after_14"] = (np.nan_to_num(cols["caffeine_late_mg"]) > 0).astype(float)
    for name in ("caffeine_late_mg", "caffeine_morning_mg", "kratom_before_night", "logged"):
        cols.pop(name, None)
    del logged
    return DayTable(table.day, table.weekday, cols)


def engine_report(table: DayTable) -> InsightReport | None:
    """The engine's report without the slower logging sensitivity, or None if refused."""
    try:
        return analyze(table, sensitivity=False)
    except AnalysisError:
        return None


def previous_report(table: DayTable) -> previous_engine.InsightReport | None:
    """The previous engine's report, or None if refused."""
    try:
        return previous_engine.analyze(previous_view(table))
    except AnalysisError:
        return None


def pearson_p(table: DayTable, outcome: str) -> tuple[float, float]:
    """(r, p) of kratom that day (unlogged as 0, as naive apps do) with the outcome."""
    x = np.nan_to_num(table.column("kratom_day"))
    y = table.column(outcome)
    ok = np.isfinite(y)
    if ok.sum() < 4 or np.ptp(x[ok]) == 0:
        return 0.0, 1.0
    r, p = stats.pearsonr(x[ok], y[ok])
    return float(r), float(p)


def primaries(report: InsightReport) -> dict[tuple[str, str], Answer]:
    """{(family, kind): answer} for the two primary questions of every family."""
    out: dict[tuple[str, str], Answer] = {}
    for family in report.families:
        for answer in (family.sustained, family.rebound):
            if answer is not None:
                out[(family.id, answer.kind)] = answer
    return out


@dataclass
class Tally:
    """Counts behind a rate."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        """Count one case."""
        self.hits += int(hit)
        self.total += 1

    @property
    def rate(self) -> float:
        """hits / total (NaN when there were no cases)."""
        return self.hits / self.total if self.total else float("nan")


@dataclass
class NullCell:
    """No effect and no rebound: false positives, coverage, and any-verdict share over looks."""

    journals: int = 0
    rejected: dict[tuple[str, str], Tally] = field(default_factory=dict)
    covered: dict[tuple[str, str], Tally] = field(default_factory=dict)
    any_engine: Tally = field(default_factory=Tally)
    any_previous: Tally = field(default_factory=Tally)
    any_pearson: Tally = field(default_factory=Tally)
    previous_fpr: Tally = field(default_factory=Tally)
    previous_cov: Tally = field(default_factory=Tally)
    pearson_fpr: Tally = field(default_factory=Tally)

    def worst_fpr(self) -> float:
        """Highest false-positive rate over the primary questions."""
        rates = [t.rate for t in self.rejected.values() if t.total]
        return max(rates) if rates else float("nan")

    def coverage_range(self) -> tuple[float, float]:
        """Lowest and highest coverage over the primary questions."""
        rates = [t.rate for t in self.covered.values() if t.total]
        return (min(rates), max(rates)) if rates else (float("nan"), float("nan"))

    def answered(self) -> float:
        """Share of primary questions that had an estimate at the last look."""
        total = sum(t.total for t in self.covered.values())
        return total / (self.journals * 2 * len(PRIMARY)) if self.journals else float("nan")


def run_null_cell(
    world: World,
    journals: int,
    seed: int,
    with_looks: bool = True,
    previous_looks: bool = True,
    look_journals: int | None = None,
) -> NullCell:
    """Simulate ``journals`` null journals and score every analysis (the weekly looks and the
    previous engine on the first ``look_journals`` of them, all when None)."""
    rng = np.random.default_rng(seed)
    cell = NullCell()
    looked = journals if look_journals is None else min(look_journals, journals)
    for index in range(journals):
        journal = simulate(world, rng)
        cell.journals += 1
        _score_final(cell, journal, primary_answers(journal.table), index < looked)
        if index >= looked:
            continue
        days = looks(world.n_days) if with_looks else [world.n_days]
        seen = Counter[str]()
        for n in days:
            table = truncate(journal, n)
            report = engine_report(table)
            if report is not None and report.any_kratom_association():
                seen["engine"] += 1
            if previous_looks or n == world.n_days:
                old = previous_report(table)
                if old is not None and old.any_association():
                    seen["previous"] += 1
            if any(pearson_p(table, o)[1] < 0.05 for o in PRIMARY):
                seen["pearson"] += 1
        cell.any_engine.add(seen["engine"] > 0)
        cell.any_previous.add(seen["previous"] > 0)
        cell.any_pearson.add(seen["pearson"] > 0)
    return cell


def _score_final(
    cell: NullCell,
    journal: Journal,
    answers: dict[tuple[str, str], Answer] | None,
    with_previous: bool,
) -> None:
    for key, answer in (answers or {}).items():
        if answer.ci_low is None or answer.ci_high is None:
            continue
        low, high = answer.ci_low, answer.ci_high
        cell.rejected.setdefault(key, Tally()).add(low > 0 or high < 0)
        cell.covered.setdefault(key, Tally()).add(low <= 0 <= high)
    old = previous_report(journal.table) if with_previous else None
    if old is not None:
        for result in old.results:
            if result.exposure == "evening_kratom" and result.outcome in PRIMARY:
                if result.p_value is None or result.ci_low is None or result.ci_high is None:
                    continue
                cell.previous_fpr.add(result.p_value < 0.05)
                cell.previous_cov.add(result.ci_low <= 0 <= result.ci_high)
    for outcome in PRIMARY:
        cell.pearson_fpr.add(pearson_p(journal.table, outcome)[1] < 0.05)


@dataclass
class ReboundCell:
    """Rebound only: "associated with better sleep", rebound detection and coverage."""

    journals: int = 0
    better_engine: Tally = field(default_factory=Tally)
    better_engine_looks: Tally = field(default_factory=Tally)
    better_previous: Tally = field(default_factory=Tally)
    better_pearson: Tally = field(default_factory=Tally)
    detected: Tally = field(default_factory=Tally)
    covered: Tally = field(default_factory=Tally)
    window: Counter[int] = field(default_factory=Counter)


def run_rebound_cell(
    world: World,
    journals: int,
    seed: int,
    with_looks: bool = True,
    look_journals: int | None = None,
) -> ReboundCell:
    """Journals whose only truth is worse nights after runs of use (the previous engine on
    the first ``look_journals`` of them, all when None)."""
    rng = np.random.default_rng(seed)
    cell = ReboundCell()
    compared = journals if look_journals is None else min(look_journals, journals)
    for index in range(journals):
        journal = simulate(world, rng)
        cell.journals += 1
        better_any = False
        for n in looks(world.n_days) if with_looks else [world.n_days]:
            answers = primary_answers(truncate(journal, n))
            if answers is not None and _better_sleep(answers):
                better_any = True
            if n == world.n_days:
                cell.better_engine.add(answers is not None and _better_sleep(answers))
                _score_rebound(cell, journal, answers)
        cell.better_engine_looks.add(better_any)
        cell.better_pearson.add(_pearson_better(journal.table))
        if index >= compared:
            continue
        old = previous_report(journal.table)
        cell.better_previous.add(
            old is not None
            and any(
                r.verdict.value == "associated_better"
                and r.exposure == "evening_kratom"
                and r.outcome in SLEEP_OUTCOMES
                for r in old.results
            )
        )
    return cell


def _better_sleep(answers: dict[tuple[str, str], Answer]) -> bool:
    return any(
        family in SLEEP_FAMILIES
        and kind == "sustained_use"
        and answer.verdict is Verdict.ASSOCIATED_BETTER
        for (family, kind), answer in answers.items()
    )


def _pearson_better(table: DayTable) -> bool:
    for outcome, lower_better in (("sol_min", True), ("waso_min", True), ("tst_min", False)):
        r, p = pearson_p(table, outcome)
        if p < 0.05 and ((r < 0) == lower_better):
            return True
    return False


def _score_rebound(
    cell: ReboundCell, journal: Journal, answers: dict[tuple[str, str], Answer] | None
) -> None:
    if answers is None:
        cell.detected.add(False)
        return
    rebounds = [a for (_, kind), a in answers.items() if kind == "after_skipped_dose"]
    cell.detected.add(any(a.verdict is Verdict.ASSOCIATED_WORSE for a in rebounds))
    ctx = build_context(journal.table)
    for answer in rebounds:
        if answer.ci_low is None or answer.ci_high is None or not answer.window:
            continue
        y = _has_outcome(journal.table, answer.outcome) & ctx.covariates_known()
        nights = y & (ctx.status >= 1) & (ctx.status <= answer.window)
        dosed = y & (ctx.status == 0)
        truth = journal.true_rebound(answer.outcome, nights, dosed)
        cell.covered.add(answer.ci_low <= truth <= answer.ci_high)
        cell.window[answer.window] += 1


def _has_outcome(table: DayTable, outcome: str) -> np.ndarray:
    """Nights with the outcome logged (for the index: with any of its outcomes logged)."""
    if outcome == INDEX:
        return np.any([np.isfinite(table.column(o)) for o in PRIMARY], axis=0)
    return np.isfinite(table.column(outcome))


@dataclass
class OutlierCell:
    """A true benefit, with and without one 300-minute night on a day with kratom."""

    journals: int = 0
    found_clean: Tally = field(default_factory=Tally)
    found_outlier: Tally = field(default_factory=Tally)
    better_clean: Tally = field(default_factory=Tally)
    better_outlier: Tally = field(default_factory=Tally)
    named: Tally = field(default_factory=Tally)
    previous_clean: Tally = field(default_factory=Tally)
    previous_outlier: Tally = field(default_factory=Tally)
    covered: Tally = field(default_factory=Tally)


def _with_outlier(journal: Journal, rng: np.random.Generator) -> tuple[DayTable, int]:
    table = journal.table
    sol = table.column("sol_min")
    n = table.n_days
    candidates = np.flatnonzero((np.nan_to_num(table.column("kratom_day")) > 0) & np.isfinite(sol))
    candidates = candidates[candidates >= n // 3]
    day = int(rng.choice(candidates))
    cols = dict(table.columns)
    cols["sol_min"] = sol.copy()
    cols["sol_min"][day] = 300.0
    return DayTable(table.day, table.weekday, cols), day


def run_outlier_cell(
    world: World, journals: int, seed: int, look_journals: int | None = None
) -> OutlierCell:
    """Power for ``world.sustained_sd`` on sleep onset with and without one outlier night
    (the previous engine on the first ``look_journals`` journals, all when None)."""
    rng = np.random.default_rng(seed)
    cell = OutlierCell()
    compared = journals if look_journals is None else min(look_journals, journals)
    for index in range(journals):
        journal = simulate(world, rng)
        dirty, day = _with_outlier(journal, rng)
        cell.journals += 1
        for table, found, better in (
            (journal.table, cell.found_clean, cell.better_clean),
            (dirty, cell.found_outlier, cell.better_outlier),
        ):
            answer = (primary_answers(table) or {}).get(("sleep_onset", "sustained_use"))
            estimated = answer is not None and answer.ci_high is not None
            found.add(estimated and answer.ci_high < 0)  # type: ignore[union-attr,operator]
            better.add(estimated and answer.verdict is Verdict.ASSOCIATED_BETTER)  # type: ignore[union-attr]
            if table is dirty and estimated and answer is not None:
                cell.named.add(any(n.day == day for n in answer.unusual))
                truth = journal.true_sustained("sol_min")
                assert answer.ci_low is not None and answer.ci_high is not None
                cell.covered.add(answer.ci_low <= truth <= answer.ci_high)
        if index >= compared:
            continue
        for table, tally in ((journal.table, cell.previous_clean), (dirty, cell.previous_outlier)):
            old = previous_report(table)
            tally.add(
                old is not None
                and any(
                    r.exposure == "evening_kratom"
                    and r.outcome == "sol_min"
                    and r.verdict.value == "associated_better"
                    for r in old.results
                )
            )
    return cell


@dataclass
class ShortCell:
    """28-day journals: answered with an interval, or told how many more days are needed."""

    questions: int = 0
    estimated: int = 0
    told_days: int = 0
    told_reason: int = 0
    covered: Tally = field(default_factory=Tally)


def run_short_cell(world: World, journals: int, seed: int) -> ShortCell:
    """Score the primary questions of short journals."""
    rng = np.random.default_rng(seed)
    cell = ShortCell()
    for _ in range(journals):
        journal = simulate(world, rng)
        answers = primary_answers(journal.table)
        if answers is None:
            continue
        for answer in answers.values():
            cell.questions += 1
            if answer.ci_low is not None and answer.ci_high is not None:
                cell.estimated += 1
                cell.covered.add(answer.ci_low <= 0 <= answer.ci_high)
            elif answer.days_needed:
                cell.told_days += 1
            elif answer.reason:
                cell.told_reason += 1
    return cell
