"""Several seats: a version on every edited row, the operator in the audit log, evidence blobs.

Revision ID: 0009
Revises: 0008

`version` starts at 1 and goes up by one with every UPDATE of the row (optimistic concurrency:
an edit names the version its seat read and is refused when the row moved on). `operator` is who
made the change (on PostgreSQL the session's role by default). `evidence_blobs` holds evidence
files in the database, in chunks, for a server database every seat shares.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

VERSIONED = ("monthly_values", "annual_values", "units", "notices", "notice_extensions", "kb_entries",
             "calendar_days", "app_meta")


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("audit_log", sa.Column("operator", sa.String(64), nullable=False,
                                         server_default=sa.text("current_user") if pg else ""))
    op.create_table(
        "evidence_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("evidence_blobs")
    with op.batch_alter_table("audit_log") as b:
        b.drop_column("operator")
    for table in VERSIONED:
        with op.batch_alter_table(table) as b:
            b.drop_column("version")
