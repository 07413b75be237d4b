"""督办通知: notices, extension requests, the per-year number counter; monthly override flag.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_counters",  # the last number given per year; never goes down (numbers are never reused)
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),  # core.notices.Channel
        sa.Column("level", sa.String(16), nullable=False),  # core.notices.Level
        sa.Column("issued", sa.Date, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("calendar_days", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("due", sa.Date, nullable=False),  # stored when computed; a calendar edit never moves it silently
        sa.Column("original_due", sa.Date, nullable=False),
        sa.Column("content", sa.Text, nullable=False, server_default=""),
        sa.Column("orders", sa.Text, nullable=False, server_default=""),  # work-order numbers, one per line
        sa.Column("result", sa.Text, nullable=False, server_default=""),
        sa.Column("completed", sa.Date, nullable=True),
        sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("void_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.UniqueConstraint("number", name="uq_notices_number"),
        sa.UniqueConstraint("year", "seq", name="uq_notices_year_seq"),
    )
    op.create_index("ix_notices_unit", "notices", ["unit_id"])
    op.create_index("ix_notices_issued", "notices", ["issued"])
    op.create_table(
        "notice_extensions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("notice_id", sa.Integer, sa.ForeignKey("notices.id", ondelete="CASCADE"), nullable=False),
        sa.Column("asked", sa.Date, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),  # asked | approved | rejected
        sa.Column("days", sa.Integer, nullable=True),
        sa.Column("until", sa.Date, nullable=True),
        sa.Column("decided", sa.Date, nullable=True),
        sa.Column("old_due", sa.Date, nullable=True),
        sa.Column("new_due", sa.Date, nullable=True),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
    )
    op.create_index("ix_notice_extensions_notice", "notice_extensions", ["notice_id"])
    with op.batch_alter_table("monthly_values") as b:
        b.add_column(sa.Column("override", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("monthly_values") as b:
        b.drop_column("override")
    op.drop_table("notice_extensions")
    op.drop_table("notices")
    op.drop_table("notice_counters")
