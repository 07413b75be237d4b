"""Assessment data: schemes frozen per year, monthly and annual values, evidence files.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "year_schemes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("scheme_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("definition", sa.Text, nullable=False),  # the scheme file's text, frozen
        sa.Column("frozen_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.UniqueConstraint("year", "scheme_id", name="uq_year_schemes_year_scheme"),
    )
    op.create_table(
        "monthly_values",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year_scheme_id", sa.Integer, sa.ForeignKey("year_schemes.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),  # YYYY-MM
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),  # canonical text when valid, as typed otherwise
        sa.Column("valid", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.UniqueConstraint("year_scheme_id", "unit_id", "month", "key", name="uq_monthly_values_cell"),
    )
    op.create_index("ix_monthly_values_ys_month", "monthly_values", ["year_scheme_id", "month"])
    op.create_table(
        "annual_values",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year_scheme_id", sa.Integer, sa.ForeignKey("year_schemes.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("valid", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("override", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.UniqueConstraint("year_scheme_id", "unit_id", "key", name="uq_annual_values_item"),
    )
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year_scheme_id", sa.Integer, sa.ForeignKey("year_schemes.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.Column("removed_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_evidence_item", "evidence_files", ["year_scheme_id", "unit_id", "key"])


def downgrade() -> None:
    op.drop_table("evidence_files")
    op.drop_table("annual_values")
    op.drop_table("monthly_values")
    op.drop_table("year_schemes")
