"""The report made today: today's crisis answer is on page 1, with what was shown then.

What is tested: with the diary ending days ago, ``kj report`` (default period)
made on the day of a PHQ-9 with item 9 above 0 puts that answer on page 1 of the
PDF; the answer given with no country set says no national line was shown then,
even after the country is set, and one given with the country set names the line
shown (988).
What is NOT tested: the layout of the other sections (test_report_pdf.py).
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from kratom_journal.instruments import parse_answer_list, shipped_instrument
from kratom_journal.services.questionnaires import record_administration
from kratom_journal.store.journal import Journal
from tests.cli.helpers import fix_clock
from tests.reports.conftest import at

TODAY = date(2025, 6, 9)  # five days after the last diary night of ``three_nights``


def _page_one(pdf: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return " ".join(done.stdout.split())


def test_the_report_made_today_has_todays_crisis_answer_on_page_one(  # type: ignore[no-untyped-def]
    three_nights: Journal, kj, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    phq9 = shipped_instrument("phq9")
    record_administration(
        three_nights,
        phq9,
        parse_answer_list(phq9, "1,1,0,0,0,0,0,0,2"),
        at(TODAY, "08:30", "Europe/Berlin"),
        "Europe/Berlin",
    )
    three_nights.settings.set("country", "US")  # set after the answer: not what was shown
    fix_clock(monkeypatch, at(TODAY, "12:00", "Europe/Berlin"))
    pdf = tmp_path / "today.pdf"
    result = kj("report", "--out", str(pdf))
    assert result.exit_code == 0, result.output
    page = _page_one(pdf)
    assert "Safety: thoughts of death or self-harm were reported" in page
    assert "Mon 09 Jun 2025" in page or "2025-06-09" in page or "09 Jun 2025" in page, page
    assert "no country was set, so no national crisis line was shown" in page
    assert "shown then for US" not in page


def test_an_answer_given_with_the_country_set_names_the_line_shown(  # type: ignore[no-untyped-def]
    three_nights: Journal, kj, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_nights.settings.set("country", "US")
    phq9 = shipped_instrument("phq9")
    record_administration(
        three_nights,
        phq9,
        parse_answer_list(phq9, "1,1,0,0,0,0,0,0,1"),
        at(TODAY, "08:30", "Europe/Berlin"),
        "Europe/Berlin",
    )
    fix_clock(monkeypatch, at(TODAY, "12:00", "Europe/Berlin"))
    pdf = tmp_path / "today.pdf"
    assert kj("report", "--out", str(pdf)).exit_code == 0
    page = _page_one(pdf)
    assert "shown then for US" in page and "988" in page
