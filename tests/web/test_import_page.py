"""Import: upload, background import with a progress page, summary or problems."""

from __future__ import annotations

import json
import time
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.store.journal import open_journal
from tests.importers import real_shapes as shapes
from tests.web.conftest import csrf_token

MOOD_CSV = "at,mood,anxiety,energy,note\n2024-05-01T20:00,6,3,,\n2024-05-02T20:00,5,4,,\n"


def upload(client: TestClient, name: str, content: bytes, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/import")
    return client.post(
        "/import",
        data={"csrf_token": token, **fields},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def finished(client: TestClient, location: str) -> BeautifulSoup:
    for _ in range(100):
        html = BeautifulSoup(client.get(location).text, "html.parser")
        if html.find("meta", attrs={"http-equiv": "refresh"}) is None:
            return html
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_csv_upload_imports_and_shows_the_summary(client: TestClient) -> None:
    response = upload(client, "mood.csv", MOOD_CSV.encode())
    assert response.status_code == 303
    html = finished(client, response.headers["location"])
    assert html.find(id="import-summary").text.strip() == "2 added, 0 updated, 0 unchanged"
    assert len(client.get("/api/v1/moods").json()) == 2
    again = finished(client, upload(client, "mood.csv", MOOD_CSV.encode()).headers["location"])
    assert "0 added" in again.find(id="import-summary").text


def test_a_bad_file_imports_nothing_and_says_where(client: TestClient) -> None:
    bad = MOOD_CSV + "2024-05-03T20:00,eleven,,,\n"
    html = finished(client, upload(client, "mood.csv", bad.encode()).headers["location"])
    assert "Nothing was imported" in html.text
    problems = html.find(class_="problems").text
    assert "mood.csv:4" in problems and "/tmp" not in problems
    assert client.get("/api/v1/moods").json() == []


def test_upload_without_a_file_names_the_field(client: TestClient) -> None:
    token = csrf_token(client, "/import")
    response = client.post("/import", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 422
    assert BeautifulSoup(response.text, "html.parser").find(id="f-import-file-error")


def test_uploaded_file_names_cannot_escape_the_upload_folder(client: TestClient) -> None:
    response = upload(client, "../../etc/mood.csv", MOOD_CSV.encode())
    html = finished(client, response.headers["location"])
    assert "mood.csv" in html.find("h1").text and ".." not in html.find("h1").text


def test_the_zone_field_places_an_export_without_offsets(client: TestClient, web_db: Path) -> None:
    """A Fitbit export has local times without offsets: the page's zone field, not the
    journal's zone (Europe/Berlin), says where they were written."""
    logs = [shapes.fitbit_log(night, 70_000 + i) for i, night in enumerate(shapes.NIGHTS)]
    content = json.dumps(logs).encode()
    response = upload(client, "sleep-2024-03-11.json", content, zone="America/New_York")
    html = finished(client, response.headers["location"])
    assert "2 nights added" in html.find(id="import-summary").text
    journal = open_journal(web_db)
    try:
        beds = [night.bed_at.isoformat() for night, _others in list_nights(journal)]
    finally:
        journal.close()
    wall_clock = [shapes.naive(night.bed, "%Y-%m-%dT%H:%M:%S") for night in shapes.NIGHTS]
    assert beds == [f"{text}-04:00" for text in wall_clock]


def test_an_unknown_zone_names_the_field(client: TestClient) -> None:
    response = upload(client, "sleep-2024-03-11.json", b"[]", zone="Berlin")
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").find(id="f-import-zone-error")
    assert error is not None and "Europe/Berlin" in error.text
