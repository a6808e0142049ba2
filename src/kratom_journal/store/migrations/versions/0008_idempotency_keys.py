"""Idempotency keys of form and API writes; the crisis resources shown with an answer.

Revision ID: 0008_idempotency_keys
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_idempotency_keys"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_created_at_utc"), ["created_at_utc"], unique=False
        )
    with op.batch_alter_table("questionnaire_administrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crisis_shown", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_administrations", schema=None) as batch_op:
        batch_op.drop_column("crisis_shown")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created_at_utc"))
    op.drop_table("idempotency_keys")
