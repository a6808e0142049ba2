"""One journal day for one dose, everywhere: report, FHIR, tidy CSV, analyses, safety, Sleep page.

Clocks in Berlin went forward at 02:00 on Sunday 31 March 2024. A dose at 00:30
(CET) and one at 03:59 (CEST) that night belong to journal day 30 March; one at
04:00 and one at 23:59 to 31 March (the journal day runs 04:00 to 04:00 local
time, see docs/concepts.md). Each dose is logged alone in its own journal, and
every part of the product that counts doses by day must put it on that day.
"""

from __future__ import annotations

import csv
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from kratom_journal.domain.entries import Dose, Form, Unit
from kratom_journal.reports.clinician import build_report
from kratom_journal.reports.fhir_bundle import build_bundle
from kratom_journal.reports.tidy_export import export_tidy
from kratom_journal.services.clock import FixedClock
from kratom_journal.services.insights import journal_day_table
from kratom_journal.services.report import Period
from kratom_journal.services.safety import safety_report
from kratom_journal.store.journal import Journal

BERLIN = "Europe/Berlin"
DST_DAY = date(2024, 3, 31)

CASES = [
    ("00:30", date(2024, 3, 30)),  # before the clock change, +01:00
    ("03:59", date(2024, 3, 30)),  # just after it, +02:00
    ("04:00", date(2024, 3, 31)),
    ("23:59", date(2024, 3, 31)),
]


def _dose(clock: str) -> Dose:
    hour, minute = (int(part) for part in clock.split(":"))
    taken_at = datetime(2024, 3, 31, hour, minute, tzinfo=ZoneInfo(BERLIN))
    return Dose(taken_at, 3.0, Unit.G, form=Form.POWDER, strain="Red Bali", zone=BERLIN)


def _kratom_on(journal: Journal, day: date) -> int:
    return build_report(journal, Period(day, day), with_analysis=False).kratom.doses


def _dosing_days(journal: Journal, today: date) -> int:
    frequency = next(s for s in safety_report(journal, today).signals if s.id == "frequency")
    return int(frequency.values["dosing_days"])


def _sleep_page_kratom(journal_path: Path) -> dict[str, str]:
    """The Sleep page's table on 3 April 2024: kratom listed per night row, by its label."""
    warnings.filterwarnings("ignore", message=".*httpx.*")
    from fastapi.testclient import TestClient

    from kratom_journal.web import WebSettings, create_app

    clock = FixedClock(datetime(2024, 4, 3, 12, 0, tzinfo=ZoneInfo(BERLIN)))
    app = create_app(WebSettings(db=str(journal_path)), clock=clock)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        response = client.get("/sleep?nights=7")
    assert response.status_code == 200
    table = BeautifulSoup(response.text, "html.parser").find("table")
    return {
        row.find("th").get_text(strip=True): row.find("td", class_="kratom-day").get_text(
            strip=True
        )
        for row in table.find("tbody").find_all("tr")
    }


@pytest.mark.parametrize(("clock", "expected"), CASES)
def test_a_dose_counts_on_the_same_journal_day_everywhere(
    journal: Journal,
    journal_path: Path,
    tmp_path: Path,
    clock: str,
    expected: date,
) -> None:
    journal.entries.add(_dose(clock))
    around = [expected - timedelta(days=1), expected, expected + timedelta(days=1)]

    # The clinician report counts the dose in the period of its journal day only.
    assert [_kratom_on(journal, day) for day in around] == [0, 1, 0]

    # FHIR: the MedicationStatement dates the use by its journal day.
    statements = [
        e["resource"]
        for e in build_bundle(journal)["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
    ]
    (kratom,) = statements
    assert kratom["dosage"][0]["text"] == (
        f"Logged 1 times on 1 days between {expected} and {expected} (self-reported use)."
    )

    # The tidy CSV export gives the dose its journal day.
    export_tidy(journal, tmp_path / "tidy", "csv")
    with (tmp_path / "tidy" / "doses.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["journal_day"] == expected.isoformat()

    # The analysis day table has one row, the dose's journal day.
    table = journal_day_table(journal)
    assert table.dates == (expected,)
    assert table.column("doses_per_day").tolist() == [1.0]

    # The safety signals count the dose from its journal day on, not before.
    assert [_dosing_days(journal, day) for day in around] == [0, 1, 1]

    # The Sleep page lists the dose on the night of its journal day.
    listed = _sleep_page_kratom(journal_path)
    expected_label = f"{expected:%a %d %b %Y}"
    assert listed[expected_label] == clock
    assert all(text == "–" for label, text in listed.items() if label != expected_label)
    assert len(listed) == 7
