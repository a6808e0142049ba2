"""Background import jobs: progress, summary or problems, and the upload removed at the end.

What is tested: a good file ends "done" with its summary; a bad row ends "failed"
with the row named and the temporary folder left out; a bug in the import ends
"failed" with one line saying so (nothing imported); the upload folder is removed
and ``finished`` called in every case; only the newest jobs are kept.
What is NOT tested: the upload form and the progress page (tests/web).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from kratom_journal.services import imports
from kratom_journal.services.import_jobs import ImportJob, ImportJobs, run_job
from kratom_journal.store.journal import Journal

MOOD_CSV = "at,mood,anxiety,energy,note\n2024-05-01T20:00,6,3,,\n2024-05-02T20:00,5,4,,\n"


def _upload(text: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kj-test-upload-"))
    path = folder / "mood.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _run(journal: Journal, text: str) -> tuple[ImportJob, list[str], Path]:
    jobs = ImportJobs()
    upload = _upload(text)
    job = jobs.add(upload.name, upload.stat().st_size)
    calls: list[str] = []
    run_job(journal, job, None, upload, False, lambda: calls.append("finished"))
    assert jobs.get(job.id) is job
    return job, calls, upload


def test_a_good_file_is_done_with_its_summary(journal: Journal) -> None:
    job, calls, upload = _run(journal, MOOD_CSV)
    assert job.state == "done" and job.summary == "2 added, 0 updated, 0 unchanged"
    assert calls == ["finished"] and not upload.parent.exists()


def test_a_bad_row_is_named_without_the_temporary_folder(journal: Journal) -> None:
    job, calls, upload = _run(journal, MOOD_CSV + "2024-05-03T20:00,eleven,,,\n")
    assert job.state == "failed"
    problems = " ".join(job.problems)
    assert "mood.csv:4" in problems and str(upload.parent) not in problems
    assert calls == ["finished"] and not upload.parent.exists()


def test_a_bug_says_so_and_imports_nothing(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise KeyError("records")

    monkeypatch.setattr(imports, "run_import", broken)
    job, calls, upload = _run(journal, MOOD_CSV)
    assert job.state == "failed"
    assert job.problems == [
        "the import stopped because of an internal error in Kratom Journal (a bug); "
        "nothing was imported"
    ]
    assert calls == ["finished"] and not upload.parent.exists()


def test_only_the_newest_jobs_are_kept() -> None:
    jobs = ImportJobs(limit=2)
    first, second, third = (jobs.add(f"f{i}.csv", i) for i in range(3))
    assert jobs.get(first.id) is None
    assert jobs.get(second.id) is second and jobs.get(third.id) is third
    assert third.status() == {"state": "running", "done": 0, "total": 0, "percent": None}
