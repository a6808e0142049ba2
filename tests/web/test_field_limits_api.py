"""The API refuses an over-long text with the field named (the same on both databases)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_api_names_the_field_that_is_too_long(client: TestClient) -> None:
    response = client.post(
        "/api/v1/doses", json={"amount": "3g", "strain": "x" * 201, "at": "2024-05-01T21:30"}
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "strain"]
    assert "at most 200" in detail["msg"]
