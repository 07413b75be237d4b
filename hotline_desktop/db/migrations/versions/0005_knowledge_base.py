"""知识库: entries, versions, review checks, 校核/发布/撤销 events, feedback, FTS5 trigram index.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# kb_fts holds its own copy of the searched text (rowid = kb_versions.id), kept in sync here.
# A bulk write (import, undo of an import) sets app_meta 'kb_fts_deferred' inside its own
# transaction and writes the index rows for all its versions in one statement (4x faster), then
# clears it again before committing (db/kb_repository.py).
# The same text on PostgreSQL, as one expression (db/kb_repository.py PG_SEARCH_EXPR is this).
PG_SEARCH_EXPR = "question || ' ' || answer || ' ' || basis_name || ' ' || basis_number"
WHEN = "WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'kb_fts_deferred')"
FTS_TRIGGERS = (
    f"""CREATE TRIGGER kb_versions_fts_ai AFTER INSERT ON kb_versions {WHEN} BEGIN
         INSERT INTO kb_fts(rowid, question, answer, basis)
         VALUES (new.id, new.question, new.answer, new.basis_name || ' ' || new.basis_number);
       END""",
    f"""CREATE TRIGGER kb_versions_fts_ad AFTER DELETE ON kb_versions {WHEN} BEGIN
         DELETE FROM kb_fts WHERE rowid = old.id;
       END""",
    f"""CREATE TRIGGER kb_versions_fts_au AFTER UPDATE OF question, answer, basis_name, basis_number
       ON kb_versions {WHEN} BEGIN
         UPDATE kb_fts SET question = new.question, answer = new.answer,
                           basis = new.basis_name || ' ' || new.basis_number
         WHERE rowid = old.id;
       END""",
)


def upgrade() -> None:
    op.create_table(
        "kb_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),  # qa / other
        sa.Column("status", sa.String(16), nullable=False),  # the working version's state
        sa.Column("published_version_id", sa.Integer, nullable=True),  # the visible version
        sa.Column("working_version_id", sa.Integer, nullable=True),
        sa.Column("first_published", sa.Date, nullable=True),
        sa.Column("published_on", sa.Date, nullable=True),  # of the visible version
        sa.Column("review_by", sa.Date, nullable=True),
        sa.Column("withdrawn_on", sa.Date, nullable=True),
        sa.Column("withdraw_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
    )
    op.create_index("ix_kb_entries_unit", "kb_entries", ["unit_id"])
    op.create_index("ix_kb_entries_status", "kb_entries", ["status"])
    op.create_table(
        "kb_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("kb_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # Status values or 'superseded'
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("basis_name", sa.Text, nullable=False, server_default=""),
        sa.Column("basis_number", sa.String(100), nullable=False, server_default=""),
        sa.Column("basis_attachments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("effective_date", sa.Date, nullable=True),
        sa.Column("published_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.UniqueConstraint("entry_id", "number", name="uq_kb_versions_number"),
    )
    op.create_table(
        "kb_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("kb_versions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("item", sa.Integer, nullable=False),  # 1..4 (第九条)
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("reviewed_on", sa.Date, nullable=False),
        sa.UniqueConstraint("version_id", "round", "item", name="uq_kb_checks_item"),
    )
    op.create_table(
        "kb_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("kb_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # publish / verify / withdraw
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("version_number", sa.Integer, nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_kb_events_entry", "kb_events", ["entry_id"])
    op.create_table(
        "kb_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("kb_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("problem_type", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("closed_version", sa.Integer, nullable=True),
    )
    op.create_index("ix_kb_feedback_entry", "kb_feedback", ["entry_id"])
    if op.get_context().dialect.name != "sqlite":
        # PostgreSQL: a trigram GIN index over the searched text, used by ILIKE (kb_repository)
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_kb_versions_trgm ON kb_versions USING gin (({PG_SEARCH_EXPR}) gin_trgm_ops)")
        return
    op.execute("CREATE VIRTUAL TABLE kb_fts USING fts5(question, answer, basis, tokenize='trigram')")
    for t in FTS_TRIGGERS:
        op.execute(t)


def downgrade() -> None:
    if op.get_context().dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_kb_versions_trgm")
    for name in ("kb_versions_fts_ai", "kb_versions_fts_ad", "kb_versions_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS kb_fts")
    op.drop_table("kb_feedback")
    op.drop_table("kb_events")
    op.drop_table("kb_checks")
    op.drop_table("kb_versions")
    op.drop_table("kb_entries")
