"""Studies, their invite codes, participations and the sync links of local journals.

A participation belongs to its participant (row-level security shows it to them and
to the study's researcher only); studies, invites and sync links are the server's
bookkeeping, reached through the codes and tokens only this module checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kratom_journal.store.server.accounts import token_hash
from kratom_journal.store.server.tables import Invite, Participation, Study, StudyFile, SyncLink

__all__ = [
    "Invite",
    "Participation",
    "Study",
    "StudyFile",
    "SyncLink",
    "add_file",
    "add_invite",
    "add_participation",
    "add_study",
    "add_sync_link",
    "delete_files",
    "find_invite",
    "latest_file",
    "participation",
    "participation_of",
    "participations",
    "studies_of",
    "study",
    "sync_link",
]


def add_invite(
    session: Session,
    code: str,
    *,
    kind: str,
    created_by: uuid.UUID,
    now: datetime,
    expires_at: datetime,
    max_uses: int,
    areas: Sequence[str] = (),
    study_id: uuid.UUID | None = None,
    clinician_id: uuid.UUID | None = None,
) -> Invite:
    invite = Invite(
        code_hash=token_hash(code),
        kind=kind,
        study_id=study_id,
        clinician_id=clinician_id,
        areas=list(areas),
        created_by=created_by,
        created_at=now,
        expires_at=expires_at,
        max_uses=max_uses,
        uses=0,
    )
    session.add(invite)
    return invite


def find_invite(session: Session, code: str, for_update: bool = False) -> Invite | None:
    return session.get(Invite, token_hash(code), with_for_update=for_update)


def add_study(
    session: Session, researcher_id: uuid.UUID, title: str, protocol_json: str, now: datetime
) -> Study:
    study = Study(
        id=uuid.uuid4(),
        researcher_id=researcher_id,
        title=title,
        protocol_json=protocol_json,
        status="draft",
        created_at=now,
    )
    session.add(study)
    session.flush()
    return study


def study(session: Session, study_id: uuid.UUID) -> Study | None:
    return session.get(Study, study_id)


def studies_of(session: Session, researcher_id: uuid.UUID) -> list[Study]:
    stmt = select(Study).where(Study.researcher_id == researcher_id)
    return list(session.scalars(stmt.order_by(Study.created_at.desc())))


def add_participation(session: Session, **values: Any) -> Participation:
    row = Participation(id=uuid.uuid4(), **values)
    session.add(row)
    session.flush()
    return row


def participations(session: Session, study_id: uuid.UUID) -> list[Participation]:
    stmt = select(Participation).where(Participation.study_id == study_id)
    return list(session.scalars(stmt.order_by(Participation.consented_at)))


def participation(session: Session, participation_id: uuid.UUID) -> Participation | None:
    return session.get(Participation, participation_id)


def participation_of(session: Session, owner_id: uuid.UUID) -> Participation | None:
    stmt = select(Participation).where(Participation.owner_id == owner_id)
    return session.scalars(stmt.order_by(Participation.consented_at.desc())).first()


# --- sync links ---------------------------------------------------------------------------


def add_sync_link(
    session: Session,
    token: str,
    account_id: uuid.UUID,
    kind: str,
    areas: Sequence[str],
    now: datetime,
) -> SyncLink:
    link = SyncLink(
        token_hash=token_hash(token),
        account_id=account_id,
        kind=kind,
        areas=list(areas),
        created_at=now,
        entries_received=0,
    )
    session.add(link)
    return link


def sync_link(session: Session, token: str) -> SyncLink | None:
    return session.get(SyncLink, token_hash(token), with_for_update=True)


def revoke_sync_links(session: Session, account_id: uuid.UUID, now: datetime) -> None:
    for link in session.scalars(select(SyncLink).where(SyncLink.account_id == account_id)):
        link.revoked_at = link.revoked_at or now


# --- files ----------------------------------------------------------------------------------


def add_file(
    session: Session,
    study_id: uuid.UUID,
    kind: str,
    name: str,
    media_type: str,
    content: bytes,
    now: datetime,
) -> StudyFile:
    row = StudyFile(
        study_id=study_id,
        kind=kind,
        name=name,
        media_type=media_type,
        content=content,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def latest_file(session: Session, study_id: uuid.UUID, kind: str) -> StudyFile | None:
    stmt = select(StudyFile).where(StudyFile.study_id == study_id, StudyFile.kind == kind)
    return session.scalars(stmt.order_by(StudyFile.id.desc()).limit(1)).first()


def delete_files(session: Session, study_id: uuid.UUID) -> None:
    session.execute(delete(StudyFile).where(StudyFile.study_id == study_id))
