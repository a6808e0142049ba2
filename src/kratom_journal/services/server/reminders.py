"""Study reminders without a push service: a calendar feed per participant, and their page.

Each day of a participant's schedule has two reminders at their own local times: the
evening check-in (the day's assignment, an hour before their usual bedtime) and the
next morning's sleep diary (half an hour after their usual rise time). A phone's
calendar subscribes to the feed (RFC 5545) and shows the reminders on its lock screen,
so the text is neutral — "Study: evening check-in" — and never names the study, its
conditions or any substance: the day's condition is given by its letter only.

The feed is stored and drawn again by a job on the queue when what it was drawn from
changes (the schedule and its state, the time zone, the usual bed and rise times).
A change is looked for when the participant opens their study page, when their
calendar fetches the feed, and at withdrawal (the feed then empties).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.experiments import Schedule
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.server.jobs import handler
from kratom_journal.services.settings import read_settings
from kratom_journal.store.server import accounts as account_store
from kratom_journal.store.server import jobs as job_store
from kratom_journal.store.server import reminders as store
from kratom_journal.store.server import studies as study_store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as, as_nobody

REMINDER_FEED = "reminder-feed"
EVENING_SUMMARY = "Study: evening check-in"
MORNING_SUMMARY = "Study: morning diary"
CALENDAR_NAME = "Study reminders"
DEFAULT_EVENING, DEFAULT_MORNING = time(21, 0), time(8, 0)
EVENING_BEFORE_BED = timedelta(hours=1)
MORNING_AFTER_RISE = timedelta(minutes=30)
REFRESH = timedelta(hours=6)
"""How often calendar apps are asked to fetch the feed again."""


@dataclass(frozen=True, slots=True)
class Reminder:
    kind: str
    """``evening`` or ``morning``."""
    at: datetime
    """Aware, on the participant's local clock."""
    day: date
    """The schedule day it belongs to (a morning reminder is the day after)."""
    summary: str
    description: str


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """A participant's reminders and what they were drawn from."""

    active: bool
    zone: ZoneInfo
    evening: time
    morning: time
    reminders: tuple[Reminder, ...]
    source_hash: str

    def upcoming(self, now: datetime, count: int = 3) -> list[Reminder]:
        return [r for r in self.reminders if r.at >= now][:count]


def _shift(clock_time: time, by: timedelta) -> time:
    return (datetime.combine(date(2000, 1, 1), clock_time) + by).time()


def reminder_times(bedtime: str | None, rise_time: str | None) -> tuple[time, time]:
    """The evening and morning reminder times from the usual bed and rise times (``HH:MM``).

    >>> reminder_times("23:30", "07:00")
    (datetime.time(22, 30), datetime.time(7, 30))
    >>> reminder_times("01:00", None)  # bed after midnight: the evening reminder stays at 23:00
    (datetime.time(23, 0), datetime.time(8, 0))
    >>> reminder_times(None, None)
    (datetime.time(21, 0), datetime.time(8, 0))
    """
    evening, morning = DEFAULT_EVENING, DEFAULT_MORNING
    if bedtime:
        bed = time.fromisoformat(bedtime)
        if bed.hour >= 19:
            evening = _shift(bed, -EVENING_BEFORE_BED)
        elif bed.hour < 4:
            evening = time(23, 0)
    if rise_time:
        rise = time.fromisoformat(rise_time)
        if 3 <= rise.hour < 14:
            morning = _shift(rise, MORNING_AFTER_RISE)
    return evening, morning


def reminders_for(
    schedule: Schedule, zone: ZoneInfo, evening: time, morning: time
) -> list[Reminder]:
    """Two reminders per scheduled day, on the local clock of ``zone`` (DST included)."""
    out: list[Reminder] = []
    total = len(schedule.days)
    for number, scheduled in enumerate(schedule.days, start=1):
        washout = " (a washout day)" if scheduled.washout else ""
        out.append(
            Reminder(
                "evening",
                datetime.combine(scheduled.day, evening, tzinfo=zone),
                scheduled.day,
                EVENING_SUMMARY,
                f"Day {number} of {total}: condition {scheduled.condition}{washout}. "
                "Log how the day went on your study page.",
            )
        )
        out.append(
            Reminder(
                "morning",
                datetime.combine(scheduled.day + timedelta(days=1), morning, tzinfo=zone),
                scheduled.day,
                MORNING_SUMMARY,
                f"Log last night's sleep (day {number} of {total}).",
            )
        )
    return out


