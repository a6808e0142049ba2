"""Durable storage: SQLAlchemy 2 tables, Alembic migrations, the Journal repository."""
