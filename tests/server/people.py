"""Accounts and journals for the server tests: a person with one of every kind of row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kratom_journal.analysis.choices import Comparison, Design
from kratom_journal.analysis.experiments import ExperimentPlan
from kratom_journal.demo import synthetic
from kratom_journal.domain.entries import (
    Dose,
    MoodCheckin,
    SideEffect,
    SleepDiaryEntry,
    Symptom,
    Unit,
)
from kratom_journal.instruments.loader import shipped_instrument
from kratom_journal.services import entries, experiments, imports, questionnaires, safety
from kratom_journal.services.server import accounts
from kratom_journal.store import share_links
from kratom_journal.store.analysis_cache import save_payload
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as
from kratom_journal.store.wearable_runs import save_profile

PASSWORD = "correct horse battery staple"


@dataclass
class Person:
    id: uuid.UUID
    username: str
    password: str = PASSWORD
    ids: dict[str, str] = field(default_factory=dict)


def new_person(db: ServerDatabase, prefix: str, role: str = "person") -> Person:
    username = f"{prefix}-{uuid.uuid4().hex[:8]}"
    account = accounts.create_account(
        db, username, prefix.title(), role, PASSWORD, timezone="Europe/Berlin"
    )
    return Person(account.id, username)


def fill_journal(db: ServerDatabase, person: Person, folder: Path, crisis: bool = False) -> Person:
    """One row in every journal table, written as the person through the services."""
    at = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)
    with acting_as(person.id):
        journal = db.journal
        person.ids["dose"] = journal.entries.add(
            Dose(taken_at=at, amount=3.0, unit=Unit.G, strain="Red Bali")
        ).id
        person.ids["mood"] = journal.entries.add(MoodCheckin(at=at, mood=6, anxiety=3)).id
        person.ids["keyed-mood"] = entries.log_mood(  # a row in the idempotency keys too
            journal, 5, at="2024-05-01T21:00:00+00:00", key=f"fill-{person.username}"
        ).id
        person.ids["side-effect"] = journal.entries.add(
            SideEffect(at=at, symptom=Symptom.NAUSEA, severity=1)
        ).id
        night = SleepDiaryEntry(
            night=date(2024, 5, 1),
            bed_at=at + timedelta(hours=2),
            tried_at=at + timedelta(hours=2, minutes=10),
            sol_min=15,
            awakenings=1,
            waso_min=10,
            final_wake_at=at + timedelta(hours=10),
            out_of_bed_at=at + timedelta(hours=10, minutes=15),
            quality=3,
        )
        person.ids["sleep"] = journal.entries.add(night).id
        answers: dict[str, int | None] = {str(i): 1 for i in range(1, 9)}
        answers["9"] = 1 if crisis else 0
        administration = questionnaires.record_administration(
            journal,
            shipped_instrument("phq9"),
            answers,
            at=datetime.now(UTC) - timedelta(days=1),
            zone="Europe/Berlin",
        )
        person.ids["administration"] = administration.id
        person.ids["medicine"] = safety.declare_medicine(journal, "sertraline", True).id
        plan = ExperimentPlan(
            "Red Bali",
            "Green Malay",
            "quality",
            Comparison.STRAIN,
            Design.DAY,
            6,
            date(2024, 6, 1),
            1,
        )
        experiments.plan_experiment(journal, plan)
        started = experiments.start_experiment(journal, seed=5)
        experiments.log_adherence(journal, date(2024, 6, 1), True)
        person.ids["experiment"] = str(started.id)
        nights = synthetic.generate_nights(3, synthetic.NightPlan(date(2024, 3, 8), 2))
        export = synthetic.write_oura(folder / f"oura-{person.username}.json", nights)
        imports.run_import(journal, None, export)
        save_payload(journal, "probe", "v0", {"cached": True}, at)
        with journal.session() as session:
            link = share_links.add_link(
                session,
                server_url="https://elsewhere.example",
                kind="clinician",
                token="t",
                areas="mood",
                entries_mark=0,
                created_at_utc=at,
                title="",
            )
            person.ids["share-link"] = str(link.id)
            save_profile(session, "my sleep app", "start=Bedtime,end=Wake up")
        journal.settings.set("patient-name", f"Name of {person.username}")
        journal.settings.set("country", "DE")
    return person
