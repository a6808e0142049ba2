"""What the web app shows when something goes wrong.

What is tested: a ``JournalError`` becomes its own message with 404 (not found)
or 400 (anything else), as a page and as JSON; any other exception, such as a
``KeyError`` from a bug in a service, is a 500 page that says it is a bug and
does not claim the entry was saved, without the exception's text.
What is NOT tested: validation errors of forms and the API (test_pages, test_api).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.services import entries as entry_service
from kratom_journal.web import WebSettings, create_app
from tests.web.conftest import post_form


@pytest.fixture
def lenient_client(web_settings: WebSettings) -> Iterator[TestClient]:
    """A client that gets the 500 page instead of the exception."""
    with TestClient(
        create_app(web_settings), raise_server_exceptions=False, base_url="http://127.0.0.1:8000"
    ) as test_client:
        yield test_client


def test_a_bug_in_a_service_is_a_500_that_claims_nothing_was_saved(
    lenient_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise KeyError("tst_min")

    monkeypatch.setattr(entry_service, "log_mood", broken)
    page = post_form(lenient_client, "/log/mood", {"mood": "5"})
    assert page.status_code == 500
    assert "internal error in Kratom Journal (KeyError)" in page.text
    assert "this is a bug" in page.text.lower()
    assert "may not have been saved" in page.text
    assert "tst_min" not in page.text and "lost" not in page.text
    api = lenient_client.post("/api/v1/moods", json={"mood": 5})
    assert api.status_code == 500 and "tst_min" not in api.text


def test_journal_errors_show_their_message(
    lenient_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*_args: object, **_kwargs: object) -> object:
        raise NotFound("no such thing in the journal")

    def refused(*_args: object, **_kwargs: object) -> object:
        raise InvalidInput("that cannot be done")

    monkeypatch.setattr(entry_service, "logged_between", missing)
    page = lenient_client.get("/")
    assert page.status_code == 404 and "no such thing in the journal" in page.text
    monkeypatch.setattr(entry_service, "logged_between", refused)
    page = lenient_client.get("/")
    assert page.status_code == 400 and "that cannot be done" in page.text
    monkeypatch.setattr(entry_service, "list_entries", refused)
    api = lenient_client.get("/api/v1/doses")
    assert api.status_code == 422 and "that cannot be done" in api.text  # the API's own shape


def test_api_journal_errors_outside_the_forms_are_400_json(
    lenient_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kratom_journal.services import safety as safety_service

    def refused(*_args: object, **_kwargs: object) -> object:
        raise InvalidInput("that cannot be done")

    monkeypatch.setattr(safety_service, "safety_overview", refused)
    api = lenient_client.get("/api/v1/safety")
    assert api.status_code == 400
    assert api.json() == {"detail": "that cannot be done"}
