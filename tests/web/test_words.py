"""Words a person reads on the pages: no internal keys, no CLI flags, no server paths.

What is tested: over the demo journal (120 days, every kind of entry, medicines,
questionnaires, an experiment) plus a medicine and a drink, the visible text of
every page holds none of the journal's internal keys (``sol_min``,
``standard_drink``, ``medication:sertraline``, ``patient-name``, ``ar1_reml_kr``,
``q =``); a refused form or upload on the web names no command-line flag and no
file path on the server.
What is NOT tested: the CLI's wording (its messages may name its own flags).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from kratom_journal.web import WebSettings, create_app
from kratom_journal.web.views import NAV
from tests.web.conftest import post_form

INTERNAL = re.compile(
    r"\b(sol_min|waso_min|tst_min|se_pct|standard_drink|medication:\w+|patient-name|"
    r"patient-birth-date|ar1_reml_kr|evening_kratom|usual-bedtime|first-run)\b|\bq = "
)
FLAGS = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def visible_text(html: str) -> str:
    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["script", "style", "template", "datalist"]):
        hidden.decompose()
    return " ".join(page.get_text(" ").split())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kratom_journal.demo.build import build_demo_journal
    from kratom_journal.services import entries, safety

    journal, path = build_demo_journal(tmp_path_factory.mktemp("words") / "demo.sqlite3", days=120)
    morning = f"{datetime.now(UTC).date() - timedelta(days=1)}T08:00"
    entries.log_dose(journal, entries.DoseInput("2 drinks", substance="alcohol", at=morning))
    entries.log_dose(
        journal, entries.DoseInput("50mg", substance="medication:sertraline", at=morning)
    )
    safety.declare_medicine(journal, "sertraline", True)
    journal.close()
    return path


def test_no_internal_key_on_any_page(demo_db: Path) -> None:
    app = create_app(WebSettings(db=str(demo_db)))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        pages: list[str] = [href for _, href, _ in NAV]
        pages += ["/history?kind=dose", "/surveys/phq9", "/welcome"]
        for page in pages:
            answer = client.get(page)
            assert answer.status_code == 200, page
            found = INTERNAL.findall(visible_text(answer.text))
            assert not found, (page, found)


def test_web_errors_name_no_cli_flag_and_no_server_path(
    client: TestClient, web_db: Path, tmp_path: Path
) -> None:
    answers: list[Any] = [
        post_form(client, "/log/dose", {"amount": "3g", "date": "9999-12-31", "at": "10:00"}),
        post_form(client, "/log/dose", {"amount": "3g", "at": "23:59"}),
        post_form(client, "/log/mood", {"mood": "11"}),
        post_form(client, "/log/sleep", {"night": "2026-01-01", "bed_at": "25:00"}),
        client.get("/?day=9999-12-31"),
        client.get("/report?from=0001-01-01"),
        client.get("/sleep?nights=abc"),
        client.get("/history?since=yesterday-ish"),
    ]
    for answer in answers:
        text = visible_text(answer.text)
        assert not FLAGS.findall(text), (answer.url, FLAGS.findall(text))
        assert str(web_db.parent) not in text and str(tmp_path) not in text, answer.url
