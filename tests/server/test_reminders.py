"""Study reminders as a calendar feed: parsed, matched to the randomized schedule across DST.

What is tested: a participant joins a study whose schedule runs across the end of
summer time in Europe/Berlin; their feed (icalendar parses it) has an evening
check-in on every scheduled day and a morning diary the morning after, at the same
local times on both sides of the change (so the UTC instants move by an hour), each
evening naming that day's randomized condition by its letter; no text in the feed
names kratom, the study or its conditions. A changed time zone is noticed and the
feed drawn again by a job from the queue (queued once); withdrawal empties the feed;
a wrong or altered link finds nothing; a raw SELECT as the app role shows a person
their own feed only. Through two app processes: the Study page shows
the reminders and makes the link, which a calendar fetches without signing in.
What is NOT tested: a real phone's calendar app subscribing to the link.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from icalendar import Calendar

from kratom_journal.services import experiments, settings
from kratom_journal.services.clock import FixedClock
from kratom_journal.services.server import jobs, reminders, studies
from kratom_journal.services.server.protocols import protocol_from_form
from kratom_journal.store.server.schema import ServerDatabase, open_server_database
from kratom_journal.store.tenancy import acting_as
from tests.pg_server import PostgresServer
from tests.server.client import Browser
from tests.server.conftest import ServerUrls, new_server
from tests.server.people import PASSWORD, new_person

pytestmark = pytest.mark.postgres

BERLIN = ZoneInfo("Europe/Berlin")
JOINED = FixedClock(datetime(2026, 10, 10, 12, 0, tzinfo=BERLIN))
"""Eight weeks from 11 October 2026: summer time ends on 25 October."""
PROTOCOL = {
    "title": "Kratom and sleep",
    "condition_a": "Red Bali kratom 3 g at 20:00",
    "condition_b": "no kratom",
    "comparison": "kratom_vs_none",
    "design": "block",
    "block_days": "7",
    "washout_days": "3",
    "weeks": "8",
    "outcome": "tst_min",
    "questionnaires": "",
    "eligibility": "yes: Are you 18 or older?",
    "consent_text": "I agree to share my sleep diary and doses for 8 weeks.",
}


@pytest.fixture(scope="module")
def urls(postgres_server: PostgresServer, server_template: str) -> ServerUrls:
    """A server database of this module's own (no app process takes its jobs)."""
    return new_server(postgres_server, server_template)


@pytest.fixture(scope="module")
def db(urls: ServerUrls) -> Iterator[ServerDatabase]:
    found = open_server_database(urls.app)
    yield found
    found.close()


def open_study(db: ServerDatabase, values: dict[str, str] = PROTOCOL) -> tuple[str, str]:
    researcher = new_person(db, "res", role="researcher")
    study = studies.create_study(db, researcher.id, protocol_from_form(values), JOINED)
    opened = studies.open_study(db, researcher.id, study.id, JOINED)
    code = studies.study_invite(db, researcher.id, study.id, 50, 30, JOINED)
    assert opened.protocol_hash
    return code, opened.protocol_hash


def join(db: ServerDatabase, code: str, digest: str, name: str) -> uuid.UUID:
    joined = studies.join_study(
        db,
        code,
        {0: True},
        digest,
        timezone="Europe/Berlin",
        username=f"{name}-{uuid.uuid4().hex[:6]}",
        password=PASSWORD,
        clock=JOINED,
    )
    with acting_as(joined.account_id):
        settings.set_setting(db.journal, "usual-bedtime", "23:30")
        settings.set_setting(db.journal, "usual-rise-time", "07:00")
    return joined.account_id


def events(text: str) -> list[tuple[str, datetime, str]]:
    calendar = Calendar.from_ical(text)
    return [
        (str(e["SUMMARY"]), e.decoded("DTSTART"), str(e["DESCRIPTION"]))
        for e in calendar.walk("VEVENT")
    ]


def run_jobs(db: ServerDatabase, clock: FixedClock) -> int:
    count = 0
    while jobs.run_one(db, clock):
        count += 1
    return count


def test_the_feed_follows_the_randomized_schedule_across_a_dst_change(db: ServerDatabase) -> None:
    code, digest = open_study(db)
    owner = join(db, code, digest, "cal")
    with acting_as(owner):
        schedule = experiments.current_experiment(db.journal).schedule
    assert schedule is not None
    days = {d.day: d for d in schedule.days}
    assert min(days) == date(2026, 10, 11) and max(days) >= date(2026, 11, 1)

    token = reminders.new_feed_link(db, owner, JOINED)
    text = reminders.feed_text(db, token, JOINED)
    assert text is not None
    found = events(text)
    assert len(found) == 2 * len(days)
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Berlin" in text
    evenings = {at.date(): (at, note) for summary, at, note in found if "evening" in summary}
    mornings = {at.date(): at for summary, at, _ in found if "morning" in summary}
    assert set(evenings) == set(days)
    assert set(mornings) == {d + timedelta(days=1) for d in days}
    for day, (at, note) in evenings.items():
        assert at.tzinfo is not None and at.astimezone(BERLIN).time() == time(22, 30)
        assert f"condition {days[day].condition}" in note  # the day's randomized condition
        assert ("washout" in note) == days[day].washout
    for at in mornings.values():
        assert at.astimezone(BERLIN).time() == time(7, 30)
    # The local time holds on both sides of the change; the instant moves by an hour.
    assert evenings[date(2026, 10, 24)][0].astimezone(UTC).time() == time(20, 30)
    assert evenings[date(2026, 10, 25)][0].astimezone(UTC).time() == time(21, 30)
    assert {summary for summary, _, _ in found} == {
        "Study: evening check-in",
        "Study: morning diary",
    }
    lowered = text.lower()
    for word in ("kratom", "red bali", PROTOCOL["title"].lower(), "sleep journal"):
        assert word not in lowered


