"""The questionnaire table exists after opening a journal, via migration 0002."""

from __future__ import annotations

from sqlalchemy import inspect


def test_migration_creates_table(journal) -> None:
    with journal.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        heads = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    assert "questionnaire_administrations" in tables
    assert "0002" in heads
