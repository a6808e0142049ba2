"""What a server route may ask FastAPI for: the database, the signed-in account, the clock."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from kratom_journal.server.config import ServerSettings
from kratom_journal.services.clock import Clock
from kratom_journal.services.server.signin import Current
from kratom_journal.store.server.schema import ServerDatabase


def db_for(request: Request) -> ServerDatabase:
    db: ServerDatabase = request.app.state.server_db
    return db


def current_for(request: Request) -> Current:
    """The signed-in account (the gate lets no one without one reach a protected route)."""
    current = request.scope.get("kj_current")
    if not isinstance(current, Current):
        raise HTTPException(404)
    return current


def clock_for(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def address_for(request: Request) -> str:
    """The client's address (from the trusted proxy's header when one is configured)."""
    return request.client.host if request.client else ""


def server_settings_for(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.server_settings
    return settings


DbDep = Annotated[ServerDatabase, Depends(db_for)]
CurrentDep = Annotated[Current, Depends(current_for)]
ServerClockDep = Annotated[Clock, Depends(clock_for)]
AddressDep = Annotated[str, Depends(address_for)]
ServerSettingsDep = Annotated[ServerSettings, Depends(server_settings_for)]
