"""Wearable imports: sources, raw samples, derived nights, import runs.

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = ("wearables",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wearable_source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("vendor", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("device", sa.String(1000), nullable=False),
        sa.UniqueConstraint("vendor", "name", "version", "device"),
    )
    op.create_table(
        "wearable_import",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records_read", sa.Integer(), nullable=False),
        sa.Column("samples_added", sa.Integer(), nullable=False),
        sa.Column("nights", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("tag_digests", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_wearable_import_file_sha256", "wearable_import", ["file_sha256"])
    op.create_table(
        "wearable_sample",
        sa.Column("start_ms", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("key", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("wearable_source.id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("stage", sa.String(24), nullable=True),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("start_offset_min", sa.Integer(), nullable=False),
        sa.Column("end_offset_min", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("wearable_import.id"), nullable=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "wearable_night",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("wearable_source.id"), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("bed_ms", sa.BigInteger(), nullable=False),
        sa.Column("bed_offset_min", sa.Integer(), nullable=False),
        sa.Column("out_ms", sa.BigInteger(), nullable=False),
        sa.Column("out_offset_min", sa.Integer(), nullable=False),
        sa.Column("time_in_bed_min", sa.Float(), nullable=False),
        sa.Column("total_sleep_min", sa.Float(), nullable=True),
        sa.Column("sleep_onset_latency_min", sa.Float(), nullable=True),
        sa.Column("waso_min", sa.Float(), nullable=True),
        sa.Column("awakenings", sa.Integer(), nullable=True),
        sa.Column("staged", sa.Boolean(), nullable=False),
        sa.Column("awake_min", sa.Float(), nullable=True),
        sa.Column("light_min", sa.Float(), nullable=True),
        sa.Column("deep_min", sa.Float(), nullable=True),
        sa.Column("rem_min", sa.Float(), nullable=True),
        sa.Column("unspecified_min", sa.Float(), nullable=True),
        sa.Column("heart_rate_mean", sa.Float(), nullable=True),
        sa.Column("heart_rate_min", sa.Float(), nullable=True),
        sa.Column("hrv_sdnn_mean", sa.Float(), nullable=True),
        sa.Column("hrv_rmssd_mean", sa.Float(), nullable=True),
        sa.Column("respiratory_rate_mean", sa.Float(), nullable=True),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.UniqueConstraint("night", "source_id"),
    )
    op.create_index("ix_wearable_night_night", "wearable_night", ["night"])


def downgrade() -> None:
    op.drop_index("ix_wearable_night_night", "wearable_night")
    op.drop_table("wearable_night")
    op.drop_table("wearable_sample")
    op.drop_index("ix_wearable_import_file_sha256", "wearable_import")
    op.drop_table("wearable_import")
    op.drop_table("wearable_source")