def render_feed(plan: ReminderPlan, owner_id: uuid.UUID, now: datetime) -> str:
    """The feed's iCalendar text: one event with a display alarm per reminder."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//{CALENDAR_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-timezone", plan.zone.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for reminder in plan.reminders:
        event = Event()
        key = f"{owner_id}:{reminder.day.isoformat()}:{reminder.kind}"
        event.add("uid", hashlib.sha256(key.encode()).hexdigest()[:32] + "@study-reminders")
        event.add("dtstamp", now)
        event.add("dtstart", reminder.at)
        event.add("duration", timedelta(minutes=15))
        event.add("summary", reminder.summary)
        event.add("description", reminder.description)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder.summary)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode("utf-8"))


def _schedule(db: ServerDatabase) -> tuple[Schedule | None, str | None]:
    try:
        stored = experiment_service.current_experiment(db.journal)
    except AnalysisError:
        return None, None
    return stored.schedule, stored.frozen_hash


def participant_plan(db: ServerDatabase, owner_id: uuid.UUID) -> ReminderPlan:
    """The participant's reminders now (none unless they take part and their schedule runs)."""
    with acting_as(owner_id):
        with db.session() as session:
            row = study_store.participation_of(session, owner_id)
            active = row is not None and row.status == "active"
        schedule, frozen = _schedule(db) if active else (None, None)
        settings = read_settings(db.journal)
    evening, morning = reminder_times(settings.usual_bedtime, settings.usual_rise_time)
    zone = settings.zone
    reminders = reminders_for(schedule, zone, evening, morning) if schedule else []
    source = json.dumps([active, frozen, zone.key, evening.isoformat(), morning.isoformat()])
    return ReminderPlan(
        active and schedule is not None,
        zone,
        evening,
        morning,
        tuple(reminders),
        hashlib.sha256(source.encode()).hexdigest(),
    )


# --- the feed -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedState:
    exists: bool
    created_at: datetime | None
    generated_at: datetime | None


def feed_state(db: ServerDatabase, owner_id: uuid.UUID) -> FeedState:
    with acting_as(owner_id), db.session() as session:
        row = store.feed_of(session, owner_id)
        if row is None:
            return FeedState(False, None, None)
        return FeedState(True, row.created_at, row.generated_at)


def new_feed_link(db: ServerDatabase, owner_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK) -> str:
    """A new secret feed token for the participant (an earlier link stops working)."""
    token = owner_id.hex + secrets.token_urlsafe(24)
    plan = participant_plan(db, owner_id)
    now = clock.now()
    content = render_feed(plan, owner_id, now)
    with acting_as(owner_id), db.session() as session:
        token_hash = account_store.token_hash(token)
        store.save_feed(session, owner_id, content, plan.source_hash, now, token_hash=token_hash)
    return token


def stop_feed(db: ServerDatabase, owner_id: uuid.UUID) -> None:
    with acting_as(owner_id), db.session() as session:
        store.delete_feed(session, owner_id)


def redraw_now(db: ServerDatabase, owner_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK) -> None:
    """Draw the feed again at once (after withdrawal with the study data deleted, it empties)."""
    plan = participant_plan(db, owner_id)
    with acting_as(owner_id), db.session() as session:
        if store.feed_of(session, owner_id) is not None:
            content = render_feed(plan, owner_id, clock.now())
            store.save_feed(session, owner_id, content, plan.source_hash, clock.now())


def feed_text(db: ServerDatabase, token: str, clock: Clock = SYSTEM_CLOCK) -> str | None:
    """The feed behind a link, or ``None``; a stale feed is served and queued to be redrawn."""
    if not 33 <= len(token) <= 128:
        return None
    try:
        owner_id = uuid.UUID(hex=token[:32])
    except ValueError:
        return None
    with acting_as(owner_id), db.session() as session:
        row = store.feed_of(session, owner_id)
        if row is None or not hmac.compare_digest(row.token_hash, account_store.token_hash(token)):
            return None
        content = row.content
    refresh_if_changed(db, owner_id, clock)
    return content


def refresh_if_changed(
    db: ServerDatabase, owner_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> bool:
    """Queue the feed to be drawn again if its sources changed; ``True`` if queued."""
    plan = participant_plan(db, owner_id)
    with acting_as(owner_id), db.session() as session:
        row = store.feed_of(session, owner_id)
        if row is None or row.source_hash == plan.source_hash:
            return False
    return queue_refresh(db, owner_id, clock)


def queue_refresh(db: ServerDatabase, owner_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK) -> bool:
    """Queue the feed job for the participant unless one is waiting already."""
    with as_nobody(), db.session() as session:
        if job_store.pending(session, REMINDER_FEED, "owner_id", str(owner_id)):
            return False
        job_store.enqueue(
            session, REMINDER_FEED, {"owner_id": str(owner_id)}, owner_id, clock.now()
        )
    return True


@handler(REMINDER_FEED)
def redraw_feed(db: ServerDatabase, payload: dict[str, Any], clock: Clock) -> dict[str, Any]:
    """Draw the participant's feed again if what it shows has changed."""
    owner_id = uuid.UUID(str(payload["owner_id"]))
    plan = participant_plan(db, owner_id)
    with acting_as(owner_id), db.session() as session:
        row = store.feed_of(session, owner_id)
        if row is None or row.source_hash == plan.source_hash:
            return {"redrawn": False}
        now = clock.now()
        store.save_feed(session, owner_id, render_feed(plan, owner_id, now), plan.source_hash, now)
    return {"redrawn": True, "reminders": len(plan.reminders)}
