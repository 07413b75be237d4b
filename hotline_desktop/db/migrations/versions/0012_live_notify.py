"""Live changes between seats: on PostgreSQL, statement triggers send each committed change of the
edited tables on the `hotline_changes` channel (see db/live.py). SQLite: nothing to do (one seat).

Revision ID: 0012
Revises: 0009
"""

from alembic import op

from hotline_desktop.db.live import drop_statements, trigger_statements

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in trigger_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in drop_statements():
        op.execute(statement)
