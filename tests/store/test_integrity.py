"""A damaged journal file: detected, written to never, backed up never, and recovered.

What is tested: a copy of a journal whose table pages are overwritten with
garbage fails ``kj check`` (exit 1, the problem named, ``kj recover`` offered),
refuses ``kj log`` before writing anything and ``kj backup`` without leaving a
file; ``kj recover`` copies every entry whose page is intact into a new journal
(all of them when only an index page is damaged), names what it lost, and the
recovered journal opens and passes its check; a sound backup is verified.
What is NOT tested: damage to the first page (the file is then not a journal at
all, refused as such by the opening checks).
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kratom_journal.cli.app import app
from kratom_journal.domain.entries import Dose, Unit
from kratom_journal.store.journal import bulk_add, new_id, open_journal

ENTRIES = 1500
PAGE_TYPE_TABLE_LEAF = 0x0D
PAGE_TYPE_INDEX_LEAF = 0x0A


def _journal_with_doses(path: Path) -> set[str]:
    journal = open_journal(path)
    start = datetime(2024, 1, 1, 20, 0, tzinfo=UTC)
    items = [
        (new_id(), Dose(start + timedelta(hours=6 * i), 2.0 + (i % 5), Unit.G, note=f"n{i}"))
        for i in range(ENTRIES)
    ]
    with journal.session() as session:
        bulk_add(session, items, source="manual")
    journal.close()
    return {entry_id for entry_id, _ in items}


def _pages(path: Path) -> tuple[int, bytes]:
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    return (65536 if size == 1 else size), data


def _root_page(path: Path, name: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(
            connection.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
            ).fetchone()[0]
        )


def _overwrite_leaf(path: Path, kind: int, must_hold: bytes, skip: int = 3) -> tuple[int, bytes]:
    """Overwrite a leaf page of ``kind`` holding ``must_hold``; returns (page number, old bytes)."""
    size, data = _pages(path)
    seen = 0
    for number in range(2, len(data) // size + 1):
        page = data[(number - 1) * size : number * size]
        if page[0] == kind and must_hold in page:
            seen += 1
            if seen > skip:
                with path.open("r+b") as handle:
                    handle.seek((number - 1) * size)
                    handle.write(b"\xa5" * size)
                return number, page
    raise AssertionError("no such page")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A journal of 1,500 doses, built once for the module."""
    original = tmp_path_factory.mktemp("built") / "journal.sqlite3"
    return original, _journal_with_doses(original)


def _copy_of(built: tuple[Path, set[str]], folder: Path) -> tuple[Path, set[str]]:
    copy = folder / "journal.sqlite3"
    shutil.copyfile(built[0], copy)
    return copy, built[1]


@pytest.fixture
def damaged(built: tuple[Path, set[str]], tmp_path: Path) -> tuple[Path, set[str], set[str]]:
    """A copy of the journal with one page of the doses table overwritten."""
    copy, ids = _copy_of(built, tmp_path)
    _, old_page = _overwrite_leaf(copy, PAGE_TYPE_TABLE_LEAF, b"kratom")
    lost = {entry_id for entry_id in ids if entry_id.encode() in old_page}
    assert 0 < len(lost) < ENTRIES
    return copy, ids, lost


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_check_finds_the_damage_and_offers_recover(
    damaged: tuple[Path, set[str], set[str]],
) -> None:
    path, _, _ = damaged
    code, output = _run("--db", str(path), "check")
    assert code == 1
    assert "damaged" in output and "recover" in output and "Traceback" not in output


def test_writes_are_refused_and_nothing_changes(damaged: tuple[Path, set[str], set[str]]) -> None:
    path, _, _ = damaged
    before = path.read_bytes()
    code, output = _run("--db", str(path), "log", "dose", "3g", "--at", "2024-02-01T20:00", "-y")
    assert code == 1
    assert "damaged" in output and "refused" in output and "kj --db" in output
    assert "Saved" not in output and "internal error" not in output
    assert path.read_bytes() == before


def test_backup_of_a_damaged_journal_is_refused(
    damaged: tuple[Path, set[str], set[str]], tmp_path: Path
) -> None:
    path, _, _ = damaged
    target = tmp_path / "backups" / "b.sqlite3"
    target.parent.mkdir()
    code, output = _run("--db", str(path), "backup", str(target))
    assert code == 1
    assert "damaged" in output and "backup" in output
    assert list(target.parent.iterdir()) == []


def test_recover_gets_every_intact_entry_back(
    damaged: tuple[Path, set[str], set[str]], tmp_path: Path
) -> None:
    path, ids, lost = damaged
    target = tmp_path / "recovered.sqlite3"
    code, output = _run("--db", str(path), "recover", str(target))
    assert code == 2, output
    assert "lost: doses" in output
    for entry_id in lost:  # the index still lists them: each lost id is named
        assert entry_id in output or "more" in output
    recovered = open_journal(target)
    try:
        got = {s.id for s in recovered.entries.list()}
    finally:
        recovered.close()
    assert got == ids - lost
    code, output = _run("--db", str(target), "check")
    assert code == 0, output
    assert not list(tmp_path.glob(".recovered*"))


def test_a_damaged_index_loses_nothing(built: tuple[Path, set[str]], tmp_path: Path) -> None:
    original, ids = _copy_of(built, tmp_path)
    _overwrite_leaf(original, PAGE_TYPE_INDEX_LEAF, b"kratom", skip=1)
    code, _ = _run("--db", str(original), "check")
    assert code == 1
    target = tmp_path / "recovered.sqlite3"
    code, output = _run("--db", str(original), "recover", str(target))
    recovered = open_journal(target)
    try:
        assert {s.id for s in recovered.entries.list()} == ids
    finally:
        recovered.close()
    assert "Recovered" in output


def test_recover_never_overwrites(damaged: tuple[Path, set[str], set[str]], tmp_path: Path) -> None:
    path, _, _ = damaged
    target = tmp_path / "taken.sqlite3"
    target.write_bytes(b"mine")
    code, output = _run("--db", str(path), "recover", str(target))
    assert code == 1 and "exists already" in output
    assert target.read_bytes() == b"mine"


def test_a_sound_backup_is_verified(built: tuple[Path, set[str]], tmp_path: Path) -> None:
    original, ids = _copy_of(built, tmp_path)
    target = tmp_path / "backup.sqlite3"
    code, output = _run("--db", str(original), "backup", str(target))
    assert code == 0, output
    assert "verified" in output
    copy = open_journal(target)
    try:
        assert {s.id for s in copy.entries.list()} == ids
    finally:
        copy.close()
