"""The server's connection pool survives connections the database dropped.

What is tested: pooled connections are checked only after sitting idle; when the
database ends every connection of the app role (as a restart does), a connection
that was idle is replaced before use, so the next transaction simply works; one that
was in use moments before fails once, which invalidates the pool, and the next works.
What is NOT tested: a whole PostgreSQL restart (other tests share the server).
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kratom_journal.store.server import schema
from kratom_journal.store.server.schema import ServerDatabase, open_server_database
from tests.pg_server import PostgresServer
from tests.server.conftest import ServerUrls, new_server
from tests.server.pg_roles import APP_ROLE

pytestmark = pytest.mark.postgres


@pytest.fixture
def urls(postgres_server: PostgresServer, server_template: str) -> ServerUrls:
    return new_server(postgres_server, server_template)


@pytest.fixture
def db(urls: ServerUrls) -> Iterator[ServerDatabase]:
    found = open_server_database(urls.app)
    yield found
    found.close()


def drop_app_connections(server: PostgresServer, name: str) -> None:
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE usename = %s AND datname = %s",
            (APP_ROLE, name),
        )


def one(db: ServerDatabase) -> int:
    with db.session() as session:
        return int(session.execute(text("SELECT 1")).scalar_one())


def test_an_idle_connection_the_database_dropped_is_replaced(
    db: ServerDatabase, urls: ServerUrls, postgres_server: PostgresServer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    assert one(db) == 1
    drop_app_connections(postgres_server, urls.name)
    monkeypatch.setattr(schema, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if idle for long
    assert one(db) == 1
    assert db.ready()


def test_a_busy_connection_the_database_dropped_fails_once(
    db: ServerDatabase, urls: ServerUrls, postgres_server: PostgresServer
) -> None:
    assert one(db) == 1
    drop_app_connections(postgres_server, urls.name)
    with pytest.raises(DBAPIError):
        one(db)
    assert one(db) == 1
