"""Journals encrypted at rest with SQLCipher 4, and the keys of the files open in this process.

An encrypted journal is an SQLCipher 4 file: every page is encrypted with
AES-256-CBC and authenticated with HMAC-SHA512; the file's first 16 bytes are
the salt of its key, so the file has no "SQLite format 3" header at all.

The key is derived from the passphrase exactly as SQLCipher 4 does it:
PBKDF2-HMAC-SHA512 over the UTF-8 passphrase with the file's salt and 256,000
iterations, 32 bytes. The program derives it once (about a second on a slow
machine) and hands SQLCipher the raw key, so each new connection costs nothing;
the file still opens in any SQLCipher 4 tool with the passphrase alone.

The derived keys live only in this process's memory (:data:`_KEYS`, by file);
they are never written anywhere.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from kratom_journal.domain.errors import JournalUnavailable

SQLITE_MAGIC = b"SQLite format 3\x00"
KDF_ITERATIONS = 256_000
"""SQLCipher 4's default ``kdf_iter`` (PBKDF2-HMAC-SHA512)."""
KEY_BYTES = 32
SALT_BYTES = 16

DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
"""Errors of either SQLite driver (plain journals use ``sqlite3``, encrypted ones SQLCipher)."""

# SQLCipher logs a failed page check to stderr; the person gets one line from us instead.
_quiet = sqlcipher3.connect(":memory:")
_quiet.execute("PRAGMA cipher_log_level = NONE")
_quiet.close()


class PassphraseNeeded(JournalUnavailable):
    """The journal is encrypted and no passphrase was given."""


class WrongPassphrase(JournalUnavailable):
    """The passphrase does not open the journal."""


@dataclass(frozen=True, slots=True)
class FileKey:
    """The raw SQLCipher key of one file and the salt it was derived with."""

    key: bytes
    salt: bytes

    def pragma(self) -> str:
        """The key as SQLCipher's raw-key literal (key then salt, in hex)."""
        return f"x'{self.key.hex()}{self.salt.hex()}'"

    def __repr__(self) -> str:  # never print a key by accident
        return "FileKey(<hidden>)"


def derive_key(passphrase: str, salt: bytes) -> FileKey:
    """SQLCipher 4's key derivation: PBKDF2-HMAC-SHA512, 256,000 iterations."""
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
    return FileKey(key, salt)


def new_key(passphrase: str) -> FileKey:
    """A key for a new encrypted file (a fresh random salt)."""
    if not passphrase:
        raise JournalUnavailable("the passphrase is empty; choose one you can remember")
    return derive_key(passphrase, os.urandom(SALT_BYTES))


def is_encrypted_file(path: Path) -> bool:
    """Whether ``path`` holds data that is not a plain SQLite file (an encrypted journal)."""
    try:
        # Only a regular file is read: opening a FIFO would wait for ever.
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with Path(path).open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError:
        return False
    return bool(head) and head != SQLITE_MAGIC


_KEYS: dict[str, FileKey] = {}


def _name(path: Path | str) -> str:
    return str(Path(path).expanduser().resolve())


def remember_key(path: Path | str, key: FileKey) -> None:
    """Keep ``key`` in memory as the key of ``path`` (for this process only)."""
    _KEYS[_name(path)] = key


def key_for(path: Path | str) -> FileKey | None:
    """The key this process holds for ``path`` (``None``: a plain file, or still locked)."""
    return _KEYS.get(_name(path))


def forget_key(path: Path | str) -> None:
    """Drop the key of ``path`` from memory (the journal is locked again)."""
    _KEYS.pop(_name(path), None)


def connect(
    target: Path | str, key: FileKey | None, *, uri: bool = False, **options: Any
) -> sqlite3.Connection:
    """A DB-API connection to a plain (``key`` is ``None``) or an encrypted file."""
    if key is None:
        plain: sqlite3.Connection = sqlite3.connect(str(target), uri=uri, **options)
        return plain
    connection: sqlite3.Connection = sqlcipher3.connect(str(target), uri=uri, **options)
    connection.execute(f'PRAGMA key = "{key.pragma()}"')
    return connection


def connect_file(
    path: Path, *, read_only: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    """Open a journal file with the key this process holds for it (if any)."""
    key = key_for(path)
    if not read_only:
        return connect(path, key)
    frozen = "&immutable=1" if immutable else ""
    return connect(f"{Path(path).resolve().as_uri()}?mode=ro{frozen}", key, uri=True)


def unlock(path: Path, passphrase: str) -> FileKey:
    """Derive the key of the encrypted file ``path``, check it opens the file, and keep it.

    Raises :class:`WrongPassphrase` (one line) when it does not.
    """
    with Path(path).open("rb") as handle:
        salt = handle.read(SALT_BYTES)
    key = derive_key(passphrase, salt)
    if not opens_with(path, key):
        raise WrongPassphrase(
            f"{path}: wrong passphrase (or the file is not a journal); nothing was opened"
        )
    remember_key(path, key)
    return key


def opens_with(path: Path, key: FileKey | None) -> bool:
    """Whether ``key`` reads the file's schema."""
    try:
        connection = connect(f"{Path(path).resolve().as_uri()}?mode=ro", key, uri=True)
    except DATABASE_ERRORS:
        return False
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DATABASE_ERRORS:
        return False
    finally:
        connection.close()
    return True
