"""Headers, limits, the LAN access token and error pages."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from kratom_journal.web import WebSettings, create_app
from kratom_journal.web.views import NAV
from tests.web.conftest import csrf_token, post_form

PAGES = [href for _, href, _ in NAV]


def test_strict_content_security_policy_on_every_response(client: TestClient) -> None:
    for url in [*PAGES, "/api/v1/doses", "/static/app.css", "/no-such-page"]:
        response = client.get(url)
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "http" not in policy  # no other origin is named
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_scripts_and_no_external_resources(client: TestClient) -> None:
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
    for page in PAGES:
        html = BeautifulSoup(client.get(page).text, "html.parser")
        for script in html.find_all("script"):
            if script.get("src"):
                assert script["src"].startswith("/"), (page, script["src"])
            else:
                assert script.get("type") == "application/json", page
        for tag in html.find_all(["link", "img", "iframe", "source", "audio", "video"]):
            for attr in ("href", "src"):
                if tag.get(attr):
                    assert tag[attr].startswith("/"), (page, tag[attr])
        assert not html.find_all(attrs={"style": True}), page
        assert not html.find_all("style"), page
        for tag in html.find_all(True):
            assert not any(a.startswith("on") for a in tag.attrs), (page, tag.name)


def test_plotly_is_served_locally(client: TestClient) -> None:
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"plotly" in response.content[:2000].lower()


def test_error_pages_show_no_stack_trace(web_settings: WebSettings) -> None:
    app = create_app(web_settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/api/v1/boom")
    def api_boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False, base_url="http://localhost") as client:
        page = client.get("/boom")
        assert page.status_code == 500
        assert "secret internals" not in page.text and "Traceback" not in page.text
        assert "Something went wrong" in page.text
        api = client.get("/api/v1/boom")
        assert api.status_code == 500
        assert api.json() == {"detail": "internal error; nothing was changed"}


def test_request_bodies_are_limited(web_db) -> None:  # type: ignore[no-untyped-def]
    settings = WebSettings(db=str(web_db), max_body_bytes=2048, max_upload_bytes=4096)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        token = csrf_token(client)
        big = client.post("/log/mood", data={"mood": "5", "note": "x" * 5000, "csrf_token": token})
        assert big.status_code == 413
        upload = client.post(
            "/import",
            data={"csrf_token": token},
            files={"file": ("big.csv", b"a" * 10000, "text/csv")},
        )
        assert upload.status_code == 413
        assert client.get("/api/v1/moods").json() == []


def test_lan_token_is_required_then_kept_in_a_cookie(web_db) -> None:  # type: ignore[no-untyped-def]
    settings = WebSettings(db=str(web_db), access_token="s3cret-token-value")
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        refused = client.get("/")
        assert refused.status_code == 403
        assert "Access link needed" in refused.text
        assert client.get("/api/v1/doses").status_code == 403
        assert client.get("/static/app.css").status_code == 403
        assert client.get("/?token=wrong").status_code == 403
        entered = client.get("/sleep?token=s3cret-token-value&nights=7", follow_redirects=False)
        assert entered.status_code == 303
        assert entered.headers["location"] == "/sleep?nights=7"
        assert "HttpOnly" in entered.headers["set-cookie"]
        assert client.get("/").status_code == 200
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as api_client:
        bearer = api_client.get(
            "/api/v1/doses", headers={"authorization": "Bearer s3cret-token-value"}
        )
        assert bearer.status_code == 200


@pytest.mark.parametrize("page", ["/", "/sleep", "/history"])
def test_forms_work_without_javascript(client: TestClient, page: str) -> None:
    """Every form posts to a real URL with a real method: no script is needed to submit."""
    html = BeautifulSoup(client.get(page).text, "html.parser")
    for form in html.find_all("form"):
        assert form.get("action", "").startswith("/")
        assert form.get("method", "get").lower() in {"get", "post"}
        assert form.find(["button", "input"], attrs={"type": re.compile("submit")})


def test_requests_for_other_host_names_are_refused(client: TestClient) -> None:
    """A page of another site whose name resolves to 127.0.0.1 cannot read the journal."""
    assert client.get("/", headers={"host": "attacker.example:8000"}).status_code == 400
    assert client.get("/api/v1/doses", headers={"host": "evil.test"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200


def test_there_is_no_page_that_loads_scripts_from_a_cdn(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 404
    assert client.get("/docs").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200
