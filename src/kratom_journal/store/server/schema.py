"""Creating and opening the server database: PostgreSQL only, two roles, checks before serving.

``migrate_server`` runs as the role that owns the tables: the journal's own migrations,
then the server's (their own Alembic chain, version table ``kj_server_version``), then
row-level security over every person-owned table and the app role's privileges.
``open_server_database`` runs as the app role and refuses to serve when that role
could see past row-level security (a superuser, a role with BYPASSRLS, the tables'
owner or a member of it), or when the schema is not the one this version ships.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.orm import Session

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.store.db import create_journal_engine, migrate, shipped_heads
from kratom_journal.store.journal import Journal
from kratom_journal.store.server.rls import apply_row_security, journal_tables
from kratom_journal.store.server.tables import ServerSetting
from kratom_journal.store.tenancy import scope_transactions

SERVER_MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SECRET_KEYS = ("csrf-secret",)
"""Secrets every app process must share (a form drawn by one process is sent to another)."""


class ServerDatabaseError(JournalUnavailable):
    """The server database cannot be used as it is; the message says why and what to do."""


def check_server_url(url: str) -> str:
    """The URL if it names a PostgreSQL database; a one-line refusal otherwise."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ServerDatabaseError(f"{url}: not a database URL (postgresql://...)") from None
    if parsed.get_backend_name() != "postgresql":
        raise ServerDatabaseError(
            "the server needs PostgreSQL (a postgresql:// URL); an SQLite journal is for one "
            "person on one device: open it with 'kj serve'"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _maintenance(conn: Connection) -> None:
    conn.exec_driver_sql("SELECT set_config('app.maintenance', 'on', true)")


def migrate_server(owner_url: str, app_role: str, backup_role: str | None = None) -> None:
    """Bring the server database up to date, as the owner of its tables (idempotent)."""
    engine = create_journal_engine(check_server_url(owner_url))
    event.listen(engine, "begin", _maintenance)
    try:
        _reachable(engine)
        migrate(engine)
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(SERVER_MIGRATIONS_DIR))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")
        with engine.begin() as conn:
            owner = str(conn.execute(text("SELECT current_user")).scalar_one())
            if owner == app_role:
                raise ServerDatabaseError(
                    "migrations must run as the tables' owner, not as the app role "
                    f"{app_role!r}: give --owner-url a different role"
                )
            apply_row_security(conn, owner, app_role, backup_role)
            for key in SECRET_KEYS:
                conn.execute(
                    text(
                        "INSERT INTO server_settings (key, value) VALUES (:k, :v) "
                        "ON CONFLICT (key) DO NOTHING"
                    ),
                    {"k": key, "v": secrets.token_urlsafe(32)},
                )
    finally:
        engine.dispose()


def _reachable(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = " ".join(str(exc.orig).split())
        url = engine.url.render_as_string(hide_password=True)
        raise ServerDatabaseError(f"{url}: cannot connect ({reason})") from None


def server_heads() -> set[str]:
    """Head revisions of the server's own migrations."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(SERVER_MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


class ServerDatabase:
    """The app role's connection to the server database: every person's journal, scoped."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.journal = Journal(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, scoped to whoever is acting now (see ``store.tenancy``)."""
        with self.journal.session() as session:
            yield session

    def setting(self, key: str) -> str | None:
        with self.session() as session:
            row = session.get(ServerSetting, key)
            return row.value if row is not None else None

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as session:
            row = session.get(ServerSetting, key)
            if row is None:
                session.add(ServerSetting(key=key, value=value))
            else:
                row.value = value

    def ready(self) -> bool:
        """The database answers (the readiness check)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError:
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()


PING_AFTER_IDLE_SECONDS = 10.0
"""A pooled connection unused this long is checked before use; busier ones are not."""


def _ping_idle_connections(engine: Engine) -> None:
    """Check a connection on checkout only if it sat idle in the pool.

    A request opens several transactions, each checking a connection out; pinging
    every checkout (``pool_pre_ping``) cost a round trip each, a fifth of a page's
    time under load. A connection used within the last seconds is alive or, if the
    database restarted meanwhile, its error invalidates the whole pool at once.
    """

    def checkin(_dbapi: Any, record: Any) -> None:
        record.info["kj_idle_since"] = time.monotonic()

    def checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("kj_idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi)
        except Exception:  # noqa: BLE001 - any failure means: take another connection
            raise DisconnectionError("a pooled connection was dead") from None

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def open_server_database(app_url: str) -> ServerDatabase:
    """Connect as the app role; refuse a role that could bypass row-level security."""
    url = check_server_url(app_url)
    engine = create_journal_engine(url, pre_ping=False)
    _ping_idle_connections(engine)
    scope_transactions(engine)
    try:
        _reachable(engine)
        with engine.connect() as conn:
            check_schema(conn)
            check_app_role(conn)
    except Exception:
        engine.dispose()
        raise
    return ServerDatabase(engine)


def check_schema(conn: Connection) -> None:
    """The database holds this version's journal and server schema, walled off."""
    tables = set(inspect(conn).get_table_names())
    hint = "run 'kratom-journal server migrate' as the tables' owner first"
    if "kj_server_version" not in tables or "alembic_version" not in tables:
        raise ServerDatabaseError(f"this database is not a Kratom Journal server yet; {hint}")
    journal = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    server = {r[0] for r in conn.execute(text("SELECT version_num FROM kj_server_version"))}
    if journal != shipped_heads() or server != server_heads():
        raise ServerDatabaseError(f"the server database schema is not this version's; {hint}")
    for table in journal_tables():
        columns = {c["name"] for c in inspect(conn).get_columns(table.name)}
        if "owner_id" not in columns:
            raise ServerDatabaseError(f"table {table.name} has no owner column; {hint}")


def check_app_role(conn: Connection) -> None:
    """Refuse to serve as a role that row-level security would not hold."""
    row = conn.execute(
        text(
            "SELECT r.rolname, r.rolsuper, r.rolbypassrls, t.tableowner, "
            "pg_has_role(current_user, t.tableowner, 'MEMBER') "
            "FROM pg_roles r, pg_tables t "
            "WHERE r.rolname = current_user AND t.schemaname = 'public' "
            "AND t.tablename = 'doses'"
        )
    ).one()
    name, superuser, bypass, owner, member = row
    if superuser or bypass:
        raise ServerDatabaseError(
            f"refusing to serve as {name}: a superuser or BYPASSRLS role sees every person's "
            "rows; connect as the app role (see docs/server.md)"
        )
    if name == owner or member:
        raise ServerDatabaseError(
            f"refusing to serve as {name}: it owns the tables and could turn row-level "
            "security off; connect as the app role (see docs/server.md)"
        )
