"""The declared-medicines table: created by migration 0005, matching its model.

What is tested: after opening (which upgrades to all heads) the migrated table
matches ``store/safety_tables.py`` on SQLite and PostgreSQL, and a declared
medicine round-trips. What is NOT tested: downgrades.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kratom_journal.services.safety import declare_medicine, list_medicines
from kratom_journal.store.db import Base
from kratom_journal.store.journal import Journal


def test_migration_matches_model(any_journal: Journal) -> None:
    with any_journal.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diffs if "declared_medicines" in repr(d)]
    assert ours == []


def test_round_trip(any_journal: Journal) -> None:
    declare_medicine(any_journal, "Sertraline", daily=True)
    assert [(m.name, m.daily) for m in list_medicines(any_journal)] == [("Sertraline", True)]
