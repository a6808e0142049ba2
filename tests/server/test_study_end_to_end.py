"""A study end to end over two app processes: protocol, 20 participants, 8 weeks, pooling.

What is tested: a researcher writes and freezes a protocol and makes an invite code; 20
participants join nine weeks back (10 to log on the server, 10 from local journals
through the share API; joining today on the phone pages and the share API is checked
too), someone ineligible is turned away with nothing kept; each follows their own
randomized schedule for 8 weeks with a true effect that varies between people (total
sleep time, AR(1) day-to-day noise, a few missed nights); the pooled analysis, run as
a background job, recovers the population mean within its interval and the
between-person SD within its interval; each shrunken estimate is pulled towards the
mean by its own precision; monitoring flags a PHQ-9 item-9 answer; the export is pseudonymous; a
participant who withdraws with deletion leaves no row behind and the next analysis
has one person fewer.
What is NOT tested: coverage over many studies (bench/pooled_validation.py).
"""

from __future__ import annotations

import io
import json
import re
import time
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import numpy as np
import psycopg
import pytest

from kratom_journal.domain.entries import SleepDiaryEntry
from kratom_journal.domain.serialize import entry_to_dict
from kratom_journal.instruments.loader import shipped_instrument
from kratom_journal.services import experiments, questionnaires
from kratom_journal.services.clock import FixedClock
from kratom_journal.services.server import studies
from kratom_journal.store.server.rls import journal_tables
from kratom_journal.store.tenancy import acting_as
from tests.server.client import Browser
from tests.server.people import PASSWORD, Person, new_person
from tests.server.totp import sign_in_staff

pytestmark = pytest.mark.postgres

ZONE = ZoneInfo("Europe/Berlin")
TRUE_MEAN, TRUE_SD, NOISE_SD, RHO = 40.0, 20.0, 25.0, 0.3
PROTOCOL = {
    "title": "Red Bali vs Green Malay at night",
    "condition_a": "Red Bali 3 g at 20:00",
    "condition_b": "Green Malay 3 g at 20:00",
    "comparison": "strain_a_vs_b",
    "design": "day",
    "weeks": "8",
    "outcome": "tst_min",
    "questionnaires": "phq9",
    "eligibility": "yes: Are you 18 or older?\nno: Are you pregnant?",
    "consent_text": "I agree to share my sleep diary, doses and questionnaires for 8 weeks.",
}


@dataclass
class Participant:
    account: uuid.UUID
    effect: float
    token: str | None = None


def night_entry(night: date, tst: float) -> SleepDiaryEntry:
    bed = datetime.combine(night, clock_time(22, 30), tzinfo=ZONE)
    tried = bed + timedelta(minutes=10)
    sol, waso = 15, 20
    wake = tried + timedelta(minutes=sol + waso + round(tst))
    return SleepDiaryEntry(
        night=night,
        bed_at=bed,
        tried_at=tried,
        sol_min=sol,
        awakenings=1,
        waso_min=waso,
        final_wake_at=wake,
        out_of_bed_at=wake + timedelta(minutes=10),
        quality=3,
    )


def simulate(
    schedule: experiments.Schedule, effect: float, rng: np.random.Generator
) -> dict[date, float]:
    base = rng.normal(400, 30)
    noise = 0.0
    nights = {}
    for day in schedule.days:
        noise = RHO * noise + rng.normal(0, NOISE_SD * np.sqrt(1 - RHO**2))
        if rng.random() < 0.05:
            continue  # a missed night
        nights[day.day] = base + effect * (day.condition == "A") + noise
    return nights


def owner_rows(server_urls, owner: uuid.UUID) -> int:  # type: ignore[no-untyped-def]
    dsn = server_urls.owner.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        conn.execute("SET app.maintenance = 'on'")
        return sum(
            conn.execute(
                f'SELECT count(*) FROM "{t.name}" WHERE owner_id = %s', (owner,)
            ).fetchone()[0]
            for t in journal_tables()
            if t.name not in ("journal_changes", "settings")
        )


