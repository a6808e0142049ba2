"""Row-level security in a real PostgreSQL: proven with raw SQL as the app role.

What is tested: every journal table is walled off (owner column, RLS enabled and
forced, owner-first natural keys); a raw ``SELECT`` without ``WHERE`` run as the app
role returns only the signed-in person's rows, in every table; no rows without a
person; a forged subject, a write into another person's rows and turning RLS off are
refused by the database; a grant shows exactly its areas and a revoked one nothing;
the server refuses SQLite, the tables' owner and a superuser.
What is NOT tested: the HTTP routes (test_idor.py) and the sign-in rules (test_asvs.py).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect

from kratom_journal.domain.entries import Kind
from kratom_journal.services.server import sharing
from kratom_journal.store.server.rls import journal_tables
from kratom_journal.store.server.schema import (
    ServerDatabaseError,
    check_server_url,
    open_server_database,
)
from kratom_journal.store.tenancy import acting_as
from tests.pg_server import PostgresServer, postgres_bin
from tests.server.conftest import ServerUrls
from tests.server.people import Person, fill_journal, new_person
from tests.server.pg_roles import APP_ROLE, BACKUP_ROLE, OWNER_ROLE

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def two_people(server_db, tmp_path_factory) -> tuple[Person, Person]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("rls")
    a = fill_journal(server_db, new_person(server_db, "alice"), folder, crisis=True)
    b = fill_journal(server_db, new_person(server_db, "bob"), folder)
    return a, b


@pytest.fixture
def app_connection(
    postgres_server: PostgresServer, server_urls: ServerUrls
) -> Iterator[psycopg.Connection]:
    """A plain psycopg connection as the app role: no SQLAlchemy, no product code."""
    with psycopg.connect(
        f"host=127.0.0.1 port={postgres_server.port} user={APP_ROLE} dbname={server_urls.name}"
    ) as conn:
        yield conn


def _as(conn: psycopg.Connection, user: object, subject: object | None = None) -> None:
    conn.execute(
        "SELECT set_config('app.user_id', %s, true), set_config('app.subject_id', %s, true)",
        (str(user), str(subject or user)),
    )


def test_every_journal_table_is_walled_off(server_db) -> None:  # type: ignore[no-untyped-def]
    with server_db.engine.connect() as conn:
        inspector = inspect(conn)
        rows = {
            name: (enabled, forced)
            for name, enabled, forced in conn.exec_driver_sql(
                "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
            )
        }
        for table in journal_tables():
            assert "owner_id" in {c["name"] for c in inspector.get_columns(table.name)}, table.name
            assert rows[table.name] == (True, True), table.name
            key = inspector.get_pk_constraint(table.name)["constrained_columns"]
            serial = len(key) == 1 and table.primary_key.columns[key[0]].type.python_type is int
            assert serial or key[0] == "owner_id", f"{table.name}: {key}"
            for unique in inspector.get_unique_constraints(table.name):
                assert unique["column_names"][0] == "owner_id", table.name


def test_a_raw_select_without_where_shows_only_ones_own_rows(
    two_people: tuple[Person, Person], app_connection: psycopg.Connection
) -> None:
    alice, bob = two_people
    for person in (alice, bob):
        with app_connection.transaction():
            _as(app_connection, person.id)
            for table in journal_tables():
                owners = {
                    row[0] for row in app_connection.execute(f'SELECT owner_id FROM "{table.name}"')
                }
                assert owners == {person.id}, table.name
    with app_connection.transaction():
        for table in journal_tables():
            count = app_connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()
            assert count == (0,), f"{table.name} without a person"


def test_a_forged_subject_sees_nothing(
    two_people: tuple[Person, Person], app_connection: psycopg.Connection
) -> None:
    alice, bob = two_people
    with app_connection.transaction():
        _as(app_connection, bob.id, subject=alice.id)
        for table in journal_tables():
            count = app_connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()
            assert count == (0,), table.name


def test_writes_into_another_persons_rows_are_refused(
    two_people: tuple[Person, Person], app_connection: psycopg.Connection
) -> None:
    alice, bob = two_people
    with app_connection.transaction():
        _as(app_connection, bob.id)
        updated = app_connection.execute(
            "UPDATE mood_checkins SET mood = 0 WHERE id = %s", (alice.ids["mood"],)
        )
        assert updated.rowcount == 0
        assert app_connection.execute("DELETE FROM doses").rowcount == 1  # bob's own dose only
        raise psycopg.Rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with app_connection.transaction():
            _as(app_connection, bob.id)
            app_connection.execute(
                "INSERT INTO settings (owner_id, key, value) VALUES (%s, 'country', 'US')",
                (alice.id,),
            )


def test_the_app_role_cannot_turn_row_security_off(app_connection: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with app_connection.transaction():
            app_connection.execute("ALTER TABLE doses DISABLE ROW LEVEL SECURITY")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with app_connection.transaction():
            app_connection.execute("SET LOCAL row_security = off")
            app_connection.execute("SELECT count(*) FROM doses")


def test_a_grant_shows_its_areas_only_and_revoking_hides_them(
    two_people: tuple[Person, Person], server_db
) -> None:  # type: ignore[no-untyped-def]
    alice, _ = two_people
    clinician = new_person(server_db, "clin", role="clinician")
    grant = sharing.share_with_clinician(
        server_db, alice.id, clinician.username, ["sleep", "questionnaires"], 30
    )
    with acting_as(clinician.id, alice.id):
        assert {s.kind for s in server_db.journal.entries.list()} == {Kind.SLEEP}
        settings = server_db.journal.settings.all()
    assert "timezone" in settings and "patient-name" not in settings and "country" not in settings
    rows = sharing.patients(server_db, clinician.id)
    assert [r.id for r in rows] == [alice.id] and rows[0].crisis_day is not None
    sharing.revoke(server_db, alice.id, grant.id)
    with acting_as(clinician.id, alice.id):
        assert server_db.journal.entries.list() == []
        assert server_db.journal.settings.all() == {}
    assert sharing.patients(server_db, clinician.id) == []


def test_only_the_giver_can_revoke(two_people: tuple[Person, Person], server_db) -> None:  # type: ignore[no-untyped-def]
    alice, bob = two_people
    clinician = new_person(server_db, "clin2", role="clinician")
    grant = sharing.share_with_clinician(server_db, alice.id, clinician.username, ["all"], 30)
    from kratom_journal.domain.errors import NotFound

    for someone in (bob.id, clinician.id):
        with pytest.raises(NotFound):
            sharing.revoke(server_db, someone, grant.id)
    assert [r.id for r in sharing.patients(server_db, clinician.id)] == [alice.id]


def test_sqlite_the_owner_and_a_superuser_are_refused(
    postgres_server: PostgresServer, server_urls: ServerUrls, tmp_path: Path
) -> None:
    with pytest.raises(ServerDatabaseError, match="needs PostgreSQL"):
        check_server_url(f"sqlite:///{tmp_path / 'journal.sqlite3'}")
    with pytest.raises(ServerDatabaseError, match="owns the tables"):
        open_server_database(server_urls.owner)
    superuser = f"postgresql+psycopg://postgres@127.0.0.1:{postgres_server.port}/{server_urls.name}"
    with pytest.raises(ServerDatabaseError, match="superuser"):
        open_server_database(superuser)
    assert OWNER_ROLE in server_urls.owner


def test_new_rows_get_their_owner_from_the_transaction(
    two_people: tuple[Person, Person], app_connection: psycopg.Connection
) -> None:
    _, bob = two_people
    with app_connection.transaction():
        _as(app_connection, bob.id)
        app_connection.execute(
            "INSERT INTO analysis_cache (name, data_version, payload, computed_at_utc) "
            "VALUES ('probe-2', 'v0', '{}', %s)",
            (datetime.now(UTC).replace(tzinfo=None),),
        )
        owner = app_connection.execute(
            "SELECT owner_id FROM analysis_cache WHERE name = 'probe-2'"
        ).fetchone()
        assert owner == (bob.id,)
        raise psycopg.Rollback()


@pytest.mark.usefixtures("two_people")
def test_backups_run_as_the_backup_role(
    postgres_server: PostgresServer, server_urls: ServerUrls, tmp_path: Path
) -> None:
    """pg_dump as the tables' owner is refused (RLS is forced); the backup role dumps."""
    dump = [
        str(postgres_bin() / "pg_dump"),
        "-h",
        "127.0.0.1",
        "-p",
        str(postgres_server.port),
        "-Fc",
        "-f",
        str(tmp_path / "kj.dump"),
        server_urls.name,
    ]
    owner = subprocess.run([*dump, "-U", OWNER_ROLE], capture_output=True, text=True, timeout=120)
    assert owner.returncode != 0
    assert "row-level security" in owner.stderr
    backup = subprocess.run([*dump, "-U", BACKUP_ROLE], capture_output=True, text=True, timeout=120)
    assert backup.returncode == 0, backup.stderr
    listing = subprocess.run(
        [str(postgres_bin() / "pg_restore"), "--list", str(tmp_path / "kj.dump")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "TABLE DATA public doses" in listing.stdout
