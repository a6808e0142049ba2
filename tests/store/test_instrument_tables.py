"""The questionnaire table exists after opening a journal, via migration 0002."""

from __future__ import annotations

from sqlalchemy import inspect

from kratom_journal.store.db import shipped_heads


def test_migration_creates_table(journal) -> None:
    with journal.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        heads = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    assert "questionnaire_administrations" in tables
    # 0006 joins the area branches (0002 among them); one head since.
    assert heads == shipped_heads() and len(heads) == 1
