"""``POST /api/v1/forms/{form}``, where the phone's outbox sends what was typed offline.

What is tested: an entry is written once per Idempotency-Key however often it is sent;
a refused entry comes back as 422 with the form field named and writes nothing; a key
is required; an unknown form is 404; an edit afterwards keeps the older version in the
entry's history (last write wins, nothing is lost).
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kratom_journal.domain.entries import Kind
from kratom_journal.store.journal import open_journal

MOOD = {"values": {"mood": "6", "anxiety": "2", "at": "08:15", "note": "from the outbox"}}


def moods(db: Path) -> list[str]:
    journal = open_journal(db)
    try:
        return [s.id for s in journal.entries.list(Kind.MOOD)]
    finally:
        journal.close()


def test_the_same_key_writes_once(client: TestClient, web_db: Path) -> None:
    first = client.post("/api/v1/forms/mood", json=MOOD, headers={"Idempotency-Key": "k-1"})
    again = client.post("/api/v1/forms/mood", json=MOOD, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    assert again.status_code in (200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert moods(web_db) == [first.json()["id"]]
    other = client.post("/api/v1/forms/mood", json=MOOD, headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 201
    assert len(moods(web_db)) == 2


def test_a_refused_entry_names_its_field_and_writes_nothing(
    client: TestClient, web_db: Path
) -> None:
    body = {"values": {"anxiety": "2"}}
    refused = client.post("/api/v1/forms/mood", json=body, headers={"Idempotency-Key": "k-3"})
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["loc"][-1] == "mood"
    assert detail["msg"]
    assert moods(web_db) == []


def test_a_key_is_required_and_the_form_must_exist(client: TestClient) -> None:
    assert client.post("/api/v1/forms/mood", json=MOOD).status_code == 422
    unknown = client.post("/api/v1/forms/nothing", json=MOOD, headers={"Idempotency-Key": "x"})
    assert unknown.status_code == 404


def test_an_edit_after_sync_keeps_the_older_version(client: TestClient, web_db: Path) -> None:
    sent = client.post("/api/v1/forms/mood", json=MOOD, headers={"Idempotency-Key": "k-4"})
    entry_id = sent.json()["id"]
    changed = client.patch(
        f"/api/v1/moods/{entry_id}",
        json={"changes": {"mood": "3"}},
        headers={"Idempotency-Key": "edit-1"},
    )
    assert changed.status_code == 200
    journal = open_journal(web_db)
    try:
        history = journal.entries.history(entry_id)
        assert len(history) >= 2
        assert {6, 3} <= {r.data.get("mood") for r in history}
        assert journal.entries.get(entry_id).entry.mood == 3
    finally:
        journal.close()
