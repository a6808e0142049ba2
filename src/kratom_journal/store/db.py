"""Opening a journal database: URL handling, SQLite pragmas, version checks, migrations."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool, QueuePool

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.store.cipher import FileKey, key_for
from kratom_journal.store.cipher import connect as cipher_connect
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
    if not text.strip():
        raise JournalOpenError("no journal given: --db needs a file path or a database URL")
    if "://" in text:
        try:
            url = make_url(text)
        except ArgumentError:
            raise JournalOpenError(f"{text}: not a valid database URL") from None
        if url.get_backend_name() == "sqlite" and not url.database:
            raise JournalOpenError(
                f"{text}: the URL names no file; use sqlite:///PATH (or just the file's path)"
            )
        return text
    return f"sqlite:///{Path(text).expanduser()}"


BUSY_TIMEOUT_SECONDS = 30.0
"""How long a write waits for another program's write to finish before giving up."""

SQLITE_POOL_SIZE = 8
"""Idle connections a pooled SQLite engine keeps (more are opened when needed, and closed)."""


def create_journal_engine(url: str, pooled: bool = False, *, pre_ping: bool = True) -> Engine:
    """Create an engine; SQLite files get WAL mode, foreign keys and a busy timeout.

    An SQLite journal opens a connection per transaction unless ``pooled`` (a
    long-running server: opening one costs more than most reads, a couple of ms);
    the pool never makes a request wait for a connection. ``pre_ping`` checks a
    pooled PostgreSQL connection before each use (a round trip); a caller with its
    own check turns it off.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed.database)
        key = key_for(parsed.database) if parsed.database not in (None, ":memory:") else None
        if key is not None:
            # SQLAlchemy's SQLCipher dialect sets the raw key on each new connection.
            parsed = parsed.set(drivername="sqlite+pysqlcipher", password=key.pragma())
        connect = _sqlite_connect(parsed.database, key)
        if pooled and "creator" not in connect:  # a read-only, immutable journal is not pooled
            engine = create_engine(
                parsed,
                poolclass=QueuePool,
                pool_size=SQLITE_POOL_SIZE,
                max_overflow=-1,
                connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
        else:
            engine = create_engine(parsed, poolclass=NullPool, **connect)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        from kratom_journal.store.faults import watch_faults

        watch_faults(engine)
    else:
        engine = _other_engine(url, pre_ping)
    from kratom_journal.store.versioning import watch_writes

    watch_writes(engine)
    return engine


def _sqlite_connect(database: str | None, key: FileKey | None = None) -> dict[str, object]:
    """Connection arguments; a journal on a read-only file system is opened immutable.

    SQLite needs to create the WAL's shared-memory file beside the journal even to
    read it; where nothing can be created the journal is opened read-only and
    immutable instead, so it can still be read, listed and exported.
    """
    from kratom_journal.store.faults import read_only_place

    path = Path(database) if database and database != ":memory:" else None
    if path is None or not read_only_place(path):
        return {"connect_args": {"timeout": BUSY_TIMEOUT_SECONDS}}
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"

    def connect() -> sqlite3.Connection:
        return cipher_connect(uri, key, uri=True, timeout=BUSY_TIMEOUT_SECONDS)

    return {"creator": connect}


def _other_engine(url: str, pre_ping: bool = True) -> Engine:
    try:
        return create_engine(url, pool_pre_ping=pre_ping)
    except NoSuchModuleError:
        scheme = url.split("://", 1)[0]
        raise JournalOpenError(
            f"{make_url(url).render_as_string(hide_password=True)}: unknown kind of database "
            f"{scheme!r}; give a file path, sqlite:///PATH or postgresql+psycopg://..."
        ) from None
    except ImportError as exc:
        raise JournalOpenError(
            f"{make_url(url).render_as_string(hide_password=True)}: the database driver "
            f"is not installed ({exc.name or exc})"
        ) from None


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's implicit transactions would defeat SQLAlchemy's BEGIN; let it manage them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Another program's database is left exactly as it was (WAL mode changes its header).
    ours = cursor.execute(
        "SELECT count(*) = 0 OR sum(name = 'settings') > 0 FROM sqlite_master WHERE type = 'table'"
    ).fetchone()[0]
    if ours:
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
    try:
        info = os.stat(path)
    except FileNotFoundError:
        _create_journal_file(path)
        return
    except OSError as exc:
        raise JournalOpenError(f"{path}: cannot use the file ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise JournalOpenError(f"{path}: is a folder, not a journal database file")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO would block the open for ever, a device would be read as a journal.
        raise JournalOpenError(
            f"{path}: is a {_file_kind(info.st_mode)}, not a journal database file; "
            "give the path of a journal file"
        )
    for own in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            make_private(own)
        except OSError:
            continue  # a read-only file system: the mode cannot change, and nothing leaks
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise JournalOpenError(f"{path}: cannot read the file ({exc.strerror})") from None
    if head and head != SQLITE_MAGIC and key_for(path) is None:
        raise JournalOpenError(
            f"{path}: not a journal database (not an SQLite file), or an encrypted journal: "
            "give its passphrase (asked in a terminal, or --passphrase-file PATH or "
            "$KRATOM_JOURNAL_PASSPHRASE)"
        )


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _create_journal_file(path: Path) -> None:
    # Created empty and private before SQLite opens it: SQLite gives its WAL and
    # shared-memory files the mode of the database file.
    try:
        private_folder(path.parent)
        create_private_file(path)
    except OSError as exc:
        raise JournalOpenError(
            f"{path}: cannot create the journal here ({exc.strerror}); "
            "choose a folder you can write to"
        ) from None


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (``None`` for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def remove_new_journal(path: Path) -> None:
    """Remove a journal file this program just created and could not set up, with its side files."""
    for own in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            own.unlink(missing_ok=True)
        except OSError:
            continue


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


JOURNAL_TABLES = frozenset({"settings", "doses", "entry_revisions"})
"""Tables every version of the journal has had since its first schema."""


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
    if unknown and not JOURNAL_TABLES <= tables:
        raise JournalOpenError(
            f"{_describe(engine)}: this database is not a Kratom Journal journal (it belongs "
            f"to another application: schema {', '.join(sorted(unknown))}); give the path "
            "of a journal file"
        )
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
