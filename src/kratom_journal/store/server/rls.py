"""Row-level security: each person's rows walled off by PostgreSQL itself.

Every journal table gets an ``owner_id`` (filled from ``app.user_id`` when a row is
written) and four policies:

* read: the row's owner is ``app.subject_id`` and either ``app.user_id`` itself or
  someone who holds an active grant from the owner for the table's area;
* insert, update, delete: only one's own rows, and only while looking at one's own
  data (someone reading another person's journal writes nothing at all).

The tables are ``FORCE ROW LEVEL SECURITY``, so even their owner sees nothing unless
the migration runner opens maintenance (``app.maintenance``, honoured only for the
owner role). The app connects as a role that neither owns the tables nor may bypass
row-level security (:func:`check_app_role` refuses to serve otherwise).

This is applied from the journal's tables as they are, after every migration, so a
table a later journal migration adds is walled off too (the tests check each one).
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text
from sqlalchemy.sql.schema import Table

from kratom_journal.domain.errors import JournalUnavailable
from kratom_journal.store.tables import metadata as journal_metadata

NIL_OWNER = "00000000-0000-0000-0000-000000000000"
"""Owner of rows written with no person (seed rows of journal migrations): visible to nobody."""

AREAS = ("doses", "sleep", "mood", "side-effects", "questionnaires", "medicines", "experiments")
"""What a person can share, one by one; ``all`` shares every area and the derived caches."""

TABLE_AREAS = {
    "doses": "doses",
    "sleep_diary": "sleep",
    "mood_checkins": "mood",
    "side_effects": "side-effects",
    "questionnaire_administrations": "questionnaires",
    "declared_medicines": "medicines",
    "experiments": "experiments",
    "experiment_logs": "experiments",
    "wearable_source": "sleep",
    "wearable_import": "sleep",
    "wearable_sample": "sleep",
    "wearable_night": "sleep",
    "journal_changes": "any",
}
"""The area each journal table belongs to; a table not named here is shared only with ``all``."""

NEUTRAL_SETTINGS = ("timezone", "units", "sleep-source-priority")
"""Settings any grantee may read (needed to draw journal days); the rest need ``profile``."""

_ENTRY_KIND_AREAS = {
    "dose": "doses",
    "sleep": "sleep",
    "mood": "mood",
    "side-effect": "side-effects",
}

UNOWNED_TABLES = frozenset({"alembic_version"})

FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION kj_user_id() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$""",
    """CREATE OR REPLACE FUNCTION kj_subject_id() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT NULLIF(current_setting('app.subject_id', true), '')::uuid $$""",
    f"""CREATE OR REPLACE FUNCTION kj_new_owner() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT COALESCE(kj_user_id(), '{NIL_OWNER}'::uuid) $$""",
    # Runs with the caller's rights: a grantee sees the grants made to them, nothing else.
    """CREATE OR REPLACE FUNCTION kj_granted(owner uuid, area text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
      SELECT EXISTS (
        SELECT 1 FROM access_grants g
        WHERE g.owner_id = owner AND g.grantee_id = kj_user_id()
          AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now())
          AND (area = 'any' OR 'all' = ANY (g.areas) OR area = ANY (g.areas)))
    $$""",
]

OWN = "owner_id = kj_user_id() AND owner_id = kj_subject_id()"


def read_rule(table: str) -> str:
    """The read policy's expression for a journal table."""
    if table == "settings":
        neutral = ", ".join(f"'{key}'" for key in NEUTRAL_SETTINGS)
        area = f"CASE WHEN key IN ({neutral}) THEN 'any' ELSE 'profile' END"
    elif table == "entry_revisions":
        cases = " ".join(f"WHEN '{k}' THEN '{a}'" for k, a in _ENTRY_KIND_AREAS.items())
        area = f"CASE kind {cases} ELSE 'all' END"
    else:
        area = f"'{TABLE_AREAS.get(table, 'all')}'"
    return (
        f"owner_id = kj_subject_id() AND (owner_id = kj_user_id() OR kj_granted(owner_id, {area}))"
    )


