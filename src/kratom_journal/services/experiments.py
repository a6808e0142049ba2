"""Use cases for randomized self-experiments: plan, start, today, log, status, result, stop.

Only one experiment is open (planned or running) at a time. Starting draws the schedule
from the plan's seed and stores it with its SHA-256 hash; later reads use the stored
schedule and re-check the hash, so a changed schedule is reported rather than trusted.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kratom_journal.analysis.context import dosed_day_column
from kratom_journal.analysis.dependence import is_regular_user
from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import (
    ExperimentPlan,
    ExperimentResult,
    Schedule,
    ScheduledDay,
    analyze_experiment,
    check_design,
    frozen_hash,
    make_schedule,
    plan_from_json,
    plan_to_json,
    schedule_from_json,
    schedule_to_json,
    withdrawal_warning,
)
from kratom_journal.data import data_path
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.insights import journal_day_table
from kratom_journal.store import experiments as store
from kratom_journal.store.experiments import AdherenceEntry, StoredPlan
from kratom_journal.store.journal import Journal

RECENT_DAYS = 28
"""Days looked at to decide whether the person takes kratom most days."""


@dataclass(frozen=True, slots=True)
class StoredExperiment:
    """An experiment as stored: plan, status and (once started) schedule and hash."""

    id: int
    status: str
    plan: ExperimentPlan
    schedule: Schedule | None
    frozen_hash: str | None
    stop_reason: str | None

    def summary(self) -> str:
        """One line."""
        return f"experiment {self.id} ({self.status}): {self.plan.summary()}"


def _to_stored(row: StoredPlan) -> StoredExperiment:
    return StoredExperiment(
        id=row.id,
        status=row.status,
        plan=plan_from_json(row.plan_json),
        schedule=schedule_from_json(row.schedule_json) if row.schedule_json else None,
        frozen_hash=row.frozen_hash,
        stop_reason=row.stop_reason,
    )


def regular_user(journal: Journal) -> bool:
    """True when kratom was taken on at least half of the logged days among the last 28."""
    table = journal_day_table(journal)
    if table.n_days == 0:
        return False
    return is_regular_user(dosed_day_column(table)[-RECENT_DAYS:])


def plan_experiment(
    journal: Journal, plan: ExperimentPlan, *, clock: Clock = SYSTEM_CLOCK
) -> tuple[StoredExperiment, list[str]]:
    """Check and store a plan (replacing an unstarted one). Returns it and any warnings.

    Raises
    ------
    AnalysisError
        If the design cannot reach p <= 0.05 or another experiment is running.
    """
    check_design(plan)
    warnings = []
    warning = withdrawal_warning(plan, regular_user(journal))
    if warning:
        warnings.append(warning)
    with journal.session() as session:
        current = store.open_experiment(session)
        if current is not None and current.status == "running":
            raise AnalysisError(
                f"experiment {current.id} is running; stop it before planning another"
            )
        if current is not None:
            store.delete_experiment(session, current.id)
        row = store.add_experiment(session, "planned", plan_to_json(plan), clock.now())
    return _to_stored(row), warnings


def start_experiment(
    journal: Journal, seed: int | None = None, *, clock: Clock = SYSTEM_CLOCK
) -> StoredExperiment:
    """Freeze the planned experiment: draw the schedule and store it with its hash."""
    with journal.session() as session:
        row = store.open_experiment(session)
        if row is None:
            raise AnalysisError("no planned experiment; create one with 'kj experiment plan'")
        if row.status == "running":
            raise AnalysisError(f"experiment {row.id} has already started")
        plan = plan_from_json(row.plan_json)
        plan = replace(plan, seed=seed if seed is not None else secrets.randbelow(2**31))
        schedule = make_schedule(plan)
        started = store.update_experiment(
            session,
            row.id,
            plan_json=plan_to_json(plan),
            schedule_json=schedule_to_json(schedule),
            frozen_hash=frozen_hash(plan, schedule),
            status="running",
            started_at=clock.now(),
        )
        return _to_stored(started)


def current_experiment(journal: Journal, include_closed: bool = False) -> StoredExperiment:
    """The open experiment (or the latest one when ``include_closed``)."""
    with journal.session() as session:
        row = store.latest_experiment(session) if include_closed else store.open_experiment(session)
        if row is None:
            raise AnalysisError("no experiment yet; create one with 'kj experiment plan'")
        return _to_stored(row)


def assignment(journal: Journal, day: date) -> tuple[StoredExperiment, ScheduledDay | None]:
    """Tonight's (or another day's) scheduled condition of the running experiment."""
    stored = current_experiment(journal)
    if stored.schedule is None:
        raise AnalysisError("the experiment is planned but not started: 'kj experiment start'")
    return stored, stored.schedule.on(day)


def condition_name(plan: ExperimentPlan, condition: str) -> str:
    """The person's own name for condition A or B."""
    return plan.condition_a if condition == "A" else plan.condition_b


