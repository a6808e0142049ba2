"""questionnaire administrations

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("instruments",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_administrations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("instrument_as_of", sa.String(length=10), nullable=False),
        sa.Column("administered_at_utc", sa.DateTime(), nullable=False),
        sa.Column("administered_at_offset_s", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=64), nullable=True),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=True),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.Column("deleted_at_utc", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_questionnaire_administrations_instrument",
        "questionnaire_administrations",
        ["instrument_id", "administered_at_utc"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_questionnaire_administrations_instrument", table_name="questionnaire_administrations"
    )
    op.drop_table("questionnaire_administrations")
