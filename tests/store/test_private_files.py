"""Every file the journal writes is ``0600`` in a ``0700`` folder, whatever the umask;
another account on the same computer cannot read any of them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kratom_journal.cli.app import app
from kratom_journal.store.journal import open_journal
from kratom_journal.store.private_files import private_folder, write_private
from tests.other_account import OtherAccount


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: modes must not depend on it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def written_files(base: Path) -> list[Path]:
    """A journal with data in a folder it creates, and everything the CLI writes from it."""
    db = base / "kj" / "journal.sqlite3"
    journal = open_journal(db)
    journal.settings.set("timezone", "Europe/Berlin")
    journal.close()
    runner = CliRunner()

    def kj(*args: str) -> None:
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output

    kj("log", "dose", "3g", "--strain", "Secret Strain", "--at", "2026-11-01T09:00+01:00")
    kj("log", "mood", "6", "--at", "2026-11-01T10:00+01:00")
    kj("export", "--format", "json", str(base / "journal.json"))
    kj("export", "--format", "csv", str(base / "csv-export"))
    kj("export", "--format", "fhir", str(base / "fhir.json"))
    kj("export", "--format", "tidy-csv", str(base / "tidy"))
    kj("backup", str(base / "backup.sqlite3"))
    kj("report", "--from", "2026-10-05", "--to", "2026-11-01", "--out", str(base / "r.html"))
    # Keep the WAL and shared-memory files in place, as while the journal is open.
    holder = open_journal(db)
    with holder.session() as session:
        session.connection().exec_driver_sql("SELECT count(*) FROM doses")
    files = [p for p in base.rglob("*") if p.is_file()]
    holder.close()
    return files


def test_journal_and_everything_written_from_it_is_owner_only(
    tmp_path: Path,
    open_umask: None,  # noqa: ARG001
) -> None:
    files = written_files(tmp_path)
    names = {p.name for p in files}
    assert {"journal.sqlite3", "journal.json", "fhir.json", "backup.sqlite3", "r.html"} <= names
    assert any(p.parent.name == "csv-export" for p in files)
    assert any(p.parent.name == "tidy" for p in files)
    for path in files:
        assert mode(path) == 0o600, path
    for folder in (tmp_path / "kj", tmp_path / "csv-export", tmp_path / "tidy"):
        assert mode(folder) == 0o700, folder


def test_sqlite_wal_and_shared_memory_files_are_owner_only(
    tmp_path: Path,
    open_umask: None,  # noqa: ARG001
) -> None:
    journal = open_journal(tmp_path / "j.sqlite3")
    journal.settings.set("timezone", "UTC")
    with journal.session() as session:
        session.connection().exec_driver_sql("SELECT 1")
        wal, shm = Path(f"{tmp_path / 'j.sqlite3'}-wal"), Path(f"{tmp_path / 'j.sqlite3'}-shm")
        assert wal.exists() and shm.exists()
        assert mode(wal) == mode(shm) == 0o600
    journal.close()


def test_an_existing_readable_journal_is_made_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    open_journal(db).close()
    db.chmod(0o644)
    open_journal(db).close()
    assert mode(db) == 0o600


def test_the_helper_ignores_the_umask(tmp_path: Path, open_umask: None) -> None:  # noqa: ARG001
    folder = private_folder(tmp_path / "a" / "b")
    write_private(folder / "key", "secret")
    assert mode(tmp_path / "a") == mode(folder) == 0o700
    assert mode(folder / "key") == 0o600
    assert (folder / "key").read_text() == "secret"
    assert not list(folder.glob(".*partial"))


def test_another_account_cannot_read_the_journal_or_its_exports(
    shared_folder: Path,
    other_account: OtherAccount,
    open_umask: None,  # noqa: ARG001
) -> None:
    files = written_files(shared_folder)
    # The control: the account can read a file that is meant to be shared here.
    readable = shared_folder / "readable.txt"
    readable.write_text("hello")
    readable.chmod(0o644)
    assert other_account.run("cat", str(readable)).stdout == "hello"
    for path in files:
        refused = other_account.run("cat", str(path))
        assert refused.returncode != 0, path
        assert "Permission denied" in refused.stderr, (path, refused.stderr)
        assert "Secret Strain" not in refused.stdout
    listing = other_account.run("ls", str(shared_folder / "kj"))
    assert "Permission denied" in listing.stderr
