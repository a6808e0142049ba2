"""Use cases of an encrypted journal: unlock, encrypt, decrypt, change the passphrase.

The faces ask for the passphrase (a terminal prompt, a file, an environment
variable, an unlock page); these functions turn it into the file's key, kept only
in this process's memory (see :mod:`kratom_journal.store.cipher`).
"""

from __future__ import annotations

from pathlib import Path

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.store.cipher import (
    PassphraseNeeded,
    WrongPassphrase,
    forget_key,
    is_encrypted_file,
    key_for,
    new_key,
    remember_key,
    unlock,
)
from kratom_journal.store.conversion import convert_journal
from kratom_journal.store.db import database_url, sqlite_file

__all__ = [
    "PassphraseNeeded",
    "WrongPassphrase",
    "change_passphrase",
    "decrypt_journal",
    "encrypt_journal",
    "journal_file",
    "lock_journal",
    "needs_passphrase",
    "prepare_encrypted_journal",
    "unlock_journal",
]


def journal_file(target: str | Path) -> Path | None:
    """The SQLite file a ``--db`` value names (``None`` for another kind of database)."""
    return sqlite_file(database_url(target))


def needs_passphrase(target: str | Path) -> bool:
    """Whether the journal is an encrypted file this process holds no key for yet."""
    file = journal_file(target)
    return file is not None and is_encrypted_file(file) and key_for(file) is None


def is_encrypted(target: str | Path) -> bool:
    """Whether the journal is an encrypted file (locked or not)."""
    file = journal_file(target)
    return file is not None and is_encrypted_file(file)


def unlock_journal(target: str | Path, passphrase: str) -> None:
    """Derive and keep the key of the encrypted journal; :class:`WrongPassphrase` if it fails."""
    file = _file_of(target)
    unlock(file, passphrase)


def lock_journal(target: str | Path) -> None:
    """Forget the key of the journal (it must be unlocked again to be read)."""
    file = journal_file(target)
    if file is not None:
        forget_key(file)


def prepare_encrypted_journal(target: str | Path, passphrase: str) -> None:
    """Make a journal that does not exist yet be created encrypted with ``passphrase``."""
    file = _file_of(target)
    if file.exists() and file.stat().st_size > 0:
        if is_encrypted_file(file):
            raise JournalUnavailable(f"{file}: the journal is encrypted already")
        raise JournalUnavailable(
            f"{file}: a plain journal exists already; `kj encrypt` encrypts it"
        )
    remember_key(file, new_key(passphrase))


def encrypt_journal(target: str | Path, passphrase: str) -> dict[str, int]:
    """Encrypt a plain journal in place (safely: see :mod:`kratom_journal.store.conversion`)."""
    file = _existing(target)
    if is_encrypted_file(file):
        raise JournalUnavailable(f"{file}: the journal is encrypted already")
    return convert_journal(file, None, new_key(passphrase))


def decrypt_journal(target: str | Path, passphrase: str) -> dict[str, int]:
    """Turn an encrypted journal back into a plain SQLite file."""
    file = _existing(target)
    if not is_encrypted_file(file):
        raise JournalUnavailable(f"{file}: the journal is not encrypted")
    return convert_journal(file, unlock(file, passphrase), None)


def change_passphrase(target: str | Path, old: str, new: str) -> dict[str, int]:
    """Re-encrypt the journal under a new passphrase (and a new salt)."""
    file = _existing(target)
    if not is_encrypted_file(file):
        raise JournalUnavailable(f"{file}: the journal is not encrypted; `kj encrypt` does that")
    return convert_journal(file, unlock(file, old), new_key(new))


def _file_of(target: str | Path) -> Path:
    file = journal_file(target)
    if file is None:
        raise JournalUnavailable(
            f"{target}: only a journal file (SQLite) can be encrypted; "
            "a database server protects its data its own way"
        )
    return file


def _existing(target: str | Path) -> Path:
    file = _file_of(target)
    if not file.is_file():
        raise JournalUnavailable(f"{file}: no journal here")
    return file
