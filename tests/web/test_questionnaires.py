"""Questionnaires one item per screen; crisis resources first whenever PHQ-9 item 9 > 0."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.web.conftest import csrf_token


def answer_all(client: TestClient, instrument: str, answers: list[int | None]) -> str:
    """Fill a questionnaire screen by screen; returns the URL of the result."""
    token = csrf_token(client, f"/surveys/{instrument}")
    carried = ""
    page = client.post(f"/surveys/{instrument}", data={"answers": "", "csrf_token": token})
    for value in answers:
        html = BeautifulSoup(page.text, "html.parser")
        item = html.find("input", attrs={"name": "item"})["value"]
        carried = html.find("input", attrs={"name": "answers"})["value"]
        data = {"answers": carried, "item": item, "csrf_token": token}
        if value is None:
            data["action"] = "skip"
        else:
            data.update(action="next", answer=str(value))
        page = client.post(f"/surveys/{instrument}", data=data, follow_redirects=False)
        if page.status_code == 303:
            return str(page.headers["location"])
    raise AssertionError("the questionnaire did not finish")


def test_one_item_per_screen(client: TestClient) -> None:
    token = csrf_token(client, "/surveys/gad7")
    first = BeautifulSoup(
        client.post("/surveys/gad7", data={"answers": "", "csrf_token": token}).text, "html.parser"
    )
    assert "question 1 of" in first.find("h1").text
    assert len(first.find_all("fieldset")) == 1
    assert len(first.find_all("input", attrs={"type": "radio"})) == 4


def test_missing_answer_is_asked_again(client: TestClient) -> None:
    token = csrf_token(client, "/surveys/gad7")
    page = client.post(
        "/surveys/gad7", data={"answers": "", "item": "1", "action": "next", "csrf_token": token}
    )
    assert page.status_code == 422
    assert "Choose one answer" in page.text


def test_phq9_with_item_nine_shows_crisis_resources_first(client: TestClient) -> None:
    result = answer_all(client, "phq9", [1, 1, 0, 0, 0, 0, 0, 0, 1, 0])
    html = BeautifulSoup(client.get(result).text, "html.parser")
    main = html.find("main")
    first = main.find(True)
    assert "crisis" in first.get("class", [])
    text = first.text
    assert "112" in text or "116 123" in text or "Telefonseelsorge" in text or "0800" in text
    assert main.find(class_="score") is not None
    assert main.text.index(first.text.strip()[:20]) < main.text.index("Total")
    mood = BeautifulSoup(client.get("/mood").text, "html.parser").find("main")
    assert "crisis" in mood.find(True).get("class", [])


def test_crisis_shows_at_once_on_the_next_screen(client: TestClient) -> None:
    token = csrf_token(client, "/surveys/phq9")
    page = client.post(
        "/surveys/phq9",
        data={
            "answers": "0,0,0,0,0,0,0,0",
            "item": "9",
            "action": "next",
            "answer": "2",
            "csrf_token": token,
        },
    )
    html = BeautifulSoup(page.text, "html.parser").find("main")
    assert "crisis" in html.find(True).get("class", [])


def test_no_crisis_screen_when_item_nine_is_zero(client: TestClient) -> None:
    result = answer_all(client, "phq9", [2, 2, 1, 1, 1, 1, 1, 1, 0, 1])
    html = BeautifulSoup(client.get(result).text, "html.parser")
    assert html.find(class_="crisis") is None
    assert "Total" in html.find(class_="score").text
    mood = BeautifulSoup(client.get("/mood").text, "html.parser")
    assert mood.find(id="chart-phq-9-data") is not None


def test_today_also_leads_with_crisis_resources_after_item_nine(client: TestClient) -> None:
    answer_all(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
    today = BeautifulSoup(client.get("/").text, "html.parser").find("main")
    assert "crisis" in today.find(True).get("class", [])
    answer_all(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    today = BeautifulSoup(client.get("/").text, "html.parser")
    assert today.find(class_="crisis") is None


def test_cached_pages_see_changes_made_by_another_process(client: TestClient, web_db) -> None:  # type: ignore[no-untyped-def]
    """A questionnaire filled in with the CLI shows up on a cached page at once."""
    from kratom_journal.instruments.loader import shipped_instrument
    from kratom_journal.services.questionnaires import record_administration
    from kratom_journal.store.journal import open_journal

    assert "Recent results" not in client.get("/mood").text
    other = open_journal(web_db)  # as `kj survey` in another process would
    gad7 = shipped_instrument("gad7")
    record_administration(other, gad7, {item.id: 1 for item in gad7.items})
    other.close()
    assert "GAD-7: 7 of 21" in client.get("/mood").text


def test_forged_answer_lists_never_cause_a_server_error(client: TestClient) -> None:
    token = csrf_token(client, "/surveys/gad7")
    for answers in ("0,0,0,0,0,0,0,0,0,0,0", "9,9,9", "9,9,9,9,9,9", "x,,y", ",,,,,,,"):
        response = client.post(
            "/surveys/gad7",
            data={
                "answers": answers,
                "item": "1",
                "action": "next",
                "answer": "1",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert response.status_code in (200, 303, 422), answers
