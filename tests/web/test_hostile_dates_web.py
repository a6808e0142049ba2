"""Hostile dates on the web: the forms and the JSON API refuse them naming the field;
every page answers, never a 500, on a journal holding the earliest and latest dates
the store accepts.

What is tested: 0001, 1900, 2099, 9999-12-31, 24:00 and a time the DST change
skips, through each logging form (the error beside the named field, nothing
saved) and each JSON create (a 422 naming the field); over a journal filled by
``tests.edge_dates.fill_edges`` every page, each entry's edit page, the report
as HTML and PDF, the day pages at the edges and the API reads answer below 500.
What is NOT tested: CSV and JSON imports (tests/services/test_hostile_dates.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from kratom_journal.services.clock import FixedClock
from kratom_journal.store.journal import open_journal
from kratom_journal.web import WebSettings, create_app
from kratom_journal.web.views import NAV
from tests.edge_dates import fill_edges
from tests.web.conftest import post_form

BERLIN = ZoneInfo("Europe/Berlin")
CLOCK = FixedClock(datetime(2026, 11, 20, 21, 16, tzinfo=BERLIN))

HOSTILE = [
    ("0001-01-01", "10:00", "date"),
    ("1900-01-01", "10:00", "date"),
    ("2099-05-01", "10:00", "date"),
    ("9999-12-31", "23:59", "date"),
    ("2026-11-19", "24:00", "at"),
    ("2026-03-29", "02:30", "at"),  # skipped when Berlin moved its clocks forward
]


def _entries(client: TestClient) -> list[dict[str, Any]]:
    """Every entry the journal holds, through the API's lists."""
    found: list[dict[str, Any]] = []
    for path in ("doses", "moods", "side-effects", "sleep"):
        found += client.get(f"/api/v1/{path}?since=1970-01-01").json()
    return found


@pytest.fixture
def stopped(web_settings: WebSettings) -> Any:
    with TestClient(create_app(web_settings, clock=CLOCK), base_url="http://127.0.0.1:8000") as c:
        yield c


@pytest.mark.parametrize(("day", "at", "field"), HOSTILE)
@pytest.mark.parametrize(
    ("form", "values"),
    [
        ("dose", {"amount": "3g"}),
        ("mood", {"mood": "5"}),
        ("side-effect", {"symptom": "nausea", "severity": "1"}),
        ("substance", {"substance": "caffeine", "amount": "200mg"}),
    ],
)
def test_every_form_refuses_a_hostile_date_beside_its_field(
    stopped: TestClient, form: str, values: dict[str, str], day: str, at: str, field: str
) -> None:
    sent = post_form(stopped, f"/log/{form}", {**values, "date": day, "at": at})
    assert sent.status_code == 422
    assert f'id="f-{form}-{field}-error"' in sent.text, sent.text[:2000]
    assert "Traceback" not in sent.text
    assert _entries(stopped) == []


@pytest.mark.parametrize("night", ["0001-01-01", "1900-01-01", "2099-05-01", "9999-12-31"])
def test_the_diary_form_and_api_refuse_a_hostile_night(stopped: TestClient, night: str) -> None:
    body = {
        "bed_at": "22:30",
        "tried_at": "22:45",
        "sol_min": "15",
        "awakenings": "1",
        "waso_min": "10",
        "final_wake_at": "06:30",
        "out_of_bed_at": "06:45",
        "quality": "3",
    }
    sent = post_form(stopped, "/log/sleep", {**body, "night": night})
    assert sent.status_code == 422 and "Not saved:" in sent.text and night in sent.text
    api = stopped.post("/api/v1/sleep", json={**body, "night": night})
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["body", "night"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"at": "0001-01-01T10:00"}, "taken_at"),
        ({"at": "1900-01-01T10:00"}, "taken_at"),
        ({"at": "2099-05-01T21:30"}, "taken_at"),
        ({"at": "9999-12-31T23:59:59+00:00"}, "taken_at"),
        ({"at": "10:00", "date": "9999-12-31"}, "date"),
        ({"at": "10:00", "date": "1900-01-01"}, "date"),
        ({"at": "24:00"}, "at"),
        ({"at": "2026-03-29T02:30"}, "at"),
    ],
)
def test_the_api_refuses_a_hostile_date_naming_the_field(
    stopped: TestClient, body: dict[str, str], field: str
) -> None:
    sent = stopped.post("/api/v1/doses", json={"amount": "3g", **body})
    assert sent.status_code == 422, sent.text
    (problem,) = sent.json()["detail"]
    assert problem["loc"][-1] == field, problem
    assert _entries(stopped) == []


def test_every_page_answers_on_a_journal_at_the_edges(web_settings: WebSettings) -> None:
    journal = open_journal(web_settings.db)
    fill_edges(journal)
    ids = [s.id for s in journal.entries.list()]
    journal.close()
    with TestClient(create_app(web_settings), base_url="http://127.0.0.1:8000") as client:
        from kratom_journal.services.questionnaires import list_administrations

        results = [
            f"/surveys/results/{a.id}"
            for a in list_administrations(open_journal(web_settings.db), "phq9")
        ]
        pages = [
            *[href for _, href, _ in NAV],
            "/?day=1970-01-01",
            "/?day=1970-01-02",
            "/?day=0001-01-01",
            "/?day=9999-12-31",
            "/sleep?nights=365",
            "/sleep?nights=100000",
            "/mood?days=100000",
            "/history?since=1970-01-01",
            "/report?from=1970-01-01",
            "/report?from=0001-01-01&to=9999-12-31",
            "/report.html",
            "/report.pdf",
            "/surveys/phq9",
            "/welcome",
            "/welcome/done",
            *results,
            *[f"/entries/{entry_id}/edit" for entry_id in ids],
            "/api/v1/doses?since=1970-01-01",
            "/api/v1/sleep?since=1970-01-01",
            "/api/v1/moods?since=0001-01-01&until=9999-12-31",
            "/api/v1/insights",
            "/api/v1/settings",
        ]
        for page in pages:
            answer = client.get(page)
            assert answer.status_code < 500, (page, answer.text[:500])
            assert "Traceback" not in answer.text, page
