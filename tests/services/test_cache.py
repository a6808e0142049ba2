"""The cache of derived results: reused while the journal is unchanged, dropped on any write.

What is tested: a hit, and invalidation by an entry write, a setting, a medicine
and a questionnaire, including writes made through another connection; a wearable
import and a JSON import that adds nothing but wearable samples and nights each
recompute the insights the report and the pages show, and so do a setting
and an experiment's adherence log.
What is NOT tested: the insights themselves (tests/analysis).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

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


def _insight_calls(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Count how often the insights behind the report and the pages are computed."""
    from kratom_journal.analysis.errors import AnalysisError
    from kratom_journal.services import insight_views, insights

    calls: list[int] = []

    def run_insights(_journal: Journal) -> None:
        calls.append(1)
        raise AnalysisError(f"computed {len(calls)} times")

    monkeypatch.setattr(insights, "run_insights", run_insights)
    # The pages' module holds its own reference once imported (by any earlier web test).
    monkeypatch.setattr(insight_views, "run_insights", run_insights)
    return calls


def test_a_wearable_import_changes_the_cached_insights(
    journal: Journal, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.demo import synthetic
    from kratom_journal.services.insights import insight_rows
    from kratom_journal.services.wearables import import_wearable
    from kratom_journal.store.versioning import data_version

    calls = _insight_calls(monkeypatch)
    assert insight_rows(journal) == insight_rows(journal) == {"error": "computed 1 times"}
    with journal.session() as session:
        before = data_version(session)
    nights = synthetic.generate_nights(3, synthetic.NightPlan(date(2024, 3, 1), 3))
    import_wearable(journal, None, synthetic.write_apple_health(tmp_path / "export.zip", nights))
    with journal.session() as session:
        assert data_version(session) != before
    assert insight_rows(journal) == {"error": "computed 2 times"}
    assert len(calls) == 2


def test_a_json_import_of_only_wearable_nights_changes_the_cached_insights(
    journal: Journal, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import json

    from kratom_journal.demo.wearable import add_demo_wearable
    from kratom_journal.services import transfer
    from kratom_journal.services.insights import insight_rows
    from kratom_journal.services.wearable_nights import list_nights
    from kratom_journal.store.versioning import data_version

    source = open_journal(tmp_path / "source.sqlite3")
    add_demo_wearable(source, date(2024, 3, 1), 4)
    document = transfer.export_document(source)
    source.close()
    document["settings"] = {}  # nothing but the wearable samples is new to the journal
    assert document["entries"] == [] and document["wearable_samples"]
    assert not any(document[name] for name in ("questionnaires", "medicines", "experiments"))
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    calls = _insight_calls(monkeypatch)
    assert insight_rows(journal) == {"error": "computed 1 times"}
    with journal.session() as session:
        before = data_version(session)
    summary = transfer.import_json(journal, path)
    assert summary.added > 0 and len(list_nights(journal)) == 4
    with journal.session() as session:
        assert data_version(session) != before
    assert insight_rows(journal) == {"error": "computed 2 times"}
    assert len(calls) == 2


def test_a_setting_and_an_experiment_log_change_the_report_and_web_insights(
    journal: Journal, journal_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The report reads ``insight_rows``; the Insights page its page cache. Both follow writes."""
    from fastapi.testclient import TestClient

    from kratom_journal.services import experiments
    from kratom_journal.services.insights import insight_rows
    from kratom_journal.services.settings import set_setting
    from kratom_journal.web import WebSettings, create_app
    from tests.services.test_experiments_service import FIRST, strain_plan

    calls = _insight_calls(monkeypatch)
    app = create_app(WebSettings(db=str(journal_path)))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:

        def web_computations() -> int:
            before = len(calls)
            assert client.get("/insights").status_code == 200
            return len(calls) - before

        assert web_computations() == 1 and web_computations() == 0
        report_first = insight_rows(journal)
        assert insight_rows(journal) == report_first  # reused

        set_setting(journal, "timezone", "America/New_York")
        assert web_computations() == 1
        assert insight_rows(journal) != report_first

        experiments.plan_experiment(journal, strain_plan())
        experiments.start_experiment(journal, seed=3)
        after_start = insight_rows(journal)
        assert web_computations() == 1
        experiments.log_adherence(journal, FIRST, True)
        assert web_computations() == 1
        assert insight_rows(journal) != after_start
