"""The exact parsed value beside each stored text: monthly_values / annual_values get ``num``
(an int64) and ``scale`` (value = num / 10**scale), so the live ranking loads columns without
parsing text again; indexes cover that load.

Revision ID: 0008
Revises: 0007

Rows written before are filled here with the same parser the store uses (each year's frozen
scheme, ``InputDef.parse``, then ``core.stored_values.scaled``); a text that no longer parses,
a choice and a value too large for an int64 keep ``num`` NULL (loaders parse the text).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("monthly_values", "annual_values")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("num", sa.BigInteger, nullable=True))
            b.add_column(sa.Column("scale", sa.SmallInteger, nullable=True))
    fill(op.get_bind())
    # covers the column load (one grouped query per year, no table look-ups)
    op.create_index("ix_monthly_values_load", "monthly_values",
                    ["year_scheme_id", "key", "month", "unit_id", "valid", "num", "scale"])
    where = sa.text("NOT valid OR num IS NULL")  # the few rows the load parses from their text
    op.create_index("ix_monthly_values_text_only", "monthly_values", ["year_scheme_id"],
                    sqlite_where=where, postgresql_where=where)
    op.create_index("ix_annual_values_load", "annual_values",
                    ["year_scheme_id", "key", "unit_id", "valid", "num", "scale"])
    op.create_index("ix_annual_values_text_only", "annual_values", ["year_scheme_id"],
                    sqlite_where=where, postgresql_where=where)


def fill(con) -> None:
    """Fill num/scale of every valid row from its text (all year schemes)."""
    from hotline_desktop.core.scoring.scheme import load_scheme_text
    from hotline_desktop.core.stored_values import scaled

    for ysid, year, scheme_id, definition in con.execute(
            sa.text("SELECT id, year, scheme_id, definition FROM year_schemes")).all():
        try:
            sch = load_scheme_text(definition, source=f"{year} 年冻结的方案 {scheme_id}", frozen=True)
        except Exception:  # noqa: BLE001 - a definition that no longer loads: its rows stay text-only
            continue
        for table in TABLES:
            rows = []
            for rid, key, value in con.execute(sa.text(
                    f"SELECT id, key, value FROM {table} WHERE year_scheme_id = :y AND valid = TRUE "
                    "AND value IS NOT NULL"), {"y": ysid}):
                if not sch.has_input(key):
                    continue
                inp = sch.input(key)
                try:
                    num, scale = scaled(inp, inp.parse(value))
                except ValueError:
                    continue
                if num is not None:
                    rows.append({"i": rid, "n": num, "s": scale})
            if rows:
                con.execute(sa.text(f"UPDATE {table} SET num = :n, scale = :s WHERE id = :i"), rows)


def downgrade() -> None:
    op.drop_index("ix_annual_values_text_only", table_name="annual_values")
    op.drop_index("ix_annual_values_load", table_name="annual_values")
    op.drop_index("ix_monthly_values_text_only", table_name="monthly_values")
    op.drop_index("ix_monthly_values_load", table_name="monthly_values")
    for table in TABLES:
        with op.batch_alter_table(table) as b:
            b.drop_column("scale")
            b.drop_column("num")