def wait_for_pooled(browser: Browser, study: str) -> dict:  # type: ignore[type-arg]
    """The pooled analysis the app processes' job threads produce."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        response = browser.get(f"/research/studies/{study}/files/pooled")
        if response.status_code == 200:
            body = json.loads(response.content)
            if body["result"]:
                return body  # type: ignore[no-any-return]
        time.sleep(1)
    raise AssertionError("the pooled analysis did not finish within 3 minutes")


def test_a_study_from_protocol_to_pooled_analysis(server_db, apps, server_urls) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(20240601)
    researcher = new_person(server_db, "res", role="researcher")
    staff = Browser([a.base for a in apps])
    sign_in_staff(staff, researcher)
    created = staff.post_form("/research/studies", PROTOCOL, page="/research")
    assert created.status_code == 303
    study = created.headers["location"].rsplit("/", 1)[1]
    assert (
        staff.post_form(f"/research/studies/{study}/open", {}, page="/research").status_code == 303
    )
    page = staff.get(f"/research/studies/{study}").text
    protocol_hash = re.search(r"SHA-256 <code>([0-9a-f]{64})</code>", page).group(1)  # type: ignore[union-attr]
    invite = staff.post_form(
        f"/research/studies/{study}/invites", {"uses": "25", "days": "30"}, page="/research"
    )
    code = re.search(r"Invite code: ([a-z0-9-]+)", invite.text).group(1)  # type: ignore[union-attr]

    phone = Browser([a.base for a in apps])
    answers = {
        "q0": "yes",
        "q1": "yes",
        "consent": "yes",
        "code": code,
        "protocol_hash": protocol_hash,
        "username": "not-eligible-1",
        "password": PASSWORD,
        "timezone": "Europe/Berlin",
    }
    turned_away = phone.post_form("/join", answers, page=f"/join?code={code}")
    assert "not a fit for you" in turned_away.text

    # Two join as participants do today (the server's phone pages; a local journal's
    # share API); the 20 who are followed joined nine weeks ago (the same service, with
    # the clock of that day), so that their eight weeks of nights lie in the past.
    phone = Browser([apps[0].base])
    joined = phone.post_form(
        "/join",
        {**answers, "q1": "no", "username": f"today-{study[:6]}"},
        page=f"/join?code={code}",
    )
    assert "You joined the study" in joined.text, joined.text[:400]
    assert "Condition" in phone.get("/study").text or "not started" in phone.get("/study").text
    phone.close()
    api = Browser([a.base for a in apps])
    body = {
        "code": code,
        "answers": [True, False],
        "consent_hash": protocol_hash,
        "timezone": "Europe/Berlin",
    }
    assert api.api("POST", "/api/v1/share/join", json=body).json()["token"]
    assert api.api("GET", "/api/v1/share/invites/" + code).json()["kind"] == "study"

    back_then = FixedClock(datetime.now(ZONE) - timedelta(weeks=9))
    people: list[Participant] = []
    effects = rng.normal(TRUE_MEAN, TRUE_SD, 20)
    for i in range(20):  # the first ten log on the server, the others from local journals
        on_server = i < 10
        found = studies.join_study(
            server_db,
            code,
            {0: True, 1: False},
            protocol_hash,
            timezone="Europe/Berlin",
            username=f"part-{study[:6]}-{i}" if on_server else None,
            password=PASSWORD if on_server else None,
            clock=back_then,
        )
        people.append(Participant(found.account_id, effects[i], found.sync_token))

    for index, person in enumerate(people):
        with acting_as(person.account):
            schedule = experiments.current_experiment(server_db.journal).schedule
        nights = simulate(schedule, person.effect, rng)
        adherence = {d.day: bool(rng.random() < 0.9) for d in schedule.days}
        if person.token is None:
            with acting_as(person.account):
                for night, tst in nights.items():
                    server_db.journal.entries.add(night_entry(night, tst))
                for day, followed in adherence.items():
                    experiments.log_adherence(server_db.journal, day, followed)
                if index == 3:
                    crisis = {str(i): 1 for i in range(1, 9)} | {"9": 1}
                    questionnaires.record_administration(
                        server_db.journal, shipped_instrument("phq9"), crisis
                    )
        else:
            entries = [
                {
                    "id": uuid.uuid4().hex,
                    "version": 1,
                    "created_at": datetime.now(ZONE).isoformat(),
                    "updated_at": datetime.now(ZONE).isoformat(),
                    "deleted_at": None,
                    "data": entry_to_dict(night_entry(night, tst)),
                }
                for night, tst in nights.items()
            ]
            bundle = {
                "format": "kratom-journal-share",
                "format_version": 1,
                "entries": entries,
                "questionnaires": [],
                "adherence": [{"day": d.isoformat(), "followed": f} for d, f in adherence.items()],
            }
            pushed = api.api(
                "POST",
                "/api/v1/share/sync",
                json=bundle,
                headers={"authorization": f"Bearer {person.token}"},
            )
            assert pushed.status_code == 200 and pushed.json()["added"] == len(entries) + len(
                adherence
            ), pushed.text
            again = api.api(
                "POST",
                "/api/v1/share/sync",
                json=bundle,
                headers={"authorization": f"Bearer {person.token}"},
            )
            assert again.json()["unchanged"] >= len(entries)  # each entry once

    monitoring = staff.get(f"/research/studies/{study}/monitoring.json").json()
    assert monitoring["enrolled"] == 22 and monitoring["flagged"] == 1

    assert (
        staff.post_form(f"/research/studies/{study}/jobs/pooled", {}, page="/research").status_code
        == 303
    )
    pooled = wait_for_pooled(staff, study)["result"]
    assert pooled["k"] == 20
    low, high = pooled["mean_ci"]
    assert low < TRUE_MEAN < high, pooled["mean_ci"]
    tau_low, tau_high = pooled["tau_ci"]
    assert tau_low < TRUE_SD < tau_high, pooled["tau_ci"]
    assert abs(pooled["tau"] - TRUE_SD) < 12
    by_label = {p["label"]: p for p in pooled["people"]}
    # Each person's shrunken estimate is mu + B (own - mu), B = tau^2 / (tau^2 + s^2): pulled
    # towards the mean, the less the more precise their own trial. (That this lowers the
    # error against the true effects holds on average, not in every study: the bench
    # measures it over hundreds of studies.)
    truth = _effects_by_label(server_db, researcher, study, people)
    for person, effect in zip(pooled["people"], truth, strict=True):
        factor = pooled["tau2"] / (pooled["tau2"] + person["std_error"] ** 2)
        expected = pooled["mean"] + factor * (person["estimate"] - pooled["mean"])
        assert person["shrunken"] == pytest.approx(expected, abs=1e-6)
        assert abs(person["estimate"] - effect) < 4 * person["std_error"]
    spread_own = np.std([p["estimate"] for p in pooled["people"]])
    spread_shrunken = np.std([p["shrunken"] for p in pooled["people"]])
    assert spread_shrunken < spread_own
    assert len(by_label) == 20

    assert (
        staff.post_form(f"/research/studies/{study}/jobs/export", {}, page="/research").status_code
        == 303
    )
    archive = _wait_for_export(staff, study)
    names = set(archive.namelist())
    assert {"protocol.json", "participants.csv", "days.csv", "days.parquet", "pooled.json"} <= names
    assert json.loads(archive.read("protocol.json"))["protocol_hash"] == protocol_hash
    days = archive.read("days.csv").decode()
    assert f"part-{study[:6]}" not in days and "Europe/Berlin" not in days
    assert len(days.splitlines()) > 20 * 50

    leaver = people[0]
    phone = Browser([apps[1].base])
    phone.sign_in(f"part-{study[:6]}-0", PASSWORD)
    assert owner_rows(server_urls, leaver.account) > 50
    withdrawn = phone.post_form("/study/withdraw", {"delete": "yes"}, page="/study")
    assert "deleted" in withdrawn.text
    assert owner_rows(server_urls, leaver.account) == 0
    monitoring = staff.get(f"/research/studies/{study}/monitoring.json").json()
    assert monitoring["withdrawn"] == 1
    assert (
        staff.post_form(f"/research/studies/{study}/jobs/pooled", {}, page="/research").status_code
        == 303
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        response = staff.get(f"/research/studies/{study}/files/pooled")
        if (
            response.status_code == 200
            and (json.loads(response.content)["result"] or {}).get("k") == 19
        ):
            break
        time.sleep(1)
    else:
        raise AssertionError("the analysis after the withdrawal did not leave the participant out")
    for browser in (staff, phone, api):
        browser.close()


def _effects_by_label(
    server_db, researcher: Person, study: str, people: list[Participant]
) -> list[float]:  # type: ignore[no-untyped-def]
    from kratom_journal.store.server import studies as store

    with acting_as(researcher.id), server_db.session() as session:
        pseudonyms = {
            row.owner_id: row.pseudonym for row in store.participations(session, uuid.UUID(study))
        }
    truth = {pseudonyms[p.account]: p.effect for p in people}
    with acting_as(researcher.id), server_db.session() as session:
        pooled = json.loads(store.latest_file(session, uuid.UUID(study), "pooled").content)  # type: ignore[union-attr]
    return [truth[p["label"]] for p in pooled["result"]["people"]]


def _wait_for_export(browser: Browser, study: str) -> zipfile.ZipFile:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        response = browser.get(f"/research/studies/{study}/files/export")
        if response.status_code == 200:
            return zipfile.ZipFile(io.BytesIO(response.content))
        time.sleep(1)
    raise AssertionError("the export did not finish within 2 minutes")
