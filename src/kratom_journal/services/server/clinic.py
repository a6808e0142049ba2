"""The clinic's own settings (its name, crisis policy, default zone) and the audit log view."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from kratom_journal.domain.errors import InvalidInput
from kratom_journal.domain.timeparse import is_zone
from kratom_journal.store.server import accounts as store
from kratom_journal.store.server.schema import ServerDatabase

DEFAULT_CRISIS_POLICY = (
    "A flagged answer is reviewed by the treating clinician at the next working session. "
    "The server never contacts anyone by itself. In an emergency, call the local emergency "
    "number."
)
MAX_POLICY = 2000


@dataclass(frozen=True, slots=True)
class ClinicPolicy:
    """What the clinic configured: shown to clinicians beside every flagged answer."""

    name: str
    crisis_policy: str
    timezone: str

    def as_values(self) -> dict[str, str]:
        return {"name": self.name, "crisis_policy": self.crisis_policy, "timezone": self.timezone}


def clinic_policy(db: ServerDatabase, fallback_zone: str = "UTC") -> ClinicPolicy:
    return ClinicPolicy(
        name=db.setting("clinic-name") or "",
        crisis_policy=db.setting("crisis-policy") or DEFAULT_CRISIS_POLICY,
        timezone=db.setting("default-timezone") or fallback_zone,
    )


def default_timezone(db: ServerDatabase, fallback: str = "UTC") -> str:
    return db.setting("default-timezone") or fallback


def save_policy(db: ServerDatabase, values: dict[str, str]) -> None:
    name = " ".join(values.get("name", "").split())[:200]
    policy = values.get("crisis_policy", "").strip()
    zone = values.get("timezone", "").strip() or "UTC"
    if not policy:
        raise InvalidInput("the crisis policy may not be empty: clinicians see it beside flags")
    if len(policy) > MAX_POLICY:
        raise InvalidInput(f"the crisis policy may have at most {MAX_POLICY} characters")
    if not is_zone(zone):
        raise InvalidInput(f"unknown time zone {zone!r}; expected an IANA name like Europe/Berlin")
    db.set_setting("clinic-name", name)
    db.set_setting("crisis-policy", policy)
    db.set_setting("default-timezone", zone)


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    action: str
    actor: str
    subject: str
    detail: str
    address: str


def audit_events(
    db: ServerDatabase, limit: int = 300, subject_id: uuid.UUID | None = None
) -> list[AuditLine]:
    """The newest events, with account names instead of ids."""
    with db.session() as session:
        events = store.events(session, limit, subject_id=subject_id)
        names = {a.id: a.username for a in store.accounts(session)}
    return [
        AuditLine(
            at=e.at,
            action=e.action,
            actor=names.get(e.actor_id, "") if e.actor_id else "",
            subject=names.get(e.subject_id, "") if e.subject_id else "",
            detail=e.detail,
            address=e.address,
        )
        for e in events
    ]
