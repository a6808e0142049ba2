"""The API a local journal talks to: read an invite, join or share, push changes, withdraw.

The journal authenticates with the sync token it got when joining (``Authorization:
Bearer``); no browser session is involved, so these endpoints take no CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from kratom_journal.domain.errors import NotFound
from kratom_journal.server.deps import DbDep, ServerClockDep
from kratom_journal.services.server import invites, studies, sync

router = APIRouter(prefix="/api/v1/share", tags=["share"])


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, Field(max_length=64)]
    answers: Annotated[list[bool], Field(max_length=50)] = []
    consent_hash: Annotated[str, Field(max_length=64)] = ""
    timezone: Annotated[str, Field(max_length=64)] = "UTC"
    display_name: Annotated[str, Field(max_length=200)] = ""


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delete: bool = False


def _token(authorization: str | None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(401, "send the share token as Authorization: Bearer <token>")
    return authorization[7:].strip()


def _guard_token(db: DbDep, token: str) -> sync.Link:
    try:
        return sync.link_of(db, token)
    except NotFound as exc:
        raise HTTPException(401, str(exc)) from None


@router.get("/invites/{code}", summary="What an invite code leads to")
def invite(code: str, db: DbDep, clock: ServerClockDep) -> dict[str, Any]:
    info = studies.describe_invite(db, code, clock)
    body: dict[str, Any] = {"kind": info.kind, "areas": list(info.areas)}
    if info.study is not None:
        protocol = info.study.protocol
        body["study"] = {
            "title": info.study.title,
            "summary": protocol.summary(),
            "protocol": protocol.to_json(),
            "protocol_hash": info.study.protocol_hash,
            "consent_text": protocol.consent_text,
            "eligibility": [{"text": q.text} for q in protocol.eligibility],
        }
    if info.clinician is not None:
        body["clinician"] = info.clinician
    return body


@router.post("/join", summary="Join a study or share with a clinician from a local journal")
def join(body: JoinBody, db: DbDep, clock: ServerClockDep) -> dict[str, Any]:
    info = studies.describe_invite(db, body.code, clock)
    if info.kind == "clinician":
        shared = invites.join_clinician(db, body.code, body.display_name, body.timezone, clock)
        return {"kind": "clinician", "token": shared.sync_token, "areas": list(shared.areas)}
    joined = studies.join_study(
        db,
        body.code,
        dict(enumerate(body.answers)),
        body.consent_hash,
        timezone=body.timezone,
        clock=clock,
    )
    return {
        "kind": "study",
        "token": joined.sync_token,
        "pseudonym": joined.pseudonym,
        "plan": joined.plan_json,
        "areas": list(joined.areas),
    }


@router.post("/sync", summary="Push what changed in the local journal since the last push")
def push(
    bundle: dict[str, Any],
    db: DbDep,
    clock: ServerClockDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, int]:
    token = _token(authorization)
    _guard_token(db, token)
    return sync.receive(db, token, bundle, clock).as_dict()


@router.post("/withdraw", summary="Stop sharing (a study: withdraw consent)")
def withdraw(
    body: WithdrawBody,
    db: DbDep,
    clock: ServerClockDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    token = _token(authorization)
    _guard_token(db, token)
    return {"status": sync.withdraw_share(db, token, body.delete, clock)}
