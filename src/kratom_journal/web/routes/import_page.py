"""Import: upload an export file; the import runs in the background with its progress shown."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from kratom_journal.domain.timeparse import is_zone
from kratom_journal.services import imports
from kratom_journal.web.deps import ImportJobsDep, JournalDep, PageCacheDep
from kratom_journal.web.views import (
    FormState,
    checked_form,
    not_found,
    redirect,
    render,
    text_values,
)

router = APIRouter(include_in_schema=False)

CHUNK = 1024 * 1024


def _safe_name(name: str) -> str:
    """The uploaded file's base name with only harmless characters (its suffix matters)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")
    return cleaned[:120] or "upload"


def _page(request: Request, state: FormState, status: int = 200) -> Response:
    return render(
        request,
        "import.html",
        {"page": "import", "title": "Import", "state": state, "sources": imports.known_sources()},
        status=status,
    )


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    return _page(request, FormState())


@router.post("/import")
async def upload(
    request: Request,
    form: Annotated[FormData, Depends(checked_form)],
    journal: JournalDep,
    cache: PageCacheDep,
    jobs: ImportJobsDep,
) -> Response:
    values = text_values(form)
    upload_file = form.get("file")
    state = FormState(values=values)
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        state.errors["file"] = "choose a file to import"
        return _page(request, state, status=422)
    source = values.get("source", "").strip().lower() or None
    if source is not None and source not in imports.known_sources():
        state.errors["source"] = "choose one of the sources listed"
        return _page(request, state, status=422)
    zone = values.get("zone", "").strip() or None
    if zone is not None and not is_zone(zone):
        state.errors["zone"] = "unknown time zone; expected a name like Europe/Berlin"
        return _page(request, state, status=422)
    folder = Path(tempfile.mkdtemp(prefix="kj-upload-"))
    target = folder / _safe_name(upload_file.filename)
    size = 0
    with target.open("wb") as handle:
        while chunk := await upload_file.read(CHUNK):
            handle.write(chunk)
            size += len(chunk)
    job = jobs.add(target.name, size)
    skip_bad = values.get("skip_bad") in {"1", "on"}
    jobs.start(
        journal,
        job,
        source,
        target,
        skip_bad,
        finished=cache.invalidate,
        options=imports.ExportOptions(zone=zone),
    )
    return redirect(f"/import/jobs/{job.id}")


@router.get("/import/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, jobs: ImportJobsDep) -> Response:
    job = jobs.get(job_id)
    if job is None:
        return not_found(request, "There is no such import.", page="import")
    return render(request, "import_job.html", {"page": "import", "title": "Import", "job": job})


@router.get("/import/jobs/{job_id}/status")
def job_status(job_id: str, jobs: ImportJobsDep) -> dict[str, Any]:
    """The job's progress as JSON, for the page's optional script."""
    job = jobs.get(job_id)
    if job is None:
        return {"state": "unknown"}
    return job.status()
