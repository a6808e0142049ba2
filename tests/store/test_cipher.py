"""An encrypted journal hides its contents, opens only with its passphrase, converts losslessly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.services.encryption import decrypt_journal, encrypt_journal
from kratom_journal.services.transfer import export_json
from kratom_journal.store import cipher
from kratom_journal.store.journal import open_journal

SECRETS = (b"SECRET-NOTE-4711", b"Maeng Da Secret", b"sertraline-secret")


def _fill(path: Path) -> None:
    journal = open_journal(path)
    for number, secret in enumerate(SECRETS):
        journal.settings.set(f"probe{number}", secret.decode())
    journal.close()


def _export(path: Path, out: Path) -> str:
    journal = open_journal(path)
    try:
        export_json(journal, out)
    finally:
        journal.close()
    return out.read_text(encoding="utf-8")


def test_encryption_hides_rows_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    _fill(path)
    before = _export(path, tmp_path / "before.json")
    encrypt_journal(path, "correct horse")
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert not any(secret in raw for secret in SECRETS)
    # A write left in the WAL (no checkpoint) is encrypted too.
    journal = open_journal(path)
    journal.settings.set("late", "WAL-SECRET-99")
    holder = cipher.connect_file(path)  # keeps the WAL from being checkpointed away
    wal = Path(f"{path}-wal")
    wal_bytes = wal.read_bytes() if wal.exists() else b""
    holder.close()
    journal.close()
    assert b"WAL-SECRET-99" not in wal_bytes and b"WAL-SECRET-99" not in path.read_bytes()
    cipher.forget_key(path)
    with pytest.raises(JournalUnavailable, match="not a journal database"):
        open_journal(path)
    with pytest.raises(JournalUnavailable, match="wrong passphrase"):
        cipher.unlock(path, "wrong")
    decrypt_journal(path, "correct horse")
    assert path.read_bytes().startswith(b"SQLite format 3")
    with sqlite3.connect(path) as plain:
        assert plain.execute("SELECT value FROM settings WHERE key='late'").fetchone()
    journal = open_journal(path)
    journal.settings.unset("late")
    journal.close()
    assert _export(path, tmp_path / "after.json") == before
    assert (path.stat().st_mode & 0o777) == 0o600


def test_backup_of_an_encrypted_journal_is_the_encrypted_file(tmp_path: Path) -> None:
    from kratom_journal.services.backup import backup

    path = tmp_path / "journal.sqlite3"
    _fill(path)
    encrypt_journal(path, "backup pass")
    journal = open_journal(path)
    target = tmp_path / "backups" / "copy.sqlite3"
    target.parent.mkdir(mode=0o700)
    try:
        assert backup(journal, target) == "SQLite copy, verified"
    finally:
        journal.close()
    raw = target.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and not any(s in raw for s in SECRETS)
    assert (target.stat().st_mode & 0o777) == 0o600
    cipher.forget_key(target)
    cipher.unlock(target, "backup pass")
    copy = open_journal(target)
    assert copy.settings.get("probe0") == SECRETS[0].decode()
    copy.close()
