"""Unit codes are unique whatever their case (c0101 is C0101).

Revision ID: 0006
Revises: 0005

A database that already holds codes differing only in case (the old rule allowed them) gets
a plain NOCASE index instead, so the upgrade never fails on existing data; the service then
refuses any new clash and the operator can rename one of the pair.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    con = op.get_bind()
    # SQLite's NOCASE folds ASCII letters only; on PostgreSQL (C locale) lower() does the same
    key = "code COLLATE NOCASE" if con.dialect.name == "sqlite" else "lower(code)"
    clashes = con.execute(
        sa.text(f"SELECT count(*) FROM (SELECT 1 FROM units GROUP BY {key} HAVING count(*) > 1) AS c")
    ).scalar()
    unique = "UNIQUE " if not clashes else ""
    op.execute(f"CREATE {unique}INDEX ux_units_code_nocase ON units ({key})")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ux_units_code_nocase")
