"""The Report page: the period form, the downloads, and the crisis resources first.

What is tested: the page renders with both download links, the PDF and HTML
download as attachments, a bad date re-renders the form with the message beside
the field, and a PHQ-9 item 9 above 0 in the period puts the crisis notice first.
What is NOT tested: the report's contents (tests/reports).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient


def test_report_page_offers_the_downloads(client: TestClient) -> None:
    page = BeautifulSoup(client.get("/report").text, "html.parser")
    links = {a["href"].split("?")[0] for a in page.find_all("a", href=True)}
    assert {"/report.pdf", "/report.html"} <= links
    assert page.find(class_="crisis") is None
    pdf = client.get("/report.pdf?analysis=0")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("attachment")
    html = client.get("/report.html?analysis=0")
    assert html.status_code == 200 and "Limits" in html.text


def test_bad_date_is_shown_beside_the_field(client: TestClient) -> None:
    response = client.get("/report?from=yesterday")
    assert response.status_code == 422
    field = BeautifulSoup(response.text, "html.parser").find(id="f-report-from")
    assert field is not None and "yesterday" in field.get("value", "")
    assert "expected a date" in response.text


def test_crisis_resources_come_first(client: TestClient, web_db) -> None:  # type: ignore[no-untyped-def]
    from kratom_journal.instruments.loader import shipped_instrument
    from kratom_journal.services.questionnaires import record_administration
    from kratom_journal.store.journal import open_journal

    journal = open_journal(web_db)
    phq9 = shipped_instrument("phq9")
    answers = {item.id: 0 for item in phq9.items}
    answers[phq9.items[8].id] = 1
    record_administration(journal, phq9, answers, datetime.now(UTC) - timedelta(days=2))
    journal.close()
    page = BeautifulSoup(client.get("/report?analysis=0").text, "html.parser")
    main = page.find("main") or page
    first = main.find(["section", "h1"])
    assert first is not None and "crisis" in (first.get("class") or [])
