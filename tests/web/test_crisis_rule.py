"""The crisis rule in the web app comes from the instrument's file, not from code.

What is tested: with a questionnaire written by the test (crisis rule on its
second item from answer 2), the next survey screen after that answer, the result
page, Mood & scores and Today all lead with the crisis resources; an answer below
the rule shows none.
What is NOT tested: PHQ-9 item 9 itself (tests/web/test_questionnaires.py).
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from kratom_journal.instruments import Instrument
from kratom_journal.services import questionnaires as survey_service
from tests.instruments.builders import checkin_instrument
from tests.web.test_questionnaires import answer_all


@pytest.fixture
def checkin(monkeypatch: pytest.MonkeyPatch) -> Instrument:
    """The test questionnaire, offered by the survey screens as ``/surveys/checkin3``."""
    instrument = checkin_instrument()
    shipped = survey_service.survey_instrument

    def lookup(instrument_id: str) -> Instrument:
        return instrument if instrument_id == instrument.id else shipped(instrument_id)

    monkeypatch.setattr(survey_service, "survey_instrument", lookup)
    return instrument


def _leads_with_crisis(html: str) -> bool:
    main = BeautifulSoup(html, "html.parser").find("main")
    return "crisis" in main.find(True).get("class", [])


@pytest.mark.usefixtures("checkin")
def test_crisis_first_on_the_next_screen(client: TestClient) -> None:
    from tests.web.conftest import csrf_token

    token = csrf_token(client, "/surveys/checkin3")
    data = {"answers": "0", "item": "b", "action": "next", "csrf_token": token}
    after_rule = client.post("/surveys/checkin3", data={**data, "answer": "2"})
    assert after_rule.status_code == 200
    assert _leads_with_crisis(after_rule.text)
    assert "question 3 of 3" in after_rule.text
    below_rule = client.post("/surveys/checkin3", data={**data, "answer": "1"})
    assert BeautifulSoup(below_rule.text, "html.parser").find(class_="crisis") is None


@pytest.mark.usefixtures("checkin")
def test_result_mood_and_today_lead_with_crisis(client: TestClient) -> None:
    result = answer_all(client, "checkin3", [0, 3, 0])
    page = client.get(result)
    assert _leads_with_crisis(page.text)
    main = BeautifulSoup(page.text, "html.parser").find("main").text
    assert main.index("alerts no one") < main.index("CHECK-3 result")
    assert _leads_with_crisis(client.get("/mood").text)
    assert _leads_with_crisis(client.get("/").text)
    # Answered again without the crisis answer: the latest answers no longer call for it.
    answer_all(client, "checkin3", [0, 0, 0])
    assert BeautifulSoup(client.get("/").text, "html.parser").find(class_="crisis") is None
