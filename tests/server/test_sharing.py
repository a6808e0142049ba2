"""Sharing with a clinician over HTTP: grant, the clinician's view, revoking at once.

What is tested: an admin sets the clinic's crisis policy and creates a clinician through
a one-time link; a person shares chosen areas; the clinician's patient list flags a
PHQ-9 item-9 answer above 0 with the clinic's policy; the patient's page and report
show only what is shared; every view is audited and shown to the patient; a revoked
grant blocks the clinician's very next request, in the other app process.
What is NOT tested: the database policies themselves (test_row_security.py).
"""

from __future__ import annotations

import re

import pytest

from kratom_journal.services.server import accounts
from tests.server.client import Browser
from tests.server.people import PASSWORD, Person, fill_journal, new_person
from tests.server.totp import sign_in_staff

pytestmark = pytest.mark.postgres

POLICY = "Flagged answers are phoned back by the duty psychiatrist within four working hours."


def test_share_view_and_revoke(server_db, apps, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first, second = (Browser([a.base]) for a in apps)
    admin = new_person(server_db, "admin", role="admin")
    sign_in_staff(first, admin)
    saved = first.post_form(
        "/admin/clinic",
        {"name": "Test clinic", "crisis_policy": POLICY, "timezone": "Europe/Berlin"},
        page="/admin",
    )
    assert saved.status_code == 303
    username = f"drlee-{admin.username[-8:]}"
    created = first.post_form(
        "/admin/accounts",
        {"username": username, "display_name": "Dr Lee", "role": "clinician"},
        page="/admin",
    )
    link = re.search(r"/reset/([\w-]+)", created.text)
    assert created.status_code == 200 and link
    set_password = second.post_form(
        f"/reset/{link.group(1)}", {"password": PASSWORD}, page=f"/reset/{link.group(1)}"
    )
    assert set_password.status_code == 200
    clinician = Person(accounts.find_by_username(server_db, username).id, username)

    alice = fill_journal(server_db, new_person(server_db, "alice"), tmp_path, crisis=True)
    first.cookies.clear()
    first.sign_in(alice.username, alice.password)
    shared = first.post_form(
        "/sharing",
        {"clinician": username, "areas": ["sleep", "questionnaires", "profile"], "days": "30"},
        page="/sharing",
    )
    assert shared.status_code == 303

    second.cookies.clear()
    sign_in_staff(second, clinician)
    patients = second.get("/clinic")
    assert f"/clinic/patients/{alice.id}" in patients.text
    assert "PHQ-9 item 9 above 0" in patients.text and POLICY in patients.text
    assert "never contacts anyone" in patients.text
    page = second.get(f"/clinic/patients/{alice.id}")
    assert page.status_code == 200 and "Sleep diary, by week" in page.text
    assert "Red Bali" not in page.text  # doses are not shared
    report = second.get(f"/clinic/patients/{alice.id}/report.pdf")
    assert report.status_code == 200 and report.headers["content-type"] == "application/pdf"

    sharing_page = first.get("/sharing")
    assert "viewed-patient" in sharing_page.text and "viewed-report" in sharing_page.text
    grant = re.search(r"/sharing/([0-9a-f-]{36})/revoke", sharing_page.text)
    assert grant
    assert (
        first.post_form(f"/sharing/{grant.group(1)}/revoke", {}, page="/sharing").status_code == 303
    )

    # The clinician's next request, answered by the other process: nothing.
    assert second.get(f"/clinic/patients/{alice.id}").status_code == 404
    assert second.get(f"/clinic/patients/{alice.id}/report.pdf").status_code == 404
    assert f"/clinic/patients/{alice.id}" not in second.get("/clinic").text

    first.cookies.clear()
    sign_in_staff(first, admin)
    audit = first.get("/admin/audit").text
    for action in ("grant-given", "viewed-patient", "viewed-report", "grant-revoked", "sign-in"):
        assert action in audit
    for browser in (first, second):
        browser.close()