def journal_tables() -> list[Table]:
    """Every table of the journal schema that holds a person's rows."""
    return [t for t in journal_metadata.sorted_tables if t.name not in UNOWNED_TABLES]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_serial_key(table: Table) -> bool:
    """A single auto-numbered integer key: unique across people, and other tables point at it."""
    columns = list(table.primary_key.columns)
    if len(columns) != 1:
        return False
    column = columns[0]
    python_type = getattr(column.type, "python_type", None)
    return python_type is int and column.autoincrement in (True, "auto")


def own_table(conn: Connection, table: Table, owner_role: str) -> None:
    """Give one journal table its owner column, owner-first keys and policies (idempotent)."""
    name = _quoted(table.name)
    inspector = inspect(conn)
    columns = {c["name"] for c in inspector.get_columns(table.name)}
    if "owner_id" not in columns:
        conn.execute(
            text(f"ALTER TABLE {name} ADD COLUMN owner_id uuid NOT NULL DEFAULT kj_new_owner()")
        )
    _owner_first_keys(conn, table)
    conn.execute(text(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"))
    conn.execute(text(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY"))
    for policy in ("kj_read", "kj_insert", "kj_update", "kj_delete", "kj_maintenance"):
        conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON {name}"))
    conn.execute(
        text(f"CREATE POLICY kj_read ON {name} FOR SELECT USING ({read_rule(table.name)})")
    )
    conn.execute(text(f"CREATE POLICY kj_insert ON {name} FOR INSERT WITH CHECK ({OWN})"))
    conn.execute(
        text(f"CREATE POLICY kj_update ON {name} FOR UPDATE USING ({OWN}) WITH CHECK ({OWN})")
    )
    conn.execute(text(f"CREATE POLICY kj_delete ON {name} FOR DELETE USING ({OWN})"))
    maintenance = "current_setting('app.maintenance', true) = 'on'"
    conn.execute(
        text(
            f"CREATE POLICY kj_maintenance ON {name} TO {_quoted(owner_role)} "
            f"USING ({maintenance}) WITH CHECK ({maintenance})"
        )
    )


def _owner_first_keys(conn: Connection, table: Table) -> None:
    """Natural keys become per person: (owner_id, key...); serial ids get an owner index."""
    inspector = inspect(conn)
    name = _quoted(table.name)
    primary = inspector.get_pk_constraint(table.name)
    pk_columns = list(primary.get("constrained_columns") or [])
    if pk_columns and "owner_id" not in pk_columns:
        if _is_serial_key(table):
            index = _quoted(f"ix_{table.name}_owner_id")
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {index} ON {name} (owner_id)"))
        else:
            constraint = _quoted(primary["name"] or f"{table.name}_pkey")
            keys = ", ".join(_quoted(c) for c in ["owner_id", *pk_columns])
            conn.execute(text(f"ALTER TABLE {name} DROP CONSTRAINT {constraint}"))
            conn.execute(
                text(f"ALTER TABLE {name} ADD CONSTRAINT {constraint} PRIMARY KEY ({keys})")
            )
    for unique in inspector.get_unique_constraints(table.name):
        cols = list(unique["column_names"])
        if "owner_id" in cols:
            continue
        constraint = _quoted(unique["name"] or f"uq_{table.name}_{'_'.join(cols)}")
        keys = ", ".join(_quoted(c) for c in ["owner_id", *cols])
        conn.execute(text(f"ALTER TABLE {name} DROP CONSTRAINT {constraint}"))
        conn.execute(text(f"ALTER TABLE {name} ADD CONSTRAINT {constraint} UNIQUE ({keys})"))
    for found in inspector.get_indexes(table.name):
        cols = [c for c in found["column_names"] if c]
        if not found.get("unique") or "owner_id" in cols or found.get("duplicates_constraint"):
            continue
        index_name = _quoted(found["name"] or f"ix_{table.name}_{'_'.join(cols)}")
        keys = ", ".join(_quoted(c) for c in ["owner_id", *cols])
        conn.execute(text(f"DROP INDEX {index_name}"))
        conn.execute(text(f"CREATE UNIQUE INDEX {index_name} ON {name} ({keys})"))


SERVER_POLICIES = {
    "access_grants": [
        "CREATE POLICY kj_read ON access_grants FOR SELECT "
        "USING (owner_id = kj_user_id() OR grantee_id = kj_user_id())",
        "CREATE POLICY kj_insert ON access_grants FOR INSERT WITH CHECK (owner_id = kj_user_id())",
        "CREATE POLICY kj_update ON access_grants FOR UPDATE "
        "USING (owner_id = kj_user_id()) WITH CHECK (owner_id = kj_user_id())",
        "CREATE POLICY kj_delete ON access_grants FOR DELETE USING (owner_id = kj_user_id())",
    ],
    "study_participants": [
        "CREATE POLICY kj_read ON study_participants FOR SELECT USING (owner_id = kj_user_id() "
        "OR study_id IN (SELECT id FROM studies WHERE researcher_id = kj_user_id()))",
        "CREATE POLICY kj_insert ON study_participants FOR INSERT "
        "WITH CHECK (owner_id = kj_user_id())",
        "CREATE POLICY kj_update ON study_participants FOR UPDATE "
        "USING (owner_id = kj_user_id()) WITH CHECK (owner_id = kj_user_id())",
        "CREATE POLICY kj_delete ON study_participants FOR DELETE USING (owner_id = kj_user_id())",
    ],
    "reminder_feeds": [
        "CREATE POLICY kj_read ON reminder_feeds FOR SELECT USING (owner_id = kj_user_id())",
        "CREATE POLICY kj_insert ON reminder_feeds FOR INSERT WITH CHECK (owner_id = kj_user_id())",
        "CREATE POLICY kj_update ON reminder_feeds FOR UPDATE "
        "USING (owner_id = kj_user_id()) WITH CHECK (owner_id = kj_user_id())",
        "CREATE POLICY kj_delete ON reminder_feeds FOR DELETE USING (owner_id = kj_user_id())",
    ],
}
"""The server's person-owned tables: a grant is seen by its giver and its grantee; a
participation by the participant and the study's researcher; a reminder feed by its
owner alone."""

APPEND_ONLY = frozenset({"audit_log"})


def apply_row_security(
    conn: Connection, owner_role: str, app_role: str, backup_role: str | None = None
) -> None:
    """Wall off every person-owned table and give the app role what it may do (idempotent).

    A ``backup_role`` (LOGIN BYPASSRLS, for ``pg_dump`` only) may read every table.
    """
    for statement in FUNCTIONS:
        conn.execute(text(statement))
    for table in journal_tables():
        own_table(conn, table, owner_role)
    for table_name, policies in SERVER_POLICIES.items():
        quoted = _quoted(table_name)
        conn.execute(text(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY"))
        for policy in ("kj_read", "kj_insert", "kj_update", "kj_delete", "kj_maintenance"):
            conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON {quoted}"))
        for statement in policies:
            conn.execute(text(statement))
        maintenance = "current_setting('app.maintenance', true) = 'on'"
        conn.execute(
            text(
                f"CREATE POLICY kj_maintenance ON {quoted} TO {_quoted(owner_role)} "
                f"USING ({maintenance}) WITH CHECK ({maintenance})"
            )
        )
    _grant_app_role(conn, app_role)
    if backup_role:
        _require_role(conn, backup_role)
        role = _quoted(backup_role)
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))


def _require_role(conn: Connection, name: str) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name})
    if exists.first() is None:
        raise JournalUnavailable(
            f"the role {name!r} does not exist; create it first "
            f"(CREATE ROLE {name} LOGIN PASSWORD '...'), then run the migration again"
        )


def _grant_app_role(conn: Connection, app_role: str) -> None:
    role = _quoted(app_role)
    _require_role(conn, app_role)
    tables = inspect(conn).get_table_names()
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
    for table_name in tables:
        quoted = _quoted(table_name)
        if table_name in ("alembic_version", "kj_server_version"):
            conn.execute(text(f"GRANT SELECT ON {quoted} TO {role}"))
        elif table_name in APPEND_ONLY:
            conn.execute(text(f"GRANT SELECT, INSERT ON {quoted} TO {role}"))
        else:
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {role}"))
    conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    conn.execute(text(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role}"))
