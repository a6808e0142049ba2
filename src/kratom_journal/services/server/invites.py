"""Invite codes from clinicians: a patient who keeps their own journal shares it with
``kj share --server URL --code CODE``; the server keeps a copy of what the invite asks
for, under an account only the patient's journal can write to (its sync token)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from kratom_journal.domain.errors import InvalidInput, NotFound
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.server import accounts
from kratom_journal.services.server.sharing import check_areas
from kratom_journal.services.server.studies import _take_invite, describe_invite, new_code
from kratom_journal.store.server import accounts as account_store
from kratom_journal.store.server import grants as grant_store
from kratom_journal.store.server import studies as store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as

SHARE_DAYS = 365
"""How long a patient's share from a local journal lasts (they can stop it sooner)."""


def clinician_invite(
    db: ServerDatabase,
    clinician_id: uuid.UUID,
    areas: list[str],
    days: int,
    clock: Clock = SYSTEM_CLOCK,
) -> str:
    chosen = check_areas(areas)
    if not 1 <= days <= 90:
        raise InvalidInput("an invite code is valid for 1 to 90 days")
    code = new_code()
    now = clock.now()
    with db.session() as session:
        store.add_invite(
            session,
            code,
            kind="clinician",
            created_by=clinician_id,
            now=now,
            expires_at=now + timedelta(days=days),
            max_uses=1,
            areas=chosen,
            clinician_id=clinician_id,
        )
    return code


@dataclass(frozen=True, slots=True)
class SharedAccount:
    account_id: uuid.UUID
    areas: tuple[str, ...]
    sync_token: str


def join_clinician(
    db: ServerDatabase, code: str, display_name: str, timezone: str, clock: Clock = SYSTEM_CLOCK
) -> SharedAccount:
    """Redeem a clinician's invite: an account fed by the patient's journal, and the grant."""
    info = describe_invite(db, code, clock)
    if info.kind != "clinician":
        raise NotFound("this invite code is not from a clinician")
    now = clock.now()
    invite = _take_invite(db, code, "clinician", now)
    if invite.clinician_id is None:
        raise NotFound("this invite code is not from a clinician")
    name = " ".join(display_name.split())[:200] or "Patient"
    account = accounts.create_account(
        db, f"s-{secrets.token_hex(6)}", name, "person", None, timezone=timezone, clock=clock
    )
    token = secrets.token_urlsafe(32)
    with acting_as(account.id), db.session() as session:
        grant_store.add_grant(
            session,
            owner_id=account.id,
            grantee_id=invite.clinician_id,
            kind="clinician",
            areas=invite.areas,
            now=now,
            expires_at=now + timedelta(days=SHARE_DAYS),
        )
        store.add_sync_link(session, token, account.id, "clinician", invite.areas, now)
        account_store.add_event(
            session,
            at=now,
            action="grant-given",
            actor_id=account.id,
            subject_id=account.id,
            detail="from a local journal: " + ",".join(invite.areas),
        )
    return SharedAccount(account.id, tuple(invite.areas), token)
