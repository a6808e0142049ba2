"""Faults a person can fix: one line naming the file and what to do, exit 1, nothing changed.

What is tested, each asserting the message, the exit code, an unchanged journal
and no file left behind: a read-only journal file (``chattr +i``, which binds
root too), a read-only file system and a full disk (real tmpfs mounts, skipped
where mounting is not allowed) plus a documented fault-injection layer that
always runs (the DB-API ``execute`` raising SQLite's own "database or disk is
full"), a journal locked by another program, a FIFO (never a hang) and a device,
``sqlite:///`` with no path, an unknown URL scheme, another application's Alembic
database and a journal from a newer version. The web answers a form sent to a
read-only journal with "Not saved" and the typed values still in the form.
What is NOT tested: PostgreSQL faults (its errors are the server's to report).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import default
from typer.testing import CliRunner

from kratom_journal.cli.app import app
from kratom_journal.store import db as db_module
from kratom_journal.store.journal import open_journal
from kratom_journal.web import WebSettings, create_app
from tests.web.conftest import post_form

LOG = ("log", "dose", "3g", "--at", "2024-05-01T20:00", "-y")


def _kj(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _make_journal(path: Path) -> Path:
    journal = open_journal(path)
    journal.settings.set("timezone", "Europe/Berlin")
    journal.close()
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _one_error_line(output: str, *words: str) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error: "), output
    for word in words:
        assert word in lines[0], output
    assert "Traceback" not in output and "internal error" not in output and "Saved" not in output


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB tmpfs (skipped where mounting is not allowed)."""
    folder = tmp_path / "disk"
    if not _mount_tmpfs(folder, "1m"):
        pytest.skip("mounting a tmpfs needs root and a kernel that allows it")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass


def test_a_full_disk_real_tmpfs(small_disk: Path) -> None:
    path = _make_journal(small_disk / "journal.sqlite3")
    _fill(small_disk)
    before = _snapshot(small_disk)
    code, output = _kj("--db", str(path), *LOG, "--note", "x" * 200_000)
    assert code == 1
    _one_error_line(output, str(path), "disk is full", "nothing was saved")
    after = _snapshot(small_disk)
    assert after["journal.sqlite3"] == before["journal.sqlite3"]
    assert set(after) <= set(before) | {"journal.sqlite3-wal", "journal.sqlite3-shm"}


def test_a_new_journal_on_a_full_disk_leaves_no_file(small_disk: Path) -> None:
    _fill(small_disk)
    path = small_disk / "new.sqlite3"
    code, output = _kj("--db", str(path), "list")
    assert code == 1
    _one_error_line(output, str(path), "disk is full")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_full_disk_by_fault_injection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fault-injection layer: every INSERT fails as SQLite fails on a full disk."""
    path = _make_journal(tmp_path / "journal.sqlite3")
    real = default.DefaultDialect.do_execute

    def full_disk(self: Any, cursor: Any, statement: str, parameters: Any, context: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")
        real(self, cursor, statement, parameters, context)

    before = _snapshot(tmp_path)
    monkeypatch.setattr(default.DefaultDialect, "do_execute", full_disk)
    code, output = _kj("--db", str(path), *LOG)
    monkeypatch.undo()
    assert code == 1
    _one_error_line(output, str(path), "disk is full", "nothing was saved")
    assert _snapshot(tmp_path)["journal.sqlite3"] == before["journal.sqlite3"]
    journal = open_journal(path)
    assert journal.entries.list() == []
    journal.close()


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs holding a journal, then remounted read-only."""
    folder = tmp_path / "disk"
    if not _mount_tmpfs(folder, "4m"):
        pytest.skip("mounting a tmpfs needs root and a kernel that allows it")
    _make_journal(folder / "journal.sqlite3")
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_file_system_refuses_writes_and_still_reads(read_only_disk: Path) -> None:
    path = read_only_disk / "journal.sqlite3"
    before = _snapshot(read_only_disk)
    code, output = _kj("--db", str(path), *LOG)
    assert code == 1
    _one_error_line(output, str(path), "cannot be written", "nothing was saved")
    code, output = _kj("--db", str(path), "list")
    assert code == 0, output
    assert _snapshot(read_only_disk) == before
    code, output = _kj("--db", str(read_only_disk / "new.sqlite3"), "list")
    assert code == 1
    _one_error_line(output, "new.sqlite3", "cannot create")


@pytest.fixture
def immutable_journal(tmp_path: Path) -> Iterator[Path]:
    """A journal file nobody may write, root included (``chattr +i``)."""
    path = _make_journal(tmp_path / "journal.sqlite3")
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"this file system has no immutable flag: {done.stderr.strip()}")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_read_only_journal_file(immutable_journal: Path) -> None:
    before = immutable_journal.read_bytes()
    code, output = _kj("--db", str(immutable_journal), *LOG)
    assert code == 1
    _one_error_line(output, str(immutable_journal), "cannot be written", "nothing was saved")
    assert immutable_journal.read_bytes() == before


def test_a_locked_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _make_journal(tmp_path / "journal.sqlite3")
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        code, output = _kj("--db", str(path), *LOG)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 1
    _one_error_line(output, str(path), "locked by another program", "nothing was saved")
    journal = open_journal(path)
    assert journal.entries.list() == []
    journal.close()


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "journal.fifo"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "kratom_journal", "--db", str(fifo), "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    _one_error_line(done.stderr, str(fifo), "named pipe")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.fifo"]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("/dev/null", ("/dev/null", "is a device")),
        ("sqlite:///", ("sqlite:///", "names no file")),
        ("foo://host/journal", ("foo://host/journal", "unknown kind of database")),
    ],
)
def test_odd_targets_are_one_line(target: str, words: tuple[str, ...]) -> None:
    code, output = _kj("--db", target, "list")
    assert code == 1
    _one_error_line(output, *words)


def test_another_applications_alembic_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('3f2a1b9c8d7e')")
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    before = path.read_bytes()
    code, output = _kj("--db", str(path), "list")
    assert code == 1
    _one_error_line(output, str(path), "not a Kratom Journal journal", "another application")
    assert "newer version" not in output
    assert path.read_bytes() == before


def test_a_journal_from_a_newer_version(tmp_path: Path) -> None:
    path = _make_journal(tmp_path / "journal.sqlite3")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    before = path.read_bytes()
    code, output = _kj("--db", str(path), *LOG)
    assert code == 1
    _one_error_line(output, str(path), "newer version", "upgrade")
    assert path.read_bytes() == before


def test_the_web_says_not_saved_and_keeps_what_was_typed(immutable_journal: Path) -> None:
    app_ = create_app(WebSettings(db=str(immutable_journal)))
    with TestClient(app_, base_url="http://127.0.0.1:8000") as client:
        page = post_form(client, "/log/dose", {"amount": "3.5g", "strain": "Maeng Da Typed"})
    assert page.status_code in (422, 503)
    assert "Not saved" in page.text and "cannot be written" in page.text
    assert "Maeng Da Typed" in page.text
    assert "internal error" not in page.text.lower()
