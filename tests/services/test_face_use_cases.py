"""Use cases the pages and commands call instead of working things out themselves.

What is tested, each with a stopped clock: the 14-day crisis window of Today and
the latest-answers rule; tonight's experiment condition; kratom doses per day
(other substances and days outside the window left out); the safety overview
with and without a region; the weekly sleep panel of the last four weeks; the
editable fields, which of them a form changed, and undoing the last edit; the
settings snapshot and saving all settings at once.
What is NOT tested: how the pages draw them (tests/web).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kratom_journal.domain.entries import Dose, Entry, Kind, Unit
from kratom_journal.instruments import parse_answer_list, shipped_instrument
from kratom_journal.services import editing, entries, experiments, questionnaires, safety
from kratom_journal.services.clock import FixedClock
from kratom_journal.services.settings import read_settings, replace_settings
from kratom_journal.services.sleep_panels import recent_weeks
from kratom_journal.store.journal import Journal, bulk_add, new_id
from tests.services.journal_builders import FIRST, ZONE, diary, evening_dose
from tests.services.test_experiments_service import strain_plan


def _add(journal: Journal, items: list[Entry]) -> None:
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in items], source="test")


NOW = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)
PHQ9 = shipped_instrument("phq9")


def _phq9(journal: Journal, text: str, at: datetime) -> None:
    questionnaires.record_administration(journal, PHQ9, parse_answer_list(PHQ9, text), at)


def test_crisis_on_today_for_fourteen_days_after_the_answer(journal: Journal) -> None:
    _phq9(journal, "0,0,0,0,0,0,0,0,1", NOW - timedelta(days=14))
    assert questionnaires.recent_crisis_notice(journal, NOW) is not None
    assert questionnaires.recent_crisis_notice(journal, NOW + timedelta(minutes=1)) is None
    # Without a window (the scores page) the latest answers decide, however old.
    later = NOW + timedelta(days=60)
    assert questionnaires.recent_crisis_notice(journal, later, days=None) is not None
    _phq9(journal, "0,0,0,0,0,0,0,0,0", NOW - timedelta(days=1))
    assert questionnaires.recent_crisis_notice(journal, NOW, days=None) is None


def test_crisis_notice_uses_the_snapshots_country(journal: Journal) -> None:
    journal.settings.set("country", "US")
    _phq9(journal, "0,0,0,0,0,0,0,0,2", NOW)
    notice = questionnaires.recent_crisis_notice(journal, NOW, read_settings(journal))
    assert notice is not None and notice.country == "US"


def test_tonight_of_a_running_experiment(journal: Journal) -> None:
    assert experiments.tonight(journal, FIRST) is None
    experiments.plan_experiment(journal, strain_plan())
    assert experiments.tonight(journal, FIRST) is None  # planned, not started
    stored = experiments.start_experiment(journal, seed=1, clock=FixedClock(NOW))
    assert stored.schedule is not None
    first = stored.schedule.days[0]
    tonight = experiments.tonight(journal, first.day)
    assert tonight is not None and tonight.label == first.condition
    assert tonight.condition == ("red" if first.condition == "A" else "green")
    assert tonight.washout is first.washout
    assert experiments.tonight(journal, first.day - timedelta(days=1)) is None


def test_kratom_doses_per_day(journal: Journal) -> None:
    today = FIRST + timedelta(days=30)
    caffeine = Dose(evening_dose(today).taken_at, 100, Unit.MG, substance="caffeine")
    _add(
        journal,
        [
            evening_dose(today),
            evening_dose(today),
            evening_dose(today - timedelta(days=27)),
            evening_dose(today - timedelta(days=28)),  # outside the 28 days
            caffeine,
        ],
    )
    counts = safety.kratom_doses_per_day(journal, today, ZONE)
    assert len(counts.days) == len(counts.counts) == 28
    assert counts.days[0] == today - timedelta(days=27) and counts.days[-1] == today
    assert counts.counts[-1] == 2 and counts.counts[0] == 1 and sum(counts.counts) == 3


def test_safety_overview_with_and_without_a_region(journal: Journal) -> None:
    overview = safety.safety_overview(journal, FIRST)
    assert overview.legal is None and "no region" in (overview.legal_problem or "")
    assert "signals" in overview.report and overview.to_dict()["legal"] is None
    journal.settings.set("region", "US-AL")
    overview = safety.safety_overview(journal, FIRST, read_settings(journal))
    assert overview.legal and overview.legal_problem is None


def test_weekly_sleep_panel_reads_the_last_four_weeks(journal: Journal) -> None:
    today = FIRST + timedelta(days=40)
    nights = [today - timedelta(days=n) for n in (1, 2, 8, 28, 29)]
    _add(journal, [diary(night, sol=20) for night in nights])
    panel = recent_weeks(journal, today, ZONE)
    assert len(panel.weeks) == 4
    assert panel.weeks[0]["end"] == (today - timedelta(days=1)).isoformat()
    assert sum(w["nights_recorded"] for w in panel.weeks) == 4  # night 29 is outside
    assert panel.caveat and panel.sri_note


def _logged_dose(journal: Journal) -> str:
    settings = read_settings(journal)
    clock = FixedClock(datetime(2024, 5, 1, 21, 0, tzinfo=ZONE))
    data = entries.DoseInput(amount="3g", at="20:30", note="with tea")
    return entries.log_dose(journal, data, settings=settings, clock=clock).id


def test_a_fixed_clock_fixes_the_logged_time(journal: Journal) -> None:
    stored = journal.entries.get(_logged_dose(journal))
    assert isinstance(stored.entry, Dose)
    assert stored.entry.taken_at == datetime(2024, 5, 1, 20, 30, tzinfo=ZONE)


def test_editable_fields_and_what_a_form_changed(journal: Journal) -> None:
    stored = journal.entries.get(_logged_dose(journal))
    names = [f.name for f in editing.editable_fields(Kind.DOSE)]
    assert names[:3] == ["taken_at", "amount", "unit"] and "strain_key" not in names
    shown = editing.shown_values(stored, ZONE)
    assert shown["taken_at"] == "2024-05-01T20:30" and shown["amount"] == "3"
    assert shown["strain"] == "" and shown["note"] == "with tea"
    assert editing.changed_fields(stored, shown, ZONE) == {}
    assert editing.changed_fields(stored, {**shown, "amount": " 4 "}, ZONE) == {"amount": "4"}


def test_undo_the_last_edit(journal: Journal) -> None:
    entry_id = _logged_dose(journal)
    stored, changed = editing.revert_last_edit(journal, entry_id)
    assert not changed and stored.version == 1
    entries.edit(journal, entry_id, {"amount": "4"})
    stored, changed = editing.revert_last_edit(journal, entry_id)
    assert changed and isinstance(stored.entry, Dose) and stored.entry.amount == 3
    assert stored.version == 3


def test_settings_snapshot_and_saving_them_all(journal: Journal) -> None:
    problems = replace_settings(journal, {"timezone": "Mars/Olympus", "country": "US"})
    assert set(problems) == {"timezone"} and journal.settings.get("country") is None
    assert replace_settings(journal, {"timezone": "America/Chicago", "region": "us-tx"}) == {}
    snapshot = read_settings(journal)
    assert snapshot.zone_name == "America/Chicago"
    assert (snapshot.region, snapshot.country, snapshot.place) == ("US-TX", "US", "US-TX")
    assert snapshot.units == "metric" and snapshot.sleep_source_priority == ()


@pytest.mark.parametrize("days_old", [0, 13])
def test_crisis_window_counts_from_the_clock_not_the_machine(
    journal: Journal, days_old: int
) -> None:
    answered = datetime(2020, 1, 1, tzinfo=UTC)
    _phq9(journal, "0,0,0,0,0,0,0,0,3", answered)
    now = answered + timedelta(days=days_old)
    assert questionnaires.recent_crisis_notice(journal, now) is not None
