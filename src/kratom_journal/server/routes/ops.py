"""Health and readiness, for the reverse proxy and the process supervisor."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from kratom_journal.server.deps import DbDep

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> JSONResponse:
    """The process answers (liveness)."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(db: DbDep) -> JSONResponse:
    """The process can reach its database (readiness); 503 otherwise."""
    ready = db.ready()
    return JSONResponse({"status": "ready" if ready else "unavailable"}, 200 if ready else 503)
