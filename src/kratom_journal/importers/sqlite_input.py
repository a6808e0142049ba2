"""SQLite exports (Health Connect, Gadgetbridge), opened so they can never be changed.

A bare file is opened through a ``file:…?mode=ro&immutable=1`` URI: read-only, no
journal or lock files written beside it. A database inside a zip is read into
memory (size-capped) and opened there. Untrusted schema features are off and the
connection is query-only. The schema (tables and their columns) is read once per
member and remembered on the bundle, so recognising a database and importing it
look at the same thing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final
from urllib.parse import quote

from kratom_journal.importers.common import read_bytes
from kratom_journal.importers.safe_input import InputBundle, InputRejected, Member

SQLITE_MAGIC: Final = b"SQLite format 3\x00"
MAX_DB_BYTES: Final = 1024**3

Schema = dict[str, set[str]]
"""Table name → its column names (as the database spells them)."""


def is_sqlite(bundle: InputBundle, member: Member) -> bool:
    """True when the member starts with the SQLite file header."""
    return bundle.head(member, 16) == SQLITE_MAGIC


def connect(bundle: InputBundle, member: Member) -> sqlite3.Connection:
    """A read-only connection to a SQLite member; :class:`InputRejected` if it is not one."""
    label = bundle.display(member)
    if not is_sqlite(bundle, member):
        raise InputRejected(label, "not a SQLite database")
    try:
        if bundle.kind == "zip":
            if member.size > MAX_DB_BYTES:
                raise InputRejected(label, f"database larger than {MAX_DB_BYTES} bytes")
            db = sqlite3.connect(":memory:")
            db.deserialize(read_bytes(bundle, member, MAX_DB_BYTES))
        else:
            full = bundle.path if bundle.kind == "file" else bundle.path / member.name
            uri = f"file:{quote(str(Path(full).resolve()))}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True)
        db.execute("PRAGMA trusted_schema=OFF")
        db.execute("PRAGMA query_only=ON")
    except sqlite3.Error as error:
        raise InputRejected(label, f"cannot open the database ({error})") from None
    return db


def schema(bundle: InputBundle, member: Member) -> Schema | str:
    """The member's tables and columns, or why it cannot be read (remembered per bundle)."""
    key = ("sqlite-schema", member.name)
    found = bundle.memo.get(key)
    if found is None:
        found = _read_schema(bundle, member)
        bundle.memo[key] = found
    return found  # type: ignore[return-value]


def _read_schema(bundle: InputBundle, member: Member) -> Schema | str:
    if not is_sqlite(bundle, member):
        return "not a SQLite database"
    try:
        db = connect(bundle, member)
    except InputRejected as error:
        return error.message
    try:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            name: {str(row[1]) for row in db.execute(f'PRAGMA table_info("{_quoted(name)}")')}
            for name in names
        }
    except sqlite3.DatabaseError as error:
        return f"damaged database ({error})"
    finally:
        db.close()


def _quoted(name: str) -> str:
    return name.replace('"', '""')


def columns_of(found: Schema, table: str) -> set[str]:
    """Upper-cased column names of ``table`` (empty when there is no such table)."""
    return {name.upper() for name in found.get(table, set())}
