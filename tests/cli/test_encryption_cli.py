"""kj init --encrypt, kj encrypt/decrypt and the passphrase of every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kratom_journal.cli.app import app
from kratom_journal.store import cipher


def _kj(db: Path, passphrase: str | None, *args: str) -> tuple[int, str]:
    env = {"KRATOM_JOURNAL_PASSPHRASE": passphrase} if passphrase else {}
    result = CliRunner().invoke(app, ["--db", str(db), *args], env=env)
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def _no_keys_between_commands() -> None:
    cipher._KEYS.clear()


def test_encrypted_journal_needs_its_passphrase(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    code, _ = _kj(db, None, "init", "--timezone", "UTC", "--country", "GB")
    code, out = _kj(db, "pass one", "encrypt")
    assert code == 0 and not db.read_bytes().startswith(b"SQLite format 3"), out
    cipher._KEYS.clear()
    code, out = _kj(db, "wrong", "list")
    assert code != 0 and "wrong passphrase" in out and len(out.strip().splitlines()) == 1
    cipher._KEYS.clear()
    code, out = _kj(db, None, "list")
    assert code != 0 and "passphrase" in out and "Traceback" not in out
    cipher._KEYS.clear()
    code, out = _kj(db, "pass one", "decrypt")
    assert code == 0 and db.read_bytes().startswith(b"SQLite format 3")
    code, out = _kj(db, "pass two", "encrypt")
    assert code == 0 and "cannot be recovered" in out
    cipher._KEYS.clear()
    code, _ = _kj(db, "pass two", "list")
    assert code == 0


def test_init_encrypt_creates_an_encrypted_journal(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    code, out = _kj(db, "p", "init", "--encrypt", "--timezone", "UTC", "--country", "GB")
    assert code == 0 and not db.read_bytes().startswith(b"SQLite format 3"), out
