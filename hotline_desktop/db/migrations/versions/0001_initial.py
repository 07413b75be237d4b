"""Initial schema: meta, units, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("contact", sa.String(50), nullable=False, server_default=""),
        sa.Column("phone", sa.String(50), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.CheckConstraint("kind IN ('community','department','town')", name="ck_units_kind"),
    )
    op.create_index("ix_units_kind", "units", ["kind"])
    op.create_index("ix_units_parent_id", "units", ["parent_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("field", sa.String(64), nullable=False, server_default=""),
        sa.Column("old_value", sa.Text, nullable=True),
        sa.Column("new_value", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    # 0x48434B35 'HCK5' marks a hotline database: SQLite's header field, a row on a server
    if op.get_context().dialect.name == "sqlite":
        op.execute("PRAGMA application_id = 1212364853")
    else:
        op.execute(f"INSERT INTO app_meta (key, value) VALUES ('application_id', '{0x48434B35}')")


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("units")
    op.drop_table("app_meta")
