"""Delete forever on the web: a confirmation page, then the entry and its history are gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from kratom_journal.domain.entries import MoodCheckin
from kratom_journal.domain.errors import NotFound
from kratom_journal.store.journal import Journal
from tests.web.conftest import post_form


def test_delete_forever_asks_for_confirmation_then_removes(client: TestClient) -> None:
    journal: Journal = client.app.state.journal  # type: ignore[attr-defined]
    stored = journal.entries.add(
        MoodCheckin(at=datetime.now(UTC) - timedelta(hours=2), mood=4, note="private words")
    )
    journal.entries.delete(stored.id)
    history = client.get("/history?deleted=1")
    assert f"/entries/{stored.id}/purge" in history.text
    form_page = client.get(f"/entries/{stored.id}/purge?next=/history")
    assert form_page.status_code == 200
    assert "cannot be restored" in form_page.text
    page = f"/entries/{stored.id}/purge"
    unconfirmed = post_form(client, page, {"next": "/history"}, page=page)
    assert unconfirmed.status_code == 422
    assert "tick the box" in unconfirmed.text
    assert journal.entries.get(stored.id).id == stored.id
    done = post_form(client, page, {"next": "/history", "confirm": "1"}, page=page)
    assert done.status_code == 303 and done.headers["location"] == "/history"
    with pytest.raises(NotFound):
        journal.entries.get(stored.id)
    assert "private words" not in client.get("/history?deleted=1").text
    assert client.get(page).status_code == 404
