"""Another person's ids answer 404 on every route, through two app processes.

What is tested: every route of the server app that takes an id in its path, called by
someone else with the owner's ids (entries, questionnaire results, medicines, shares,
patients, studies, accounts), answers 404 and never the data; every page and API
list without an id shows a person none of another person's rows; staff without a
grant see no patient; the requests alternate between the two processes.
What is NOT tested: RLS itself (test_row_security.py), sign-in rules (test_asvs.py).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest

from kratom_journal.server.app import create_server_app
from kratom_journal.server.config import ServerSettings
from kratom_journal.services.server import sharing, studies
from kratom_journal.services.server.protocols import StudyProtocol
from tests.server.client import Browser
from tests.server.people import Person, fill_journal, new_person
from tests.server.totp import sign_in_staff

pytestmark = pytest.mark.postgres

PARAM = re.compile(r"{(\w+)(:\w+)?}")
NOT_PERSON_IDS = {
    # Path parameters that name no one's data: a questionnaire's public id, a page's form,
    # an experiment action on one's own experiment, a setting's name, a file kind, static
    # files, and secrets (reset tokens, invite codes) that are checked by value.
    "instrument_id",
    "form_name",
    "action",
    "key",
    "kind",
    "path",
    "token",
    "code",
}


@dataclass
class World:
    alice: Person
    bob: Person
    clinician: Person
    researcher: Person
    other_researcher: Person
    grant_id: uuid.UUID
    study_id: uuid.UUID


@pytest.fixture(scope="module")
def world(server_db, tmp_path_factory) -> World:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("idor")
    alice = fill_journal(server_db, new_person(server_db, "alice"), folder, crisis=True)
    bob = fill_journal(server_db, new_person(server_db, "bob"), folder)
    clinician = new_person(server_db, "clin", role="clinician")
    researcher = new_person(server_db, "res", role="researcher")
    other = new_person(server_db, "res2", role="researcher")
    grant = sharing.share_with_clinician(server_db, alice.id, clinician.username, ["all"], 30)
    protocol = StudyProtocol(
        title="Strains",
        condition_a="Red",
        condition_b="Green",
        comparison="strain_a_vs_b",
        design="day",
        block_days=1,
        washout_days=0,
        weeks=2,
        outcome="quality",
        consent_text="I agree.",
    )
    study = studies.create_study(server_db, researcher.id, protocol)
    studies.open_study(server_db, researcher.id, study.id)
    return World(alice, bob, clinician, researcher, other, grant.id, study.id)


@pytest.fixture(scope="module")
def routes(server_urls) -> list[tuple[str, str, set[str]]]:  # type: ignore[no-untyped-def]
    app = create_server_app(ServerSettings(database_url=server_urls.app, run_jobs=False))
    found = []
    for path, methods in walk(app.routes):
        names = {m.group(1) for m in PARAM.finditer(path)}
        found.extend((method, path, names) for method in sorted(methods) if method != "HEAD")
    app.state.server_db.close()
    return found


def walk(routes: list[object], prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every (path, methods) under the app's routes, through included routers."""
    found: list[tuple[str, set[str]]] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            found.extend(walk(list(inner.routes), prefix + getattr(context, "prefix", "")))
        elif getattr(route, "methods", None):
            found.append((prefix + route.path, set(route.methods)))  # type: ignore[attr-defined]
    return found


def _fill(path: str, ids: dict[str, str]) -> str:
    return PARAM.sub(lambda m: ids[m.group(1)], path)


def _ids_for(path: str, world: World) -> dict[str, str]:
    alice = world.alice.ids
    kind = {"doses": "dose", "sleep": "sleep", "moods": "mood", "side-effects": "side-effect"}
    entry = alice["mood"]
    for prefix, name in kind.items():
        if path.startswith(f"/api/v1/{prefix}/"):
            entry = alice[name]
    return {
        "entry_id": entry,
        "administration_id": alice["administration"],
        "medicine_id": alice["medicine"],
        "link_id": alice["share-link"],
        "job_id": str(uuid.uuid4()),
        "grant_id": str(world.grant_id),
        "patient_id": str(world.alice.id),
        "account_id": str(world.alice.id),
        "study_id": str(world.study_id),
        "instrument_id": "phq9",
        "form_name": "mood",
        "action": "stop",
        "key": "country",
        "kind": "pooled",
        "path": "app.css",
        "token": "not-a-token",
        "code": "not-a-code",
    }


def _call(browser: Browser, method: str, path: str, page: str) -> int:
    if path.startswith("/api/"):
        body = (
            {"changes": {"mood": "1"}}
            if method == "PATCH"
            else {"value": "US"}
            if method == "PUT"
            else None
        )
        response = browser.request(method, path, json=body)
    elif method == "GET":
        response = browser.get(path)
    else:
        response = browser.post_form(path, {}, page=page)
    text = response.text
    for secret in ("Name of alice", "Red Bali"):
        assert secret not in text, f"{method} {path} leaked {secret!r}"
    return response.status_code


def test_every_route_with_an_id_answers_404_to_someone_else(
    world: World, browser: Browser, routes
) -> None:  # type: ignore[no-untyped-def]
    with_ids = [(m, p, names) for m, p, names in routes if names]
    assert len(with_ids) >= 20
    browser.sign_in(world.bob.username, world.bob.password)
    checked = 0
    for method, path, names in with_ids:
        if names <= NOT_PERSON_IDS:
            continue
        status = _call(browser, method, _fill(path, _ids_for(path, world)), "/")
        assert status == 404, f"bob {method} {path}: {status}"
        checked += 1
    assert checked >= 15


def test_staff_without_a_grant_or_study_see_nothing(
    world: World, browser: Browser, server_db
) -> None:  # type: ignore[no-untyped-def]
    stranger = new_person(server_db, "clin3", role="clinician")
    sign_in_staff(browser, stranger)
    for path in (
        f"/clinic/patients/{world.alice.id}",
        f"/clinic/patients/{world.alice.id}/report.pdf",
        f"/clinic/patients/{world.bob.id}",
    ):
        assert browser.get(path).status_code == 404, path
    browser.post_form("/logout", {}, page="/clinic")
    sign_in_staff(browser, world.other_researcher)
    for path in (
        f"/research/studies/{world.study_id}",
        f"/research/studies/{world.study_id}/files/pooled",
        f"/research/studies/{world.study_id}/monitoring.json",
    ):
        assert browser.get(path).status_code == 404, path
    response = browser.post_form(
        f"/research/studies/{world.study_id}/jobs/pooled", {}, page="/research"
    )
    assert response.status_code == 404


def test_lists_show_only_ones_own_rows(world: World, browser: Browser, routes) -> None:  # type: ignore[no-untyped-def]
    browser.sign_in(world.bob.username, world.bob.password)
    small_integers = ("experiment", "share-link")
    alice_ids = {v for k, v in world.alice.ids.items() if k not in small_integers}
    pages = sorted(
        {
            p
            for m, p, names in routes
            if m == "GET"
            and not names
            and not p.startswith(("/static", "/login", "/reset", "/join", "/vendor"))
        }
    )
    assert "/history" in pages and "/api/v1/doses" in pages
    for path in pages:
        response = browser.get(path)
        assert response.status_code in (200, 303, 404, 409), f"{path}: {response.status_code}"
        for value in alice_ids:
            assert value not in response.text, f"{path} shows alice's {value}"
        assert "Name of alice" not in response.text, path
    own = browser.get("/api/v1/moods").json()
    assert sorted(m["id"] for m in own) == sorted(
        [world.bob.ids["mood"], world.bob.ids["keyed-mood"]]
    )
