"""Alembic environment of the server's own tables: run on the connection the server hands over."""

from __future__ import annotations

from alembic import context

from kratom_journal.store.server.tables import server_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only kratom_journal.store.server.schema runs these
    raise RuntimeError("server migrations run through kratom_journal.store.server.schema")

context.configure(
    connection=connection,
    target_metadata=server_metadata,
    version_table="kj_server_version",
)
with context.begin_transaction():
    context.run_migrations()
