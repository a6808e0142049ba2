"""Study reminders as a per-participant calendar feed

Revision ID: s0002_reminder_feeds
Revises: s0001_server_tables
"""

from alembic import op
import sqlalchemy as sa

revision = "s0002_reminder_feeds"
down_revision = "s0001_server_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_feeds",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner_id"),
    )


def downgrade() -> None:
    op.drop_table("reminder_feeds")
