"""工单明细: imported work orders, import batches, the figures counted from them, saved column
maps (profiles) and the unit alias table.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False, server_default=""),
        sa.Column("months", sa.Text, nullable=False, server_default=""),  # YYYY-MM, comma separated
        sa.Column("orders", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
    )
    # times: local wall-clock seconds since 1970-01-01 (NULL when empty); month: of 受理时间
    op.create_table(
        "work_orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("order_imports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("unit_name", sa.Text, nullable=False, server_default=""),
        sa.Column("accepted", sa.BigInteger, nullable=False),
        sa.Column("dispatched", sa.BigInteger, nullable=True),
        sa.Column("signed", sa.BigInteger, nullable=True),
        sa.Column("contacted", sa.BigInteger, nullable=True),
        sa.Column("due", sa.BigInteger, nullable=True),
        sa.Column("completed", sa.BigInteger, nullable=True),
        sa.Column("returned", sa.BigInteger, nullable=True),
        sa.Column("order_type", sa.Integer, nullable=False, server_default="0"),  # index into the field's choices
        sa.Column("visit", sa.Integer, nullable=False, server_default="-1"),
        sa.Column("rework", sa.Integer, nullable=False, server_default="0"),
        sa.Column("returns", sa.Integer, nullable=False, server_default="0"),
        sa.Column("extensions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("anonymous", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("route", sa.Text, nullable=False, server_default=""),
        sa.Column("source_row", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("number", name="uq_work_orders_number"),
    )
    op.create_index("ix_work_orders_month_unit", "work_orders", ["month", "unit_id"])
    op.create_table(
        "order_figures",  # what the orders give each scheme input of a unit in a month
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scheme_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("hit", sa.Integer, nullable=False),
        sa.Column("base", sa.Integer, nullable=False),
    )
    op.create_table(
        "order_months",  # months whose figures come from imported orders
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("order_imports.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_table(
        "order_profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),  # JSON: field name → header
        sa.UniqueConstraint("name", name="uq_order_profiles_name"),
    )
    op.create_table(
        "unit_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
        sa.UniqueConstraint("alias", name="uq_unit_aliases_alias"),
    )


def downgrade() -> None:
    for t in ("unit_aliases", "order_profiles", "order_months", "order_figures"):
        op.drop_table(t)
    op.drop_index("ix_work_orders_month_unit", table_name="work_orders")
    op.drop_table("work_orders")
    op.drop_table("order_imports")
