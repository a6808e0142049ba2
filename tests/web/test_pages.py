"""Pages render, forms log entries, mistakes come back beside their field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from kratom_journal.domain.entries import Kind
from kratom_journal.web import WebSettings, create_app
from kratom_journal.web.views import NAV
from tests.web.conftest import csrf_token, post_form

PAGES = [href for _, href, _ in NAV]


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def test_every_page_renders_with_navigation_and_one_h1(client: TestClient) -> None:
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        html = soup(response)
        assert len(html.find_all("h1")) == 1, page
        assert html.find("nav").find("a", attrs={"aria-current": "page"}) is not None, page
        assert html.find("html")["lang"] == "en"


def test_log_a_dose_then_it_is_listed_today_with_undo(client: TestClient) -> None:
    response = post_form(
        client, "/log/dose", {"amount": "3.5g", "strain": "Red Bali", "form": "powder", "at": ""}
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/?saved=")
    page = client.get(response.headers["location"])
    html = soup(page)
    assert "Saved: 3.5 g · kratom · Red Bali · powder" in html.find(class_="flash").text
    assert "3.5 g · kratom · Red Bali" in html.find(id="logged").text


def test_last_dose_is_prefilled_as_a_convenience(client: TestClient) -> None:
    post_form(
        client,
        "/log/dose",
        {"amount": "2g", "strain": "Green Maeng Da", "form": "capsule", "grams_per_capsule": "0.5"},
    )
    html = soup(client.get("/"))
    assert html.find("input", id="f-dose-amount")["value"] == "2g"
    assert html.find("input", id="f-dose-strain")["value"] == "Green Maeng Da"
    assert "not a suggestion" in html.text
    quick = html.find("form", class_="quick")
    assert quick.find("input", attrs={"name": "strain"})["value"] == "Green Maeng Da"


def test_bad_amount_rerenders_with_message_beside_field_and_keeps_input(client: TestClient) -> None:
    response = post_form(client, "/log/dose", {"amount": "lots", "strain": "Red Bali"})
    assert response.status_code == 422
    html = soup(response)
    field = html.find("input", id="f-dose-amount")
    assert field["value"] == "lots"
    assert field["aria-invalid"] == "true"
    error = html.find(id="f-dose-amount-error")
    assert error is not None and error.text.strip()
    assert html.find("input", id="f-dose-strain")["value"] == "Red Bali"


def test_implausible_amount_asks_for_confirmation(client: TestClient) -> None:
    response = post_form(client, "/log/dose", {"amount": "90g"})
    assert response.status_code == 422
    assert soup(response).find("input", id="f-dose-confirm") is not None
    confirmed = post_form(client, "/log/dose", {"amount": "90g", "confirm": "1"})
    assert confirmed.status_code == 303


def test_sleep_night_is_logged_and_contradiction_named(client: TestClient) -> None:
    night = {
        "bed_at": "22:30",
        "tried_at": "23:00",
        "sol_min": "20",
        "awakenings": "2",
        "waso_min": "25",
        "final_wake_at": "06:40",
        "out_of_bed_at": "07:00",
        "quality": "3",
    }
    bad = post_form(client, "/log/sleep", {**night, "out_of_bed_at": "05:00"})
    assert bad.status_code == 422
    html = soup(bad)
    assert html.find(id="f-sleep-out_of_bed_at-error") is not None
    assert html.find("input", id="f-sleep-out_of_bed_at")["value"] == "05:00"
    assert post_form(client, "/log/sleep", night).status_code == 303
    assert "Logged: night" in client.get("/").text


def test_mood_side_effect_and_substance(client: TestClient) -> None:
    assert post_form(client, "/log/mood", {"mood": "6", "anxiety": "3"}).status_code == 303
    assert (
        post_form(client, "/log/side-effect", {"symptom": "nausea", "severity": "1"}).status_code
        == 303
    )
    assert (
        post_form(
            client, "/log/substance", {"substance": "caffeine", "amount": "200mg"}
        ).status_code
        == 303
    )
    missing = post_form(client, "/log/substance", {"substance": "medication", "amount": "1"})
    assert missing.status_code == 422
    assert soup(missing).find(id="f-substance-substance_name-error") is not None
    logged = soup(client.get("/")).find(id="logged").text
    assert "mood 6/10, anxiety 3/10" in logged and "nausea" in logged and "caffeine" in logged


def test_mood_without_value_names_the_field(client: TestClient) -> None:
    response = post_form(client, "/log/mood", {"anxiety": "4"})
    assert response.status_code == 422
    html = soup(response)
    assert html.find(id="f-mood-mood-error") is not None
    assert html.find("input", id="f-mood-anxiety-4").has_attr("checked")


def _only_entry(client: TestClient) -> str:
    data = client.get("/api/v1/doses").json()
    assert len(data) == 1
    return data[0]["id"]


def test_edit_delete_and_undo(client: TestClient) -> None:
    post_form(client, "/log/dose", {"amount": "3g"})
    entry_id = _only_entry(client)
    form = soup(client.get(f"/entries/{entry_id}/edit"))
    assert form.find("input", id="f-edit-amount")["value"] == "3"
    edited = post_form(
        client,
        f"/entries/{entry_id}/edit",
        {
            **{i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")},
            "amount": "2.5",
            "unit": "g",
        },
        page=f"/entries/{entry_id}/edit",
    )
    assert edited.status_code == 303
    assert client.get(f"/api/v1/doses/{entry_id}").json()["amount"] == 2.5
    deleted = post_form(client, f"/entries/{entry_id}/delete", {"next": "/history"})
    # The page comes back scrolled to the entry, where its undo button now is.
    assert deleted.headers["location"] == f"/history?deleted={entry_id}#entry-{entry_id}"
    assert client.get("/api/v1/doses").json() == []
    undo = soup(client.get(deleted.headers["location"])).find(class_="flash").find("form")
    assert undo["action"] == f"/entries/{entry_id}/restore"
    post_form(client, undo["action"], {"next": "/history"})
    assert _only_entry(client) == entry_id


def test_edit_with_bad_value_keeps_typed_text(client: TestClient) -> None:
    post_form(client, "/log/mood", {"mood": "5"})
    entry_id = client.get("/api/v1/moods").json()[0]["id"]
    response = post_form(
        client, f"/entries/{entry_id}/edit", {"mood": "12"}, page=f"/entries/{entry_id}/edit"
    )
    assert response.status_code == 422
    html = soup(response)
    assert html.find("input", id="f-edit-mood")["value"] == "12"
    assert "between 0 and 10" in html.find(id="f-edit-mood-error").text


def test_next_after_a_form_never_leaves_the_app(client: TestClient) -> None:
    post_form(client, "/log/mood", {"mood": "5"})
    entry_id = client.get("/api/v1/moods").json()[0]["id"]
    response = post_form(client, f"/entries/{entry_id}/delete", {"next": "//evil.example/"})
    assert response.headers["location"].startswith("/history?deleted=")


def test_history_filters_by_kind_and_rejects_bad_dates(client: TestClient) -> None:
    post_form(client, "/log/mood", {"mood": "5"})
    post_form(client, "/log/dose", {"amount": "2g"})
    html = soup(client.get("/history?kind=mood"))
    items = html.select("ul.entries li")
    assert len(items) == 1 and "mood 5/10" in items[0].text
    bad = client.get("/history?since=yesterday")
    assert bad.status_code == 422
    assert soup(bad).find(id="f-history-since-error") is not None


def test_settings_save_and_errors(client: TestClient) -> None:
    saved = post_form(
        client,
        "/settings",
        {"timezone": "America/Chicago", "country": "us", "region": "US-TX", "units": "us"},
        page="/settings",
    )
    assert saved.status_code == 303
    html = soup(client.get("/settings?saved=1"))
    # The country is chosen from a list (a select), no longer typed.
    country = html.find("select", id="f-settings-country")
    assert country.find("option", selected=True)["value"] == "US"
    bad = post_form(client, "/settings", {"timezone": "Mars/Olympus"}, page="/settings")
    assert bad.status_code == 422
    html = soup(bad)
    assert html.find("input", id="f-settings-timezone")["value"] == "Mars/Olympus"
    assert "unknown time zone" in html.find(id="f-settings-timezone-error").text


def test_sleep_page_has_chart_data_and_text_summary(client: TestClient) -> None:
    post_form(
        client,
        "/log/sleep",
        {
            "bed_at": "22:30",
            "tried_at": "23:00",
            "sol_min": "20",
            "awakenings": "1",
            "waso_min": "10",
            "final_wake_at": "06:40",
            "out_of_bed_at": "07:00",
            "quality": "4",
        },
    )
    html = soup(client.get("/sleep?nights=7"))
    import json

    figure = json.loads(html.find("script", id="sleep-chart-data").string)
    in_bed = figure["data"][0]
    assert len(in_bed["x"]) == 1
    assert in_bed["base"][0] == 4.5  # 22:30 is 4.5 h after 18:00
    assert figure["layout"]["xaxis"]["range"] == [0, 24]
    assert "1 of the last 7 nights have a diary entry" in html.find(class_="chart-summary").text
    assert html.find(id="sleep-chart")["role"] == "img"


def test_entries_of_all_kinds_are_visible_in_history(client: TestClient) -> None:
    post_form(client, "/log/dose", {"amount": "2g"})
    html = soup(client.get("/history"))
    assert html.select("ul.entries li")
    assert {k.value for k in Kind} <= {
        o["value"]
        for o in html.find("select", id="f-history-kind").find_all("option")
        if o["value"]
    }


def test_unknown_entry_and_page_are_friendly_404s(client: TestClient) -> None:
    for url in ("/entries/zzzzzzzz/edit", "/no-such-page"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Traceback" not in response.text
        assert soup(response).find("h1").text == "Not found"


def test_csrf_token_is_required_on_every_form(client: TestClient) -> None:
    csrf_token(client)
    for url in ("/log/dose", "/log/mood", "/settings", "/import"):
        response = client.post(url, data={"amount": "2g", "mood": "5"}, follow_redirects=False)
        assert response.status_code == 403, url
        assert "expired" in response.text
    forged = client.post(
        "/log/mood", data={"mood": "5", "csrf_token": "0" * 64}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert client.get("/api/v1/moods").json() == []


def test_every_form_carries_a_csrf_token(client: TestClient) -> None:
    post_form(client, "/log/dose", {"amount": "2g"})
    for page in PAGES:
        for form in soup(client.get(page)).find_all("form"):
            if form.get("method", "get").lower() == "post":
                assert form.find("input", attrs={"name": "csrf_token"}), (page, form.get("action"))


def test_cross_origin_posts_are_refused(client: TestClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/log/mood",
        data={"mood": "5", "csrf_token": token},
        headers={"origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_undo_of_an_edit_brings_the_previous_version_back(client: TestClient) -> None:
    post_form(client, "/log/mood", {"mood": "5", "anxiety": "2"})
    entry_id = client.get("/api/v1/moods").json()[0]["id"]
    edited = post_form(
        client,
        f"/entries/{entry_id}/edit",
        {"mood": "8", "next": "/"},
        page=f"/entries/{entry_id}/edit",
    )
    assert edited.headers["location"] == f"/?edited={entry_id}#entry-{entry_id}"
    flash = soup(client.get(edited.headers["location"])).find(class_="flash")
    assert "Changed: mood 8/10" in flash.text
    undo = flash.find("form")
    assert undo["action"] == f"/entries/{entry_id}/revert"
    post_form(client, undo["action"], {"next": "/"})
    entry = client.get(f"/api/v1/moods/{entry_id}").json()
    assert (entry["mood"], entry["anxiety"], entry["version"]) == (5, 2, 3)


def test_logging_a_medicine_shows_its_interaction_check(client: TestClient) -> None:
    response = post_form(
        client,
        "/log/substance",
        {"substance": "medication", "substance_name": "Xanax", "amount": "1mg"},
    )
    flash = soup(client.get(response.headers["location"])).find(class_="flash")
    assert "dangerous" in flash.find(class_="interaction").text


def test_safety_page_charts_doses_per_day_with_the_trend(client: TestClient) -> None:
    post_form(client, "/log/dose", {"amount": "2g"})
    html = soup(client.get("/safety"))
    import json

    figure = json.loads(html.find("script", id="doses-chart-data").string)
    assert len(figure["data"][0]["x"]) == 28 and sum(figure["data"][0]["y"]) == 1
    assert "1 kratom dose on 1 of the last 28 days" in html.find(class_="chart-summary").text


def test_experiments_page_shows_the_power_table(client: TestClient) -> None:
    html = soup(client.get("/experiments"))
    table = html.find("caption", string=lambda text: text and "Chance of a clear result" in text)
    assert table is not None
    rows = table.find_parent("table").find("tbody").find_all("tr")
    shipped = json.loads(files("kratom_journal.data").joinpath("experiment_power.json").read_text())
    assert len(rows) == len(shipped["rows"])
    for row, cell in zip(rows, shipped["rows"], strict=True):
        if cell["power"][0] is None:  # short block designs are refused, not guessed
            assert "too short" in row.text


def test_safety_page_shows_legal_rows_dated_with_the_staleness_warning(
    web_settings: WebSettings, web_db: Path
) -> None:
    from kratom_journal.services.clock import FixedClock
    from kratom_journal.store.journal import open_journal

    journal = open_journal(web_db)
    journal.settings.set("region", "US-AL")
    journal.close()
    clock = FixedClock(datetime(2026, 12, 2, 12, tzinfo=UTC))
    with TestClient(create_app(web_settings, clock=clock), base_url="http://127.0.0.1:8000") as c:
        html = soup(c.get("/safety"))
    legal = html.find(id="legal")
    entries = legal.find_all(class_="legal-entry")
    assert [e.find("h3").text.split(":")[0] for e in entries] == [
        "Alabama (US-AL)",
        "United States (federal) (US)",
    ]
    alabama = entries[0]
    assert "as of 2025-10-01" in alabama.find("h3").text
    warning = alabama.find(class_="note")
    assert warning is not None and "may have changed — check current law" in warning.text
    assert "notice of intent" in entries[1].text and "2026-07-01" in entries[1].text
    assert "(secondary)" in legal.text and "Confidence:" in legal.text
