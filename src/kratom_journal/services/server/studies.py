"""Studies: a researcher's protocol, frozen when the study opens; joining with an invite code,
eligibility and consent; each participant's own schedule; withdrawal.

Joining gives the participant a pseudonymous study id, a seed of their own, and the
study's experiment in their own journal (drawn from that seed by the product's
experiment engine), and grants the study's researcher read access to the areas the
analysis needs. The consent is stored with the protocol's hash: a participant
consents to exactly the protocol they read. Withdrawing stops collection at once
(the grant is revoked, the experiment stopped); on request it also deletes every row
of the participant's study data, keeping only the pseudonym and the date so that
the dropout count stays right.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from kratom_journal.domain.errors import InvalidInput, JournalError, NotFound
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock, journal_zone
from kratom_journal.services.server import accounts
from kratom_journal.services.server.protocols import StudyProtocol, protocol_from_json
from kratom_journal.store.server import accounts as account_store
from kratom_journal.store.server import grants as grant_store
from kratom_journal.store.server import people
from kratom_journal.store.server import studies as store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as, as_nobody

PSEUDONYM_LETTERS = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
INVITE_LETTERS = "abcdefghjkmnpqrstvwxyz23456789"
MAX_INVITE_DAYS = 365


class NotEligible(JournalError):
    """The answers to the eligibility questions rule the person out; nothing was stored."""


@dataclass(frozen=True, slots=True)
class StudyView:
    id: uuid.UUID
    researcher_id: uuid.UUID
    title: str
    status: str
    protocol: StudyProtocol
    protocol_hash: str | None
    created_at: datetime
    frozen_at: datetime | None


def _view(row: store.Study) -> StudyView:
    return StudyView(
        row.id,
        row.researcher_id,
        row.title,
        row.status,
        protocol_from_json(row.protocol_json),
        row.protocol_hash,
        row.created_at,
        row.frozen_at,
    )


def new_code(letters: str = INVITE_LETTERS, length: int = 12) -> str:
    """A code to type on a phone: 12 letters from 30 (59 bits), grouped in fours."""
    raw = "".join(secrets.choice(letters) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalized_code(code: str) -> str:
    text = "".join(c for c in code.lower() if c.isalnum())
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


# --- the researcher's side ---------------------------------------------------------------------


def create_study(
    db: ServerDatabase,
    researcher_id: uuid.UUID,
    protocol: StudyProtocol,
    clock: Clock = SYSTEM_CLOCK,
) -> StudyView:
    protocol.validate()
    with db.session() as session:
        row = store.add_study(
            session, researcher_id, protocol.title, protocol.to_json(), clock.now()
        )
        return _view(row)


def studies_of(db: ServerDatabase, researcher_id: uuid.UUID) -> list[StudyView]:
    with db.session() as session:
        return [_view(s) for s in store.studies_of(session, researcher_id)]


def own_study(db: ServerDatabase, researcher_id: uuid.UUID, study_id: uuid.UUID) -> StudyView:
    """The researcher's own study (another researcher's, or none: not found)."""
    with db.session() as session:
        row = store.study(session, study_id)
        if row is None or row.researcher_id != researcher_id:
            raise NotFound("no such study")
        return _view(row)


def update_draft(
    db: ServerDatabase, researcher_id: uuid.UUID, study_id: uuid.UUID, protocol: StudyProtocol
) -> StudyView:
    protocol.validate()
    with db.session() as session:
        row = store.study(session, study_id)
        if row is None or row.researcher_id != researcher_id:
            raise NotFound("no such study")
        if row.status != "draft":
            raise InvalidInput("the protocol is frozen: the study is open")
        row.protocol_json = protocol.to_json()
        row.title = protocol.title
        return _view(row)


def open_study(
    db: ServerDatabase, researcher_id: uuid.UUID, study_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> StudyView:
    """Freeze the protocol by its SHA-256 and open the study to invites."""
    with db.session() as session:
        row = store.study(session, study_id)
        if row is None or row.researcher_id != researcher_id:
            raise NotFound("no such study")
        if row.status != "draft":
            raise InvalidInput(f"the study is {row.status} already")
        row.protocol_hash = protocol_from_json(row.protocol_json).digest()
        row.frozen_at = clock.now()
        row.status = "open"
        return _view(row)


def close_study(db: ServerDatabase, researcher_id: uuid.UUID, study_id: uuid.UUID) -> StudyView:
    """No one joins any more; participants already in finish their schedules."""
    with db.session() as session:
        row = store.study(session, study_id)
        if row is None or row.researcher_id != researcher_id:
            raise NotFound("no such study")
        row.status = "closed"
        return _view(row)


def study_invite(
    db: ServerDatabase,
    researcher_id: uuid.UUID,
    study_id: uuid.UUID,
    uses: int,
    days: int,
    clock: Clock = SYSTEM_CLOCK,
) -> str:
    """An invite code for ``uses`` participants, valid ``days`` days (shown once)."""
    study = own_study(db, researcher_id, study_id)
    if study.status != "open":
        raise InvalidInput("open the study (freezing its protocol) before inviting anyone")
    if not 1 <= uses <= 10000 or not 1 <= days <= MAX_INVITE_DAYS:
        raise InvalidInput(f"an invite is for 1 to 10000 people and 1 to {MAX_INVITE_DAYS} days")
    code = new_code()
    now = clock.now()
    with db.session() as session:
        store.add_invite(
            session,
            code,
            kind="study",
            created_by=researcher_id,
            now=now,
            expires_at=now + timedelta(days=days),
            max_uses=uses,
            study_id=study_id,
            areas=study.protocol.areas,
        )
    return code


# --- joining -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InviteInfo:
    """What a code leads to, for the person deciding whether to join or share."""

    kind: str
    areas: tuple[str, ...]
    study: StudyView | None
    clinician: str | None


def describe_invite(db: ServerDatabase, code: str, clock: Clock = SYSTEM_CLOCK) -> InviteInfo:
    with as_nobody(), db.session() as session:
        invite = store.find_invite(session, normalized_code(code))
        if invite is None or invite.expires_at <= clock.now() or invite.uses >= invite.max_uses:
            raise NotFound("this invite code is not valid (used up, expired or mistyped)")
        study = store.study(session, invite.study_id) if invite.study_id else None
        if invite.kind == "study" and (study is None or study.status != "open"):
            raise NotFound("this study is not taking participants")
        clinician = (
            account_store.account_by_id(session, invite.clinician_id)
            if invite.clinician_id
            else None
        )
        return InviteInfo(
            invite.kind,
            tuple(invite.areas),
            _view(study) if study else None,
            clinician.display_name if clinician else None,
        )


def _take_invite(db: ServerDatabase, code: str, kind: str, now: datetime) -> store.Invite:
    with as_nobody(), db.session() as session:
        invite = store.find_invite(session, normalized_code(code), for_update=True)
        if (
            invite is None
            or invite.kind != kind
            or invite.expires_at <= now
            or invite.uses >= invite.max_uses
        ):
            raise NotFound("this invite code is not valid (used up, expired or mistyped)")
        invite.uses += 1
        return invite


@dataclass(frozen=True, slots=True)
class Joined:
    account_id: uuid.UUID
    participation_id: uuid.UUID
    pseudonym: str
    plan_json: str
    areas: tuple[str, ...]
    sync_token: str | None


def check_eligibility(protocol: StudyProtocol, answers: dict[int, bool]) -> None:
    for index, question in enumerate(protocol.eligibility):
        if index not in answers:
            raise InvalidInput(f"please answer: {question.text}")
        if answers[index] != question.required:
            raise NotEligible(
                "Thank you. From your answers this study is not a fit for you, so you have not "
                "joined it and nothing you answered was kept."
            )


def join_study(
    db: ServerDatabase,
    code: str,
    answers: dict[int, bool],
    consent_hash: str,
    *,
    timezone: str,
    username: str | None = None,
    password: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Joined:
    """Join with an invite code: eligibility, consent to this protocol, an own schedule.

    With ``username`` and ``password`` the participant logs on this server; without,
    they share from their local journal and get a sync token instead.
    """
    info = describe_invite(db, code, clock)
    if info.kind != "study" or info.study is None:
        raise NotFound("this invite code is not for a study")
    study = info.study
    if consent_hash != study.protocol_hash:
        raise InvalidInput("the protocol you read is not the study's current one; read it again")
    check_eligibility(study.protocol, answers)
    if username is not None:
        accounts.check_password(password or "", username)
    now = clock.now()
    _take_invite(db, code, "study", now)
    pseudonym = new_code(PSEUDONYM_LETTERS, 8).replace("-", "")
    name = username if username is not None else f"p-{pseudonym.lower()}-{secrets.token_hex(3)}"
    account = accounts.create_account(
        db,
        name,
        f"Participant {pseudonym}",
        "participant",
        password,
        timezone=timezone,
        clock=clock,
    )
    seed = secrets.randbelow(2**31)
    with acting_as(account.id):
        start = clock.now().astimezone(journal_zone(db.journal)).date() + timedelta(days=1)
        plan = study.protocol.plan(start, seed)
        experiment_service.plan_experiment(db.journal, plan, clock=clock)
        started = experiment_service.start_experiment(db.journal, seed=seed, clock=clock)
        token = secrets.token_urlsafe(32) if username is None else None
        with db.session() as session:
            row = store.add_participation(
                session,
                study_id=study.id,
                owner_id=account.id,
                pseudonym=pseudonym,
                seed=seed,
                eligibility={str(k): v for k, v in answers.items()},
                consent_hash=consent_hash,
                consented_at=now,
                status="active",
                experiment_id=started.id,
            )
            grant_store.add_grant(
                session,
                owner_id=account.id,
                grantee_id=study.researcher_id,
                kind="study",
                areas=study.protocol.areas,
                now=now,
                study_id=study.id,
            )
            if token is not None:
                store.add_sync_link(session, token, account.id, "study", study.protocol.areas, now)
            account_store.add_event(
                session,
                at=now,
                action="consented",
                actor_id=account.id,
                study_id=study.id,
                detail=f"protocol {consent_hash[:16]}",
            )
            participation_id = row.id
    from kratom_journal.analysis.experiments import plan_to_json

    return Joined(
        account.id,
        participation_id,
        pseudonym,
        plan_to_json(started.plan),
        study.protocol.areas,
        token,
    )


# --- the participant's side ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MyParticipation:
    id: uuid.UUID
    study: StudyView
    pseudonym: str
    status: str
    consent_hash: str
    consented_at: datetime
    withdrawn_at: datetime | None
    data_deleted: bool


def my_participation(db: ServerDatabase, owner_id: uuid.UUID) -> MyParticipation:
    with acting_as(owner_id), db.session() as session:
        row = store.participation_of(session, owner_id)
        if row is None:
            raise NotFound("you are not in a study")
        study = store.study(session, row.study_id)
        if study is None:
            raise NotFound("the study no longer exists")
        return MyParticipation(
            row.id,
            _view(study),
            row.pseudonym,
            row.status,
            row.consent_hash,
            row.consented_at,
            row.withdrawn_at,
            row.data_deleted_at is not None,
        )


def withdraw(
    db: ServerDatabase, owner_id: uuid.UUID, delete_data: bool, clock: Clock = SYSTEM_CLOCK
) -> None:
    """Withdraw consent: collection stops now; with ``delete_data`` the study data go too."""
    now = clock.now()
    with acting_as(owner_id):
        with db.session() as session:
            row = store.participation_of(session, owner_id)
            if row is None:
                raise NotFound("you are not in a study")
            if row.status != "withdrawn":
                row.status = "withdrawn"
                row.withdrawn_at = now
            grant_store.revoke_study_grants(session, owner_id, row.study_id, now)
            store.revoke_sync_links(session, owner_id, now)
            study_id = row.study_id
            if delete_data:
                people.delete_journal(session, keep_settings=True)
                row.eligibility = {}
                row.experiment_id = None
                row.data_deleted_at = now
                store.delete_files(session, study_id)
            account_store.add_event(
                session,
                at=now,
                action="withdrew",
                actor_id=owner_id,
                study_id=study_id,
                detail="data deleted" if delete_data else "data kept",
            )
        if not delete_data:
            try:
                experiment_service.stop_experiment(db.journal, "consent withdrawn", clock=clock)
            except JournalError:
                pass  # already finished or stopped
    # The calendar reminders stop too: at once when the data go, otherwise by the queue.
    from kratom_journal.services.server import reminders

    if delete_data:
        reminders.redraw_now(db, owner_id, clock)
    else:
        reminders.queue_refresh(db, owner_id, clock)
