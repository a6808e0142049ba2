"""Wearable imports remember the time zone they read offset-less times in; nights keep
the vendor's sleep score; named column maps for sleep CSV files.

Revision ID: 0009_import_zones
Revises: 0008_idempotency_keys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_import_zones"
down_revision = "0008_idempotency_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wearable_import", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("zone_from", sa.String(length=16), nullable=True))
    with op.batch_alter_table("wearable_night", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sleep_score", sa.Float(), nullable=True))
    op.create_table(
        "wearable_csv_profile",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("wearable_csv_profile")
    with op.batch_alter_table("wearable_night", schema=None) as batch_op:
        batch_op.drop_column("sleep_score")
    with op.batch_alter_table("wearable_import", schema=None) as batch_op:
        batch_op.drop_column("zone_from")
        batch_op.drop_column("zone")
