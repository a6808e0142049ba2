"""Reading pages never writes: GET /report and the insight pages run no INSERT, UPDATE or DELETE."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from kratom_journal.domain.entries import MoodCheckin
from kratom_journal.store.journal import Journal
from kratom_journal.web import WebSettings, create_app
from tests.services.test_single_flight import slow_counted


def test_reading_pages_never_writes(web_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = slow_counted(monkeypatch)
    app = create_app(WebSettings(db=str(web_db)))
    journal: Journal = app.state.journal
    journal.entries.add(MoodCheckin(at=datetime(2026, 11, 1, 9, tzinfo=UTC), mood=5))
    writes: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    event.listen(journal.engine, "before_cursor_execute", watch)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        for page in ("/report", "/report", "/insights", "/api/v1/insights", "/", "/sleep"):
            assert client.get(page).status_code in {200, 404, 409}, page
    assert writes == []
    assert len(calls) <= 2  # once for the report's rows, once for the Insights page
