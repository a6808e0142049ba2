"""Self-experiments stored in a real journal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import Comparison, Design, ExperimentPlan
from kratom_journal.demo.experiment import add_demo_experiment
from kratom_journal.services import experiments as service
from kratom_journal.store.db import Base
from kratom_journal.store.journal import Journal, bulk_add, new_id
from tests.services.journal_builders import FIRST, diary, evening_dose, fill


def strain_plan(pairs: int = 6) -> ExperimentPlan:
    return ExperimentPlan(
        "red",
        "green",
        "sol_min",
        Comparison.STRAIN,
        Design.BLOCK,
        pairs,
        FIRST,
        seed=0,
        block_days=3,
        washout_days=1,
    )


def test_migration_matches_the_table_models(journal: Journal) -> None:
    assert {"experiments", "experiment_logs"} <= set(inspect(journal.engine).get_table_names())
    with journal.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    mine = [d for d in diffs if "experiment" in repr(d)]
    assert mine == []


def test_plan_start_today_log_result_stop(journal: Journal) -> None:
    with pytest.raises(AnalysisError, match="add 1 more pair"):
        service.plan_experiment(journal, strain_plan(pairs=5))
    stored, warnings = service.plan_experiment(journal, strain_plan())
    assert stored.status == "planned" and warnings == []
    started = service.start_experiment(journal, seed=42)
    assert started.status == "running" and started.frozen_hash and started.schedule
    with pytest.raises(AnalysisError, match="already started"):
        service.start_experiment(journal)
    _, first = service.assignment(journal, FIRST)
    assert first is not None and first.washout
    with pytest.raises(AnalysisError, match="no night of the experiment"):
        service.experiment_result(journal)
    service.log_adherence(journal, FIRST, True)
    service.log_adherence(journal, FIRST, False, "forgot")
    assert service.adherence_log(journal, started.id) == {FIRST: False}
    with pytest.raises(AnalysisError, match="not a day of the running experiment"):
        service.log_adherence(journal, FIRST - timedelta(days=3), True)
    items = []
    for d in started.schedule.days:
        sol = 20 if d.condition == "A" else 35
        items.append(diary(d.day, sol))
        items.append(evening_dose(d.day, strain="Red Bali" if d.condition == "A" else "Green"))
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in items], source="test")
    result = service.experiment_result(journal)
    assert result.hash_ok and result.difference == pytest.approx(-15.0)
    assert result.randomization_p == pytest.approx(2 / 64)
    assert result.deviations == (FIRST,)
    stopped = service.stop_experiment(journal, "done early")
    assert stopped.status == "stopped"
    assert service.experiment_result(journal).days_analysed == 24


def test_withdrawal_warning_for_a_daily_user(journal: Journal) -> None:
    fill(journal, 28, seed=5, kratom_share=0.95)
    plan = ExperimentPlan(
        "usual kratom",
        "none",
        "sol_min",
        Comparison.KRATOM_VS_NONE,
        Design.BLOCK,
        6,
        FIRST + timedelta(days=30),
        0,
        block_days=7,
        washout_days=3,
    )
    _, warnings = service.plan_experiment(journal, plan)
    assert warnings and "clinician" in warnings[0]


def test_demo_experiment(journal: Journal) -> None:
    stored = add_demo_experiment(journal, FIRST, FIRST + timedelta(days=8))
    log = service.adherence_log(journal, stored.id)
    assert len(log) == 9 and sum(log.values()) == 8


def test_experiment_storage_on_both_databases(any_journal: Journal) -> None:
    service.plan_experiment(any_journal, strain_plan())
    started = service.start_experiment(any_journal, seed=5)
    assert started.schedule is not None
    day = started.schedule.days[1].day
    service.log_adherence(any_journal, day, True, "ok")
    service.log_adherence(any_journal, day, False, "changed my mind")
    assert service.adherence_log(any_journal, started.id) == {day: False}
    again = service.current_experiment(any_journal)
    assert again.schedule == started.schedule and again.frozen_hash == started.frozen_hash
    assert service.stop_experiment(any_journal, "test").status == "stopped"
