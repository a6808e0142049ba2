"""The demo journal's PDF report: rendered, turned into PNG pages, read back as text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kratom_journal.reports.clinician import build_report
from kratom_journal.reports.render import write_report
from kratom_journal.services.report import default_period
from kratom_journal.store.journal import Journal

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="needs poppler-utils (apt-get install poppler-utils)",
)

SECTIONS = (
    "Kratom Journal · clinician summary",
    "Sleep diary (Consensus Sleep Diary)",
    "24-hour sleep log",
    "PHQ-9 (depression) and GAD-7 (anxiety)",
    "Kratom use (as logged)",
    "Side effects",
    "Medications and interaction warnings",
    "The person's own analyses and self-experiments",
    "Association, not proof",
    "Limits of this report",
)


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout


def test_demo_report_pdf_has_every_section_on_two_pages(
    demo_journal: Journal, tmp_path: Path, screenshot_dir: Path
) -> None:
    report = build_report(demo_journal, default_period(demo_journal))
    pdf = tmp_path / "report.pdf"
    assert write_report(report, pdf) == "PDF"
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 1 <= len(pages) <= 2
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    text = " ".join(pdf_text(pdf).split())
    for heading in SECTIONS:
        assert heading in text, heading
    period = default_period(demo_journal)
    assert period.days == 28
    assert f"Period {period.start:%d %b %Y} – {period.end:%d %b %Y} (28 days)" in text
    assert "page 1 of" in text
    # The first page as the README shows it (110 dpi: 910 pixels wide).
    subprocess.run(
        ["pdftoppm", "-r", "110", "-f", "1", "-l", "1", "-singlefile", "-png", str(pdf)]
        + [str(screenshot_dir / "report-page1")],
        check=True,
        timeout=60,
    )
    assert (screenshot_dir / "report-page1.png").read_bytes().startswith(b"\x89PNG")


def test_cli_writes_pdf_and_html(kj, journal: Journal, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from tests.cli.helpers import fix_clock
    from tests.reports.conftest import at, diary_night

    journal.entries.add(diary_night(date(2025, 6, 2)))
    html = tmp_path / "r.html"
    # The default period ends today (formerly at the latest diary night).
    fix_clock(monkeypatch, at(date(2025, 6, 3), "09:00", "Europe/Berlin"))
    result = kj("report", "--out", str(html))
    assert result.exit_code == 0, result.output
    assert "Wrote the HTML report for 2025-05-07 to 2025-06-03" in result.output
    assert "<svg" in html.read_text(encoding="utf-8")
    bad = kj("report", "--out", str(tmp_path / "r.docx"))
    assert bad.exit_code == 1
    assert "expected a file name ending in .pdf or .html" in bad.output
    bad_date = kj("report", "--from", "June")
    assert bad_date.exit_code == 1
    assert "expected a date YYYY-MM-DD" in bad_date.output
    assert "Traceback" not in bad_date.output


def test_crisis_note_is_the_first_section_of_the_pdf(three_nights: Journal, tmp_path: Path) -> None:
    from datetime import date

    from kratom_journal.instruments import shipped_instrument
    from kratom_journal.services.questionnaires import record_administration
    from tests.reports.conftest import at

    answers = {str(i): 1 for i in range(1, 10)} | {"9": 3}
    record_administration(
        three_nights,
        shipped_instrument("phq9"),
        answers,
        at(date(2025, 6, 4), "09:00", "Europe/Berlin"),
        "Europe/Berlin",
    )
    pdf = tmp_path / "crisis.pdf"
    write_report(build_report(three_nights, default_period(three_nights)), pdf)
    text = " ".join(pdf_text(pdf).split())
    crisis = text.index("Safety: thoughts of death or self-harm were reported")
    assert crisis < text.index("Sleep diary (Consensus Sleep Diary)")
    assert "PHQ-9 item 9" in text and "Nearly every day" in text


def _pages(pdf: Path) -> int:
    done = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=30
    )
    return int(
        next(line.split()[-1] for line in done.stdout.splitlines() if line.startswith("Pages:"))
    )


def test_small_journals_render_readable_pdfs(three_nights: Journal, tmp_path: Path) -> None:
    """Three nights without questionnaires, then a night across the spring DST change."""
    from datetime import date

    from kratom_journal.services.report import Period
    from tests.reports.conftest import diary_night

    pdf = tmp_path / "three.pdf"
    write_report(build_report(three_nights, default_period(three_nights)), pdf)
    text = " ".join(pdf_text(pdf).split())
    assert _pages(pdf) <= 2
    assert "Nights logged 3 of 28" in text
    assert "No PHQ-9 or GAD-7 was completed in this period." in text
    assert "Mon 02 Jun" in text and "Wed 04 Jun" in text

    three_nights.entries.add(
        diary_night(date(2024, 3, 30), bed="23:00", out="07:00", sol=0, waso=0)
    )
    dst = tmp_path / "dst.pdf"
    write_report(build_report(three_nights, Period(date(2024, 3, 25), date(2024, 3, 31))), dst)
    text = " ".join(pdf_text(dst).split())
    assert _pages(dst) <= 2
    assert "Sat 30 Mar" in text
    assert " 420 410 " in text  # TIB and TST in real minutes across the change
