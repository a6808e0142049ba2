"""The two database roles of a server, and a migrated server database to copy per test."""

from __future__ import annotations

import psycopg

from tests.pg_server import PostgresServer

OWNER_ROLE = "kj_owner"
APP_ROLE = "kj_app"
BACKUP_ROLE = "kj_backup"


def admin_connect(server: PostgresServer, dbname: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname={dbname}", autocommit=True
    )


def create_roles(server: PostgresServer) -> None:
    """The owner of the tables (runs migrations) and the app's role (neither owner nor super)."""
    with admin_connect(server) as conn:
        for role, extra in ((OWNER_ROLE, ""), (APP_ROLE, ""), (BACKUP_ROLE, " BYPASSRLS")):
            found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if found is None:
                conn.execute(f"CREATE ROLE {role} LOGIN{extra}")


def new_server_database(server: PostgresServer, name: str, template: str | None = None) -> None:
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin_connect(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE}{copy}')


def role_url(server: PostgresServer, role: str, dbname: str) -> str:
    return f"postgresql+psycopg://{role}@127.0.0.1:{server.port}/{dbname}"
