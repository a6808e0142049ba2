"""Sections filled by the analysis and wearable modules, where they are installed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kratom_journal.reports.clinician import build_report
from kratom_journal.reports.render import render_html
from kratom_journal.services.report import default_period
from kratom_journal.store.journal import Journal


def test_analysis_results_with_intervals_and_caveat(demo_journal: Journal) -> None:
    pytest.importorskip("kratom_journal.services.insights")
    report = build_report(demo_journal, default_period(demo_journal))
    insights = report.analysis.insights
    assert insights is not None and 0 < len(insights) <= 4
    assert all("95% CI" in row["sentence"] and row["n_days"] > 0 for row in insights)
    html = render_html(report)
    assert "Association, not proof" in html
    assert "causes" not in html


def test_wearable_nights_in_report_fhir_and_tables(demo_journal: Journal, tmp_path: Path) -> None:
    from kratom_journal.demo import wearable as wearables
    from kratom_journal.reports.fhir_bundle import build_bundle
    from kratom_journal.reports.tidy_export import export_tidy

    period = default_period(demo_journal)
    wearables.add_demo_wearable(demo_journal, period.start - timedelta(days=3), 40)
    report = build_report(demo_journal, period)
    assert any("wearable" in source for source in report.sources)
    assert report.sleep.diary_vs_device is not None
    assert "diary minus wearable" in render_html(report)
    bundle = build_bundle(demo_journal)
    devices = [e["resource"] for e in bundle["entry"] if e["resource"].get("device")]
    assert devices and all(d["code"]["coding"][0]["code"] == "93832-4" for d in devices)
    counts = export_tidy(demo_journal, tmp_path, "csv")
    assert counts["wearable_nights"] > 0


def test_signals_match_the_safety_service(demo_journal: Journal) -> None:
    """The report reads doses from columns; its signals must equal ``kj safety``'s."""
    from kratom_journal.reports.kratom_section import SHOWN_IN_TABLE
    from kratom_journal.services.safety import safety_report

    period = default_period(demo_journal)
    report = build_report(demo_journal, period)
    expected = safety_report(demo_journal, today=period.end)
    assert report.kratom.signals == [
        {"title": s.title, "observed": s.observed, "level": s.level.value}
        for s in expected.signals
        if s.level.value != "info" or s.id not in SHOWN_IN_TABLE
    ]
    assert len(report.kratom.signals or []) >= 4
