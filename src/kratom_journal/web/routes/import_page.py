"""Import: upload an export file; the import runs in the background with its progress shown."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from kratom_journal.services import imports
from kratom_journal.services.imports import ImportFailed
from kratom_journal.web.views import (
    FormState,
    cache_of,
    checked_form,
    journal_of,
    redirect,
    render,
    text_values,
)

router = APIRouter(include_in_schema=False)

CHUNK = 1024 * 1024
MAX_JOBS = 20


@dataclass
class ImportJob:
    """One upload being imported: its progress and, at the end, its summary or problems."""

    id: str
    file_name: str
    size: int
    state: str = "running"
    done: int = 0
    total: int = 0
    summary: str | None = None
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return min(100, round(100 * self.done / self.total)) if self.total else None


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
async def upload(request: Request, form: Annotated[FormData, Depends(checked_form)]) -> Response:
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
    folder = Path(tempfile.mkdtemp(prefix="kj-upload-"))
    target = folder / _safe_name(upload_file.filename)
    size = 0
    with target.open("wb") as handle:
        while chunk := await upload_file.read(CHUNK):
            handle.write(chunk)
            size += len(chunk)
    job = ImportJob(id=uuid.uuid4().hex, file_name=target.name, size=size)
    jobs: dict[str, ImportJob] = request.app.state.import_jobs
    while len(jobs) >= MAX_JOBS:
        jobs.pop(next(iter(jobs)))
    jobs[job.id] = job
    skip_bad = values.get("skip_bad") in {"1", "on"}
    thread = threading.Thread(
        target=_run,
        args=(request, job, source, target, skip_bad),
        name=f"import-{job.id[:8]}",
        daemon=True,
    )
    thread.start()
    return redirect(f"/import/jobs/{job.id}")


def _run(request: Request, job: ImportJob, source: str | None, path: Path, skip_bad: bool) -> None:
    """Run one import (all-or-nothing, as every import is) and keep what happened."""

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total

    try:
        summary = imports.run_import(
            journal_of(request), source, path, skip_bad=skip_bad, progress=progress
        )
        job.summary = summary.line()
        job.skipped = list(summary.skipped)
        job.state = "done"
    except ImportFailed as exc:
        job.problems = [p.replace(str(path.parent) + "/", "") for p in exc.problems[:50]]
        job.state = "failed"
    except (ValueError, LookupError, OSError) as exc:
        job.problems = [str(exc).replace(str(path.parent) + "/", "")]
        job.state = "failed"
    except Exception:  # never a traceback on the page; the journal is unchanged
        job.problems = ["the import stopped unexpectedly; nothing was imported"]
        job.state = "failed"
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
        cache_of(request).invalidate()


@router.get("/import/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> Response:
    job: Any = request.app.state.import_jobs.get(job_id)
    if job is None:
        return render(
            request,
            "error.html",
            {"page": "import", "title": "Not found", "text": "There is no such import."},
            status=404,
        )
    return render(request, "import_job.html", {"page": "import", "title": "Import", "job": job})


@router.get("/import/jobs/{job_id}/status")
def job_status(request: Request, job_id: str) -> dict[str, Any]:
    """The job's progress as JSON, for the page's optional script."""
    job: Any = request.app.state.import_jobs.get(job_id)
    if job is None:
        return {"state": "unknown"}
    return {"state": job.state, "done": job.done, "total": job.total, "percent": job.percent}
