"""Imports that run in the background: each upload's progress, then its summary or problems.

The web app starts an import and shows its page at once; the page asks for the
progress until the job is done. Every import is all-or-nothing, so a failed job
has changed nothing. Only the latest :data:`MAX_JOBS` jobs are kept.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kratom_journal.domain.errors import JournalError
from kratom_journal.services import imports
from kratom_journal.services.imports import ExportOptions, ImportFailed
from kratom_journal.store.journal import Journal

MAX_JOBS = 20
MAX_PROBLEMS = 50

JobState = Literal["running", "done", "failed"]


@dataclass
class ImportJob:
    """One upload being imported: its progress and, at the end, its summary or problems."""

    id: str
    file_name: str
    size: int
    state: JobState = "running"
    done: int = 0
    total: int = 0
    summary: str | None = None
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return min(100, round(100 * self.done / self.total)) if self.total else None

    def status(self) -> dict[str, object]:
        """The progress as JSON-ready values."""
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
        }


class ImportJobs:
    """The import jobs of one running app, newest last (thread-safe)."""

    def __init__(self, limit: int = MAX_JOBS) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._jobs: dict[str, ImportJob] = {}

    def get(self, job_id: str) -> ImportJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def add(self, file_name: str, size: int) -> ImportJob:
        """A new running job (the oldest is forgotten when there are too many)."""
        job = ImportJob(id=uuid.uuid4().hex, file_name=file_name, size=size)
        with self._lock:
            while len(self._jobs) >= self._limit:
                self._jobs.pop(next(iter(self._jobs)))
            self._jobs[job.id] = job
        return job

    def start(
        self,
        journal: Journal,
        job: ImportJob,
        source: str | None,
        upload: Path,
        skip_bad: bool,
        finished: Callable[[], None],
        options: ExportOptions | None = None,
    ) -> threading.Thread:
        """Run :func:`run_job` in a background thread; ``finished`` is called at the end."""
        thread = threading.Thread(
            target=run_job,
            args=(journal, job, source, upload, skip_bad, finished, options),
            name=f"import-{job.id[:8]}",
            daemon=True,
        )
        thread.start()
        return thread


def run_job(
    journal: Journal,
    job: ImportJob,
    source: str | None,
    upload: Path,
    skip_bad: bool,
    finished: Callable[[], None] = lambda: None,
    options: ExportOptions | None = None,
) -> None:
    """Import ``upload`` (a file in a folder of its own, removed at the end) into ``journal``.

    A problem the file has becomes the job's problems, with the temporary folder
    left out of the messages. An unexpected error becomes one line that says the
    import stopped; nothing was imported, since every import is all-or-nothing.
    """
    folder = str(upload.parent) + "/"

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total

    try:
        # Uploads queue behind an import that is running (they wait their turn).
        summary = imports.run_import(
            journal,
            source,
            upload,
            skip_bad=skip_bad,
            progress=progress,
            options=options,
            wait=True,
        )
        job.summary = summary.line()
        job.skipped = list(summary.skipped)
        job.state = "done"
    except ImportFailed as exc:
        job.problems = [p.replace(folder, "") for p in exc.problems[:MAX_PROBLEMS]]
        job.state = "failed"
    except (JournalError, OSError) as exc:
        job.problems = [str(exc).replace(folder, "")]
        job.state = "failed"
    except Exception:  # noqa: BLE001 - a background job has no face to show a traceback on
        job.problems = [
            "the import stopped because of an internal error in Kratom Journal (a bug); "
            "nothing was imported"
        ]
        job.state = "failed"
    finally:
        shutil.rmtree(upload.parent, ignore_errors=True)
        finished()
