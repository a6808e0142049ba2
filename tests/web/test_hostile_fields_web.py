"""Hostile fields through the web forms and the JSON API: refused beside the field, or stored right.

What is tested: a note one character over the limit and a 10 KB strain are refused naming
the field (form: the error beside it; API: a 422 whose ``loc`` is the field), a body over
the size cap answers 413, ``1_0`` grams is refused, a strain with zero-width and other
invisible characters is stored as the plain name, and a formula-looking strain is stored
as the exact text; nothing is saved on refusal and no answer is a 500 or a traceback.
Dates (0001, 9999, DST gaps) are in tests/web/test_hostile_dates_web.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kratom_journal.domain.limits import NOTE_LIMIT
from tests.web.conftest import post_form


def doses(client: TestClient) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = client.get("/api/v1/doses?since=1970-01-01").json()
    return answer


@pytest.mark.parametrize(
    ("field", "value"),
    [("note", "n" * (NOTE_LIMIT + 1)), ("strain", "s" * 10_240), ("product", "p" * 10_240)],
)
def test_an_overlong_field_is_refused_by_name_on_the_api_and_the_form(
    client: TestClient, field: str, value: str
) -> None:
    api = client.post("/api/v1/doses", json={"amount": "3g", field: value})
    assert api.status_code == 422, api.text[:300]
    assert api.json()["detail"][0]["loc"] == ["body", field]
    form = post_form(client, "/log/dose", {"amount": "3g", field: value})
    assert form.status_code == 422 and "Traceback" not in form.text
    assert "too long" in form.text
    assert doses(client) == []


def test_a_body_over_the_cap_answers_413(client: TestClient) -> None:
    api = client.post("/api/v1/doses", json={"amount": "3g", "note": "n" * 2 * 1024 * 1024})
    assert api.status_code == 413
    assert doses(client) == []


def test_a_loose_number_is_refused_naming_the_amount(client: TestClient) -> None:
    api = client.post("/api/v1/doses", json={"amount": "1_0g"})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "amount"]
    form = post_form(client, "/log/dose", {"amount": "1_0g"})
    assert form.status_code == 422 and 'id="f-dose-amount-error"' in form.text
    assert doses(client) == []


def test_invisible_characters_in_a_strain_are_removed(client: TestClient) -> None:
    names = ("Red Bali", "Red\u200bBali", "\ufeffRed\u00a0Bali\u00ad")
    for day, name in enumerate(names, start=1):
        body = {"amount": "3g", "strain": name, "at": f"2026-11-0{day}T09:00"}
        assert client.post("/api/v1/doses", json=body).status_code < 300
    # The same dose again with a zero-width space is the same dose (asks to confirm).
    again = {"amount": "3g", "strain": "Red\u200b Bali", "at": "2026-11-01T09:00"}
    assert client.post("/api/v1/doses", json=again).json()["detail"][0]["type"] == (
        "needs_confirmation"
    )
    assert {d["strain"] for d in doses(client)} == {"Red Bali"}


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(1)", "<!--<script>"])
def test_a_formula_strain_is_stored_as_the_exact_text(client: TestClient, text: str) -> None:
    assert client.post("/api/v1/doses", json={"amount": "3g", "strain": text}).status_code < 300
    assert [d["strain"] for d in doses(client)] == [text]
    assert client.get("/").status_code == 200
