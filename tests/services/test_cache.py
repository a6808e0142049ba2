"""The cache of derived results: reused while the journal is unchanged, dropped on any write.

What is tested: a hit, and invalidation by an entry write, a setting, a medicine
and a questionnaire, including writes made through another connection.
What is NOT tested: the insights themselves (tests/analysis).
"""

from __future__ import annotations

from datetime import UTC, datetime

from kratom_journal.domain.entries import MoodCheckin
from kratom_journal.services.cache import cached
from kratom_journal.store.journal import Journal, open_journal


def counting() -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    return calls, compute


def test_reused_until_the_journal_changes(journal: Journal, journal_path) -> None:  # type: ignore[no-untyped-def]
    calls, compute = counting()
    assert cached(journal, "x", compute) == {"n": 1}  # type: ignore[arg-type]
    assert cached(journal, "x", compute) == {"n": 1}  # type: ignore[arg-type]
    other = open_journal(journal_path)  # another process would do the same
    other.entries.add(MoodCheckin(at=datetime(2024, 5, 1, 20, tzinfo=UTC), mood=5))
    assert cached(journal, "x", compute) == {"n": 2}  # type: ignore[arg-type]
    journal.settings.set("country", "DE")
    assert cached(journal, "x", compute) == {"n": 3}  # type: ignore[arg-type]
    from kratom_journal.services.safety import declare_medicine

    declare_medicine(journal, "sertraline")
    assert cached(journal, "x", compute) == {"n": 4}  # type: ignore[arg-type]
    assert len(calls) == 4
    other.close()
