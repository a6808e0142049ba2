"""declared medicines for interaction checks

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = ("safety",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "declared_medicines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("normalized", sa.String(length=200), nullable=False),
        sa.Column("daily", sa.Boolean(), nullable=False),
        sa.Column("added_at_utc", sa.DateTime(), nullable=False),
        sa.Column("removed_at_utc", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("declared_medicines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declared_medicines_normalized"), ["normalized"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("declared_medicines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declared_medicines_normalized"))
    op.drop_table("declared_medicines")
