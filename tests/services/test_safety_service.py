"""Safety services on a real journal.

What is tested: declaring, listing and removing medicines (soft removal, no
duplicates); interaction checks of declared medicines and logged substances;
signals computed from stored doses and side effects; legal look-up from the
journal's settings. What is NOT tested: rendering (see the CLI tests).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kratom_journal.domain.entries import Dose, SideEffect, Symptom, Unit
from kratom_journal.services.safety import (
    MedicineNotFound,
    NoRegionSet,
    declare_medicine,
    journal_checks,
    legal_status,
    list_medicines,
    remove_medicine,
    safety_report,
)
from kratom_journal.store.journal import Journal

TODAY = date(2026, 3, 1)


def _dose(day: date, hour: int = 9, substance: str = "kratom") -> Dose:
    at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return Dose(taken_at=at, amount=2.0, unit=Unit.G, substance=substance)


def test_declare_list_remove(journal: Journal) -> None:
    declare_medicine(journal, "Sertraline", daily=True)
    declare_medicine(journal, "  sertraline ", daily=False)  # same medicine: updated, not doubled
    declare_medicine(journal, "Xanax")
    names = [(m.name, m.daily) for m in list_medicines(journal)]
    assert names == [("Sertraline", False), ("Xanax", False)]
    removed = remove_medicine(journal, "XANAX")
    assert removed.removed_at is not None
    assert [m.name for m in list_medicines(journal)] == ["Sertraline"]
    assert len(list_medicines(journal, include_removed=True)) == 2
    with pytest.raises(MedicineNotFound, match="declared: Sertraline"):
        remove_medicine(journal, "ibuprofen")


def test_empty_name_is_refused(journal: Journal) -> None:
    with pytest.raises(ValueError, match="name"):
        declare_medicine(journal, "   ")


def test_journal_checks_cover_declared_and_logged(journal: Journal) -> None:
    declare_medicine(journal, "sertraline", daily=True)
    journal.entries.add(_dose(TODAY, substance="medication:Xanax"))
    journal.entries.add(_dose(TODAY - timedelta(days=1), substance="medication:xanax"))
    journal.entries.add(_dose(TODAY, substance="other:moonflower tea"))
    journal.entries.add(_dose(TODAY))  # kratom itself is not checked against kratom
    checks = {c.result.query: c for c in journal_checks(journal)}
    assert checks["sertraline"].origin == "declared (daily)"
    assert checks["xanax"].result.severity is not None
    assert checks["xanax"].result.severity.value == "dangerous"
    assert checks["xanax"].origin == "logged 2 times, last 2026-03-01"
    assert not checks["moonflower tea"].result.listed
    assert "kratom" not in checks


def test_report_from_stored_entries(journal: Journal) -> None:
    for i in range(28):
        day = TODAY - timedelta(days=27 - i)
        for k in range(1 + i // 10):
            journal.entries.add(_dose(day, hour=8 + 3 * k))
    at = datetime(2026, 2, 20, 12, tzinfo=UTC)
    journal.entries.add(SideEffect(at=at, symptom=Symptom.NAUSEA, severity=2))
    journal.settings.set("country", "US")
    report = safety_report(journal, TODAY)
    by_id = {s.id: s for s in report.signals}
    assert by_id["frequency"].values["dosing_days"] == 28
    assert by_id["doses_trend"].values["trend"]["direction"] == "rising"
    assert report.helpline is not None and report.helpline.phone == "1-800-662-4357"


def test_legal_uses_region_then_country(journal: Journal) -> None:
    with pytest.raises(NoRegionSet, match="kj config set region"):
        legal_status(journal, None, TODAY)
    journal.settings.set("country", "TH")
    assert legal_status(journal, None, TODAY).entries[0].code == "TH"
    journal.settings.set("region", "US-AL")
    assert legal_status(journal, None, TODAY).entries[0].code == "US-AL"
    assert legal_status(journal, "th", TODAY).entries[0].code == "TH"


def test_demo_medicines_are_idempotent(journal: Journal) -> None:
    from kratom_journal.demo.medicines import add_demo_medicines

    add_demo_medicines(journal)
    add_demo_medicines(journal)
    assert [(m.name, m.daily) for m in list_medicines(journal)] == [("sertraline", True)]


def test_questionnaire_scores_feed_the_signals(journal: Journal, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The questionnaire store's administrations (sows, kud) become signal inputs."""
    from dataclasses import dataclass

    from kratom_journal.services import safety as safety_service

    @dataclass
    class _Result:
        total: int | None

    @dataclass
    class _Administration:
        administered_at: datetime
        result: _Result
        zone: str | None = None

    stored = {
        "sows": [
            _Administration(datetime(2026, 2, d, 9, tzinfo=UTC), _Result(t))
            for d, t in ((1, 10), (8, 14), (15, None), (22, 18))
        ],
        "kud": [_Administration(datetime(2026, 2, 20, 9, tzinfo=UTC), _Result(3))],
    }
    monkeypatch.setattr(
        safety_service, "list_administrations", lambda _journal, instrument: stored[instrument]
    )
    by_id = {s.id: s for s in safety_report(journal, TODAY).signals}
    assert "Latest SOWS score 18 of 64 on 2026-02-22" in by_id["withdrawal_scores"].observed
    assert len(by_id["withdrawal_scores"].values["scores"]) == 3  # the unscored one is left out
    assert by_id["self_check"].values["latest"] == 3


def test_interaction_note_for_logged_substance() -> None:
    from kratom_journal.services.safety import interaction_note_for

    assert interaction_note_for("kratom") is None
    note = interaction_note_for("medication:xanax")
    assert note is not None and "benzodiazepines" in note and "dangerous" in note
    unknown = interaction_note_for("other:moonflower")
    assert unknown is not None and "not in our list — ask a pharmacist" in unknown