@dataclass(frozen=True, slots=True)
class Tonight:
    """The condition a running experiment assigns to one day."""

    experiment: StoredExperiment
    day: ScheduledDay
    condition: str
    """The person's own name for the condition."""

    @property
    def label(self) -> str:
        """``A`` or ``B``."""
        return self.day.condition

    @property
    def washout(self) -> bool:
        return self.day.washout


def tonight(journal: Journal, today: date) -> Tonight | None:
    """Today's condition of a running experiment; ``None`` without one or outside its days."""
    try:
        stored, scheduled = assignment(journal, today)
    except AnalysisError:
        return None
    if scheduled is None:
        return None
    return Tonight(stored, scheduled, condition_name(stored.plan, scheduled.condition))


def log_adherence(
    journal: Journal,
    day: date,
    followed: bool,
    note: str | None = None,
    *,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Record whether the scheduled condition was followed on ``day`` (replaces a prior log)."""
    stored, scheduled = assignment(journal, day)
    if scheduled is None:
        raise AnalysisError(f"{day.isoformat()} is not a day of the running experiment")
    with journal.session() as session:
        store.set_adherence(session, stored.id, AdherenceEntry(day, followed, note, clock.now()))


def adherence_log(journal: Journal, experiment_id: int) -> dict[date, bool]:
    """Adherence by day for one experiment."""
    with journal.session() as session:
        return {entry.day: entry.followed for entry in store.adherence(session, experiment_id)}


def experiment_result(journal: Journal, today: date | None = None) -> ExperimentResult:
    """Analyse the running (or latest) experiment with the outcomes logged so far.

    Raises
    ------
    AnalysisError
        When nothing can be analysed yet (no logged nights, only one condition logged).
    """
    stored = current_experiment(journal, include_closed=True)
    if stored.schedule is None or stored.frozen_hash is None:
        raise AnalysisError("the experiment has not started yet: 'kj experiment start'")
    table = journal_day_table(journal)
    outcomes: dict[date, float] = {}
    if table.dates is not None and table.has(stored.plan.outcome):
        values = table.column(stored.plan.outcome)
        scheduled = {d.day for d in stored.schedule.days}
        for d, v in zip(table.dates, values, strict=True):
            if d in scheduled and math.isfinite(v):
                outcomes[d] = float(v)
    return analyze_experiment(
        stored.plan,
        stored.schedule,
        stored.frozen_hash,
        outcomes,
        adherence_log(journal, stored.id),
        today=today,
    )


def stop_experiment(
    journal: Journal, reason: str | None = None, *, clock: Clock = SYSTEM_CLOCK
) -> StoredExperiment:
    """Stop the open experiment early; its result stays available."""
    with journal.session() as session:
        row = store.open_experiment(session)
        if row is None:
            raise AnalysisError("no open experiment to stop")
        stopped = store.update_experiment(
            session, row.id, status="stopped", stopped_at=clock.now(), stop_reason=reason
        )
        return _to_stored(stopped)


def power_table() -> dict[str, Any]:
    """The shipped power table of planned experiments (``data/experiment_power.json``).

    It is simulated by ``bench/experiment_power.py`` over freshly randomized schedules, with
    carry-over into the next period and 10 % of nights unlogged; each row gives, for a
    comparison, design and length, the share of experiments whose final randomization test
    reaches p <= 0.05 for each true effect size (``None`` where the design is refused).
    """
    import json

    text = data_path("experiment_power.json").read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    return table
