"""Alembic environment: always run on the connection the journal hands over."""

from __future__ import annotations

from alembic import context

from kratom_journal.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the journal runs migrations
    raise RuntimeError("migrations run through kratom_journal.store.db.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
