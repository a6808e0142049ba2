"""The JSON API: every record kind, shared validation, OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient

NIGHT = {
    "bed_at": "22:30",
    "tried_at": "23:00",
    "sol_min": 20,
    "awakenings": 2,
    "waso_min": 25,
    "final_wake_at": "06:40",
    "out_of_bed_at": "07:00",
    "quality": 3,
}


def test_crud_for_every_kind(client: TestClient) -> None:
    bodies = {
        "doses": {"amount": "3g", "strain": "Red Bali", "at": "2024-05-01T21:30"},
        "sleep": {**NIGHT, "night": "2024-05-01"},
        "moods": {"mood": 6, "anxiety": 3, "at": "2024-05-01T20:00"},
        "side-effects": {"symptom": "nausea", "severity": 1, "at": "2024-05-01T20:00"},
    }
    changes = {
        "doses": {"amount": "2.5"},
        "sleep": {"quality": "4"},
        "moods": {"mood": "7"},
        "side-effects": {"severity": "2"},
    }
    for resource, body in bodies.items():
        created = client.post(f"/api/v1/{resource}", json=body)
        assert created.status_code == 201, (resource, created.text)
        entry_id = created.json()["id"]
        assert client.get(f"/api/v1/{resource}/{entry_id}").json()["id"] == entry_id
        listed = client.get(f"/api/v1/{resource}", params={"since": "2024-04-01"}).json()
        assert [e["id"] for e in listed] == [entry_id]
        updated = client.patch(
            f"/api/v1/{resource}/{entry_id}", json={"changes": changes[resource]}
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["version"] == 2
        assert client.delete(f"/api/v1/{resource}/{entry_id}").json()["deleted_at"]
        assert client.get(f"/api/v1/{resource}").json() == []
        assert client.post(f"/api/v1/{resource}/{entry_id}/restore").json()["deleted_at"] is None


def test_validation_errors_name_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/sleep", json={**NIGHT, "out_of_bed_at": "05:00"})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "out_of_bed_at"]
    assert "before the final awakening" in detail["msg"]
    mood = client.post("/api/v1/moods", json={"mood": 11})
    assert mood.json()["detail"][0]["loc"] == ["body", "mood"]


def test_implausible_amount_needs_confirm(client: TestClient) -> None:
    response = client.post("/api/v1/doses", json={"amount": "90g"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "needs_confirmation"
    assert client.post("/api/v1/doses", json={"amount": "90g", "confirm": True}).status_code == 201


def test_wrong_kind_and_unknown_ids_are_404(client: TestClient) -> None:
    mood = client.post("/api/v1/moods", json={"mood": 5}).json()
    assert client.get(f"/api/v1/doses/{mood['id']}").status_code == 404
    assert client.get("/api/v1/moods/ffffffffff").status_code == 404
    assert client.delete("/api/v1/moods/ffffffffff").status_code == 404


def test_settings_api(client: TestClient) -> None:
    assert client.put("/api/v1/settings/country", json={"value": "us"}).json() == {"country": "US"}
    assert client.get("/api/v1/settings").json()["country"] == "US"
    assert client.put("/api/v1/settings/timezone", json={"value": "Nowhere"}).status_code == 422
    assert client.put("/api/v1/settings/colour", json={"value": "red"}).status_code == 404


def test_openapi_document_lists_every_kind(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for resource in ("doses", "sleep", "moods", "side-effects"):
        assert {"get", "post"} <= set(paths[f"/api/v1/{resource}"])
        assert {"get", "patch", "delete"} <= set(paths[f"/api/v1/{resource}/{{entry_id}}"])
    assert not any(p.startswith("/log") or p == "/" for p in paths)


def test_api_refuses_cross_origin_writes(client: TestClient) -> None:
    response = client.post(
        "/api/v1/moods", json={"mood": 5}, headers={"origin": "http://evil.example"}
    )
    assert response.status_code == 403


def test_safety_api(client: TestClient) -> None:
    client.post("/api/v1/doses", json={"amount": "1mg", "substance": "medication:xanax"})
    data = client.get("/api/v1/safety").json()
    assert "signals" in data["report"]
    assert any(c["severity"] == "dangerous" for c in data["interactions"])
    assert data["legal"] or data["legal_problem"]
    assert client.get("/api/v1/safety/evidence").json()
