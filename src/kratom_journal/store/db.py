"""Opening a journal database: URL handling, SQLite pragmas, version checks, migrations."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.store.private_files import create_private_file, make_private, private_folder

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"


class Base(DeclarativeBase):
    """Declarative base of every journal table."""


class JournalOpenError(JournalUnavailable):
    """The database cannot be used as a journal; the message says why."""


def database_url(target: str | Path) -> str:
    """Turn a file path or a SQLAlchemy URL into a URL."""
    text = str(target)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError:
            raise JournalOpenError(f"{text}: not a valid database URL") from None
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def create_journal_engine(url: str) -> Engine:
    """Create an engine; SQLite files get WAL mode, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed.database)
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    from kratom_journal.store.versioning import watch_writes

    watch_writes(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's implicit transactions would defeat SQLAlchemy's BEGIN; let it manage them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


READ_ONLY = "kj_read_only"
"""Execution option of the journal's read-only sessions (``Journal.reading``)."""


def _sqlite_begin(connection: Connection) -> None:
    """Start SQLite transactions explicitly (see ``_sqlite_pragmas``).

    Transactions that may write take the write lock at once (``IMMEDIATE``), so that
    concurrent writers queue on the busy timeout instead of failing with "database
    is locked" when a read-then-write transaction finds its snapshot outdated.
    """
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _check_sqlite_file(database: str | None) -> None:
    if not database or database == ":memory:":
        return
    path = Path(database)
    if not path.exists():
        # Created empty and private before SQLite opens it: SQLite gives its WAL and
        # shared-memory files the mode of the database file.
        private_folder(path.parent)
        create_private_file(path)
        return
    if path.is_dir():
        raise JournalOpenError(f"{path}: is a folder, not a journal database file")
    for own in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        make_private(own)
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise JournalOpenError(f"{path}: cannot read the file ({exc.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise JournalOpenError(f"{path}: not a journal database (not an SQLite file)")


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.M)


def shipped_heads() -> set[str]:
    """Head revisions of the shipped migrations, read from the files without Alembic.

    Opening an up-to-date journal is the common case (every ``kj log``); reading
    the revision lines is much cheaper than importing Alembic to learn the same.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            found = set(re.findall(r"['\"]([^'\"]+)['\"]", value))
            (revisions if name == "revision" else parents).update(found)
    return revisions - parents


def _current_revisions(engine: Engine) -> tuple[set[str], set[str]]:
    """The journal's tables and the migration revisions it records."""
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            current: set[str] = set()
            if "alembic_version" in tables:
                rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version")
                current = {row[0] for row in rows}
    except (DatabaseError, OperationalError) as exc:
        reason = " ".join(str(exc.orig).split())
        raise JournalOpenError(
            f"{_describe(engine)}: cannot open the database ({reason})"
        ) from None
    return tables, current


def migrate(engine: Engine) -> None:
    """Check the database is a journal this version understands, then upgrade it."""
    tables, current = _current_revisions(engine)
    if current and current == shipped_heads():
        return
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    if tables and "alembic_version" not in tables:
        raise JournalOpenError(
            f"{_describe(engine)}: this database is not a Kratom Journal journal "
            f"(it has tables {', '.join(sorted(tables)[:5])} but no journal version)"
        )
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = current - known
    if unknown:
        raise JournalOpenError(
            f"{_describe(engine)}: this journal was written by a newer version of Kratom Journal "
            f"(schema {', '.join(sorted(unknown))}); upgrade the program to open it"
        )
    heads = set(script.get_heads())
    if current == heads:
        return
    from kratom_journal.store.versioning import MIGRATING

    with engine.begin() as conn:
        conn.info[MIGRATING] = True
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")
        finally:
            conn.info.pop(MIGRATING, None)


def _describe(engine: Engine) -> str:
    if engine.url.get_backend_name() == "sqlite":
        return str(engine.url.database)
    return engine.url.render_as_string(hide_password=True)
