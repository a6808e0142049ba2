"""Insights from a real journal, through the service layer."""

from __future__ import annotations

import json

import pytest

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.insights import Verdict
from kratom_journal.services.daily import OUTCOME_PROVIDERS, register_outcome_provider
from kratom_journal.services.insights import journal_day_table, run_insights
from kratom_journal.store.journal import Journal
from tests.services.journal_builders import FIRST, fill


def test_empty_journal_is_a_clear_error(journal: Journal) -> None:
    with pytest.raises(AnalysisError, match="no outcome has been logged yet"):
        run_insights(journal)


def test_day_table_from_the_journal(journal: Journal) -> None:
    fill(journal, 30, seed=1)
    table = journal_day_table(journal)
    assert table.dates is not None and table.dates[0] == FIRST
    assert table.n_days == 30
    assert set(table.column("evening_kratom")) <= {0.0, 1.0}
    assert table.has("sol_min") and table.has("mood_next_day")
    assert table.has("strain_red_bali")


def test_a_journal_with_a_real_difference(journal: Journal) -> None:
    # Kratom on half the days at random: 200 days give enough nights of breaks of 4+ days
    # for the primary comparison (nights with kratom against nights of a break).
    fill(journal, 200, seed=2, sol_effect=-15.0)
    report = run_insights(journal, outcomes=["sol_min"])
    main = next(r for r in report.results if r.exposure == "sustained_use")
    assert main.verdict is Verdict.ASSOCIATED_BETTER
    assert main.ci_low is not None and main.ci_high is not None
    assert main.ci_low < -15 < main.ci_high
    json.dumps([r.as_dict() for r in report.results], allow_nan=False)


def test_extra_outcome_columns_from_providers(journal: Journal) -> None:
    fill(journal, 40, seed=3)
    register_outcome_provider("custom_score", lambda _journal: {FIRST: 50.0})
    try:
        table = journal_day_table(journal)
    finally:
        OUTCOME_PROVIDERS.pop("custom_score")
    assert table.column("custom_score")[0] == 50.0


def test_questionnaire_scores_become_outcome_columns(journal: Journal) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from kratom_journal.instruments.loader import shipped_instrument
    from kratom_journal.services.questionnaires import record_administration

    fill(journal, 20, seed=9)
    at = datetime(FIRST.year, FIRST.month, FIRST.day, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    answers = {str(i): 1 for i in range(1, 9)} | {"9": 0}
    record_administration(journal, shipped_instrument("phq9"), answers, at + timedelta(days=3))
    table = journal_day_table(journal)
    assert table.dates is not None
    phq9 = dict(zip(table.dates, table.column("phq9"), strict=True))
    assert phq9[FIRST + timedelta(days=3)] == 8.0
    report = run_insights(journal, outcomes=["phq9"])
    assert all(r.verdict is Verdict.INSUFFICIENT_DATA for r in report.results)


def test_wearable_nights_become_outcome_columns(journal: Journal) -> None:
    from kratom_journal.store.wearable_tables import WearableNight, WearableSource

    fill(journal, 10, seed=10)
    with journal.session() as session:
        source = WearableSource(vendor="oura", name="Ring")
        session.add(source)
        session.flush()
        session.add(
            WearableNight(
                night=FIRST,
                source_id=source.id,
                chosen=True,
                tier=1,
                bed_ms=0,
                bed_offset_min=60,
                out_ms=1,
                out_offset_min=60,
                time_in_bed_min=480.0,
                total_sleep_min=420.0,
                awakenings=2,
                staged=True,
                deep_min=70.0,
                hrv_rmssd_mean=42.0,
                samples=1,
                content_hash="h",
            )
        )
    table = journal_day_table(journal)
    assert table.column("wearable_tst_min")[0] == 420.0
    assert table.column("wearable_awakenings")[0] == 2.0
    assert table.column("deep_sleep_min")[0] == 70.0
    assert table.column("hrv_ms")[0] == 42.0
