"""A running self-experiment for the demo journal."""

from __future__ import annotations

from datetime import date

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.experiments import ExperimentPlan
from kratom_journal.services.experiments import (
    StoredExperiment,
    log_adherence,
    plan_experiment,
    start_experiment,
)
from kratom_journal.store.journal import Journal


def add_demo_experiment(journal: Journal, start: date, today: date) -> StoredExperiment:
    """Put a running strain-vs-strain block experiment, with some adherence, into a journal.

    Meant for the demo journal: 6 pairs of 3-day blocks (first day of each block is washout),
    seed 2024, adherence logged on the days up to ``today`` (one deviation).
    """
    plan = ExperimentPlan(
        "Red Bali at my usual amount",
        "Green Malay at the same amount",
        "sol_min",
        Comparison.STRAIN,
        Design.BLOCK,
        pairs=6,
        start=start,
        seed=0,
        block_days=3,
        washout_days=1,
    )
    plan_experiment(journal, plan)
    stored = start_experiment(journal, seed=2024)
    if stored.schedule is not None:
        past = [d.day for d in stored.schedule.days if d.day <= today]
        for i, day in enumerate(past):
            log_adherence(
                journal,
                day,
                followed=i != 4,
                note="took the other strain by mistake" if i == 4 else None,
            )
    return stored
