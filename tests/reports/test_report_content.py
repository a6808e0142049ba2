"""Reports for small journals: three nights, no questionnaires, a DST change."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from kratom_journal.reports.clinician import build_report
from kratom_journal.reports.render import render_html
from kratom_journal.services.report import (
    Period,
    default_period,
    resolve_period,
)
from kratom_journal.store.journal import Journal
from tests.cli.helpers import fix_clock
from tests.reports.conftest import diary_night, kratom_dose

NIGHT_LABEL = re.compile(r">(\w{3} \d{2} \w{3})</text>")


def test_three_nights_report_counts_and_draws_each_night(three_nights: Journal) -> None:
    period = default_period(three_nights)
    assert period.end == date(2025, 6, 4)  # the latest diary night
    report = build_report(three_nights, period)
    assert report.nights_logged == 3
    assert report.kratom.kratom_days == 3
    assert report.kratom.doses == 3
    assert report.kratom.forms == [("powder", 3)]
    # the third coffee is on the morning after the last night, outside the period
    assert report.kratom.other_substances == [("caffeine", 2)]
    html = render_html(report)
    assert "Nights logged</b> 3 of 28" in html
    assert len(NIGHT_LABEL.findall(html)) == 14  # 14 rows on the sleep log, 3 with bars
    assert html.count('fill="#1f4e79"/>') >= 3
    assert "Limits of this report" in html
    assert "no dosing advice" in html


def test_three_night_period_only_shows_those_days(three_nights: Journal) -> None:
    report = build_report(three_nights, Period(date(2025, 6, 2), date(2025, 6, 4)))
    html = render_html(report)
    assert "(3 days)" in html
    assert NIGHT_LABEL.findall(html) == ["Mon 02 Jun", "Tue 03 Jun", "Wed 04 Jun"]
    assert report.kratom.days_per_week == 7.0


def test_without_questionnaires_the_section_says_so(three_nights: Journal) -> None:
    report = build_report(three_nights, default_period(three_nights))
    html = render_html(report)
    assert report.crisis is None
    assert 'class="crisis"' not in html
    assert (
        "No PHQ-9 or GAD-7 was completed in this period." in html
        or "has no questionnaire module" in html
    )


def test_dst_night_is_drawn_at_its_wall_clock_times(journal: Journal) -> None:
    # Clocks in Berlin went forward at 02:00 on 31 March 2024.
    night = date(2024, 3, 30)
    journal.entries.add(diary_night(night, bed="23:00", out="07:00", sol=0, waso=0))
    journal.entries.add(kratom_dose(night, "21:00"))
    report = build_report(journal, Period(night - timedelta(days=2), night))
    from kratom_journal.reports.sleep_section import log_rows

    entries = [s.entry for s in journal.entries.list()]
    nights = [e for e in entries if hasattr(e, "night")]
    doses = [e for e in entries if hasattr(e, "taken_at")]
    rows = log_rows(nights, doses, Period(night, night))  # type: ignore[arg-type]
    assert rows[0].in_bed == (660.0, 1140.0)  # 23:00 to 07:00 on the wall clock
    assert rows[0].markers == ((540.0, "kratom"),)
    assert report.nights_logged == 1
    assert "30 Mar 2024" in render_html(report)


def test_dst_night_weekly_table_uses_real_elapsed_time(journal: Journal) -> None:
    pytest.importorskip("kratom_journal.sleep.summary")
    night = date(2024, 3, 30)
    journal.entries.add(diary_night(night, bed="23:00", out="07:00", sol=0, waso=0))
    report = build_report(journal, Period(night, night))
    assert report.sleep.weeks is not None
    week = report.sleep.weeks[-1]
    assert week["tib"] == "420"  # 7 real hours, not 8
    assert week["tst"] == "410"


def test_period_arguments_are_checked(three_nights: Journal) -> None:
    with pytest.raises(ValueError, match="after"):
        resolve_period(three_nights, date(2025, 6, 5), date(2025, 6, 1))
    period = resolve_period(three_nights, None, date(2025, 6, 4))
    assert period.start == date(2025, 5, 8)
    # Without an end the period ends today (no longer at the latest diary night).
    today = date(2025, 6, 4)
    assert resolve_period(three_nights, date(2025, 6, 1), None, today=today).end == today
    assert resolve_period(three_nights, None, None, today=date(2025, 6, 9)).end == date(2025, 6, 9)


def test_empty_journal_report_renders(journal: Journal) -> None:
    report = build_report(journal, Period(date(2025, 1, 1), date(2025, 1, 28)))
    html = render_html(report)
    assert "no sleep data in this period" in html
    assert report.kratom.doses == 0


def test_item_nine_above_zero_puts_the_crisis_note_first(
    three_nights: Journal, kj, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.instruments import shipped_instrument
    from kratom_journal.services.questionnaires import record_administration
    from tests.reports.conftest import at

    three_nights.settings.set("country", "US")
    answers = {str(i): 0 for i in range(1, 10)} | {"9": 1}
    record_administration(
        three_nights,
        shipped_instrument("phq9"),
        answers,
        at(date(2025, 6, 3), "09:00", "Europe/Berlin"),
        "Europe/Berlin",
    )
    report = build_report(three_nights, default_period(three_nights))
    assert report.crisis is not None
    assert report.crisis.answers[0]["item"] == "9"
    assert report.crisis.answers[0]["label"] == "Several days"
    html = render_html(report)
    body = html[html.index("<body>") :]
    assert body.index('class="crisis"') < body.index('id="sleep"')
    assert "988" in body  # the US line shown to the person
    assert "item 9 = 1" in body  # also listed in the PHQ-9 table
    # `kj report` covers the four weeks up to today: the clock stops just after these days.
    fix_clock(monkeypatch, at(date(2025, 6, 5), "12:00", "Europe/Berlin"))
    result = kj("report", "--out", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    assert result.output.index("988") < result.output.index("Wrote the HTML report")


def test_item_nine_outside_the_period_shows_no_crisis_note(three_nights: Journal) -> None:
    from kratom_journal.instruments import shipped_instrument
    from kratom_journal.services.questionnaires import record_administration
    from tests.reports.conftest import at

    answers = {str(i): 0 for i in range(1, 10)} | {"9": 2}
    record_administration(
        three_nights,
        shipped_instrument("phq9"),
        answers,
        at(date(2025, 1, 3), "09:00", "Europe/Berlin"),
        "Europe/Berlin",
    )
    report = build_report(three_nights, default_period(three_nights))
    assert report.crisis is None


def test_declared_medicines_and_interaction_warnings(three_nights: Journal) -> None:
    from kratom_journal.services.safety import declare_medicine

    declare_medicine(three_nights, "tramadol", daily=True)
    report = build_report(three_nights, default_period(three_nights))
    assert report.medications.declared is not None
    assert [m["name"] for m in report.medications.declared] == ["tramadol"]
    warnings = report.medications.warnings or []
    tramadol = next(w for w in warnings if w["name"] == "tramadol")
    assert tramadol["origin"] == "declared (daily)"
    assert tramadol["severity"] == "dangerous"
    assert "Opioids" in tramadol["summary"]
    html = render_html(report)
    assert "tramadol (daily)" in html


def test_the_person_can_leave_out_their_analyses(three_nights: Journal, kj, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = build_report(three_nights, default_period(three_nights), with_analysis=False)
    assert report.analysis.insights is None and report.analysis.experiments is None
    assert "chose not to include" in render_html(report)
    target = tmp_path / "r.html"
    result = kj("report", "--no-analysis", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert "chose not to include" in target.read_text(encoding="utf-8")