def test_a_changed_zone_redraws_the_feed_from_the_queue_and_withdrawal_empties_it(
    db: ServerDatabase,
) -> None:
    code, digest = open_study(db)
    owner = join(db, code, digest, "zone")
    token = reminders.new_feed_link(db, owner, JOINED)
    later = FixedClock(datetime(2026, 10, 20, 9, 0, tzinfo=BERLIN))
    assert not reminders.refresh_if_changed(db, owner, later)  # nothing changed yet

    with acting_as(owner):
        settings.set_setting(db.journal, "timezone", "America/New_York")
    assert reminders.refresh_if_changed(db, owner, later)
    assert not reminders.refresh_if_changed(db, owner, later)  # queued once
    before = reminders.feed_text(db, token, later)
    assert before is not None and "TZID:Europe/Berlin" in before  # served until redrawn
    assert run_jobs(db, later) >= 1
    after = reminders.feed_text(db, token, later)
    assert after is not None and "TZID:America/New_York" in after
    new_york = ZoneInfo("America/New_York")
    for summary, at, _ in events(after):
        expected = time(22, 30) if "evening" in summary else time(7, 30)
        assert at.astimezone(new_york).time() == expected

    studies.withdraw(db, owner, False, later)
    run_jobs(db, later)
    emptied = reminders.feed_text(db, token, later)
    assert emptied is not None and events(emptied) == []

    other = join(db, code, digest, "gone")
    gone_token = reminders.new_feed_link(db, other, JOINED)
    studies.withdraw(db, other, True, later)  # with the data deleted: empty at once
    emptied = reminders.feed_text(db, gone_token, later)
    assert emptied is not None and events(emptied) == []


def test_a_wrong_or_replaced_link_finds_nothing(db: ServerDatabase) -> None:
    code, digest = open_study(db)
    owner = join(db, code, digest, "link")
    token = reminders.new_feed_link(db, owner, JOINED)
    assert reminders.feed_text(db, token[:-1] + ("A" if token[-1] != "A" else "B"), JOINED) is None
    someone = new_person(db, "someone")
    assert reminders.feed_text(db, someone.id.hex + token[32:], JOINED) is None
    assert reminders.feed_text(db, "x" * 40, JOINED) is None
    newer = reminders.new_feed_link(db, owner, JOINED)
    assert reminders.feed_text(db, token, JOINED) is None
    assert reminders.feed_text(db, newer, JOINED) is not None
    reminders.stop_feed(db, owner)
    assert reminders.feed_text(db, newer, JOINED) is None


def test_a_raw_select_shows_only_ones_own_feed(db: ServerDatabase, urls: ServerUrls) -> None:
    code, digest = open_study(db)
    owners = [join(db, code, digest, name) for name in ("raw-a", "raw-b")]
    for owner in owners:
        reminders.new_feed_link(db, owner, JOINED)
    dsn = urls.app.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        for owner in owners:
            with conn.transaction():
                conn.execute("SELECT set_config('app.user_id', %s, true)", (str(owner),))
                seen = {row[0] for row in conn.execute("SELECT owner_id FROM reminder_feeds")}
                assert seen == {owner}
        with conn.transaction():
            assert conn.execute("SELECT count(*) FROM reminder_feeds").fetchone() == (0,)


def test_the_study_page_shows_reminders_and_a_calendar_fetches_the_link(
    server_db: ServerDatabase, apps: list
) -> None:  # type: ignore[type-arg]
    today = FixedClock(datetime.now(UTC))
    researcher = new_person(server_db, "res", role="researcher")
    study = studies.create_study(server_db, researcher.id, protocol_from_form(PROTOCOL), today)
    opened = studies.open_study(server_db, researcher.id, study.id, today)
    code = studies.study_invite(server_db, researcher.id, study.id, 5, 30, today)
    phone = Browser([a.base for a in apps])
    joined = phone.post_form(
        "/join",
        {
            "q0": "yes",
            "consent": "yes",
            "code": code,
            "protocol_hash": opened.protocol_hash,
            "username": f"phone-{uuid.uuid4().hex[:6]}",
            "password": PASSWORD,
            "timezone": "Europe/Berlin",
        },
        page=f"/join?code={code}",
    )
    assert "You joined the study" in joined.text
    page = phone.get("/study").text
    assert "Reminders" in page and "Study: evening check-in" in page
    made = phone.post_form("/study/reminders", {"action": "new"}, page="/study")
    assert made.status_code == 200
    url = re.search(r"(http://[^\s<\"]+/calendar/[^\s<\"]+\.ics)", made.text).group(1)  # type: ignore[union-attr]
    fetched = httpx.get(url, timeout=30)  # a calendar app: no cookies
    assert fetched.status_code == 200
    assert fetched.headers["content-type"].startswith("text/calendar")
    assert len(events(fetched.text)) == 2 * 56
    assert httpx.get(url.replace(".ics", "x.ics"), timeout=30).status_code == 404
    assert "Stop the calendar link" in phone.get("/study").text
    phone.close()
