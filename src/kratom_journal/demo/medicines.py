"""Demo data for the safety area: a declared regular medicine for the demo journal."""

from __future__ import annotations

from kratom_journal.services.safety import DeclaredMedicine, declare_medicine
from kratom_journal.store.journal import Journal

DEMO_MEDICINES: tuple[tuple[str, bool], ...] = (("sertraline", True),)


def add_demo_medicines(journal: Journal) -> list[DeclaredMedicine]:
    """Declare the demo journal's regular medicines (idempotent)."""
    return [declare_medicine(journal, name, daily) for name, daily in DEMO_MEDICINES]
