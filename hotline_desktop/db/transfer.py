"""Copy a whole hotline database to another backend (SQLite ⇄ PostgreSQL), row for row.

The target gets the schema from the same Alembic migrations (so its own triggers, indexes and
search tables are built as on a new database), then every table of db/models.py is copied in
foreign-key order, counters included, and sequences are moved past the copied ids. The target
must be empty unless `force` (then our tables are dropped first).

Atomicity: on PostgreSQL schema and rows go in one transaction (DDL is transactional), so a
failed copy leaves the target as it was; an SQLite target is built in a temporary file beside
it and renamed into place only when complete and verified.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, Integer, Table, func, insert, inspect, select, text

from hotline_desktop.db.models import Base

log = logging.getLogger(__name__)

CHUNK = 5000
SKIP_TABLES = {"alembic_version"}
# written by the target's own migrations (the server marker row), so never copied nor counted
OWN_ROWS = {"app_meta": ("key", "application_id")}


class TransferError(Exception):
    """A copy that cannot be done or did not verify (Chinese message)."""


def data_tables() -> list[Table]:
    """Every table of the models, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIP_TABLES]


def _count_query(t: Table):
    q = select(func.count()).select_from(t)
    if t.name in OWN_ROWS:
        col, value = OWN_ROWS[t.name]
        q = q.where(t.c[col] != value)
    return q


def count_rows(engine: Engine, skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """Rows per table of the models (a table missing in the database counts as absent)."""
    present = set(inspect(engine).get_table_names())
    out = {}
    with engine.connect() as con:
        for t in data_tables():
            if t.name in present and t.name not in skip:
                out[t.name] = con.execute(_count_query(t)).scalar_one()
    return out


def has_our_tables(engine: Engine) -> bool:
    return bool(set(inspect(engine).get_table_names()) & ({t.name for t in data_tables()} | SKIP_TABLES))


def target_problem(engine: Engine) -> str | None:
    """Why a target may not be overwritten without --force (None: no tables, or a hotline
    database without any data row): rows of ours, or tables of another program."""
    names = set(inspect(engine).get_table_names())
    if not names:
        return None
    ours = names & ({t.name for t in data_tables()} | SKIP_TABLES)
    others = {n for n in names - ours if not n.startswith("kb_fts")}  # SQLite full-text tables are ours
    if not ours or others:
        return f"目标数据库中已有其他表（{', '.join(sorted(others)[:5])}），不是空数据库"
    filled = sum(n for t, n in count_rows(engine).items() if t != "app_meta")
    return f"目标数据库已有热线考核数据（{filled} 行）" if filled else None


def drop_ours(engine: Engine) -> None:
    """Drop our tables (and only ours) from a target being overwritten with --force."""
    names = set(inspect(engine).get_table_names())
    with engine.begin() as con:
        if engine.dialect.name == "postgresql":
            for name in sorted(names & ({t.name for t in data_tables()} | SKIP_TABLES)):
                con.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}" CASCADE')
            con.exec_driver_sql("DROP FUNCTION IF EXISTS hotline_notify_changes() CASCADE")
        else:
            con.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for name in names:
                if not name.startswith("sqlite_"):
                    con.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')


def _rows(src_con, table: Table):
    cols = list(table.columns)
    pk = list(table.primary_key.columns) or cols[:1]
    q = select(*cols).order_by(*pk)
    if table.name in OWN_ROWS:
        col, value = OWN_ROWS[table.name]
        q = q.where(table.c[col] != value)
    result = src_con.execution_options(yield_per=CHUNK).execute(q)
    for part in result.partitions():
        yield [dict(r._mapping) for r in part]


def _parents_first(rows: list[dict], parent_key: str = "parent_id") -> list[dict]:
    """Self-referencing rows (units.parent_id) ordered so that every parent comes before its children."""
    by_id = {r["id"]: r for r in rows}
    done: set = set()
    out: list[dict] = []

    def visit(r, depth=0):
        if r["id"] in done or depth > len(rows):
            return
        p = r.get(parent_key)
        if p is not None and p in by_id and p not in done:
            visit(by_id[p], depth + 1)
        done.add(r["id"])
        out.append(r)

    for r in rows:
        visit(r)
    return out


def copy_rows(src: Engine, dst_con, progress: Callable[[str, int], None] | None = None,
              skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """Copy every model table from `src` into the open target connection; rows per table."""
    copied: dict[str, int] = {}
    present = set(inspect(src).get_table_names())
    with src.connect() as s:
        for table in data_tables():
            if table.name not in present or table.name in skip:
                continue
            n = 0
            self_ref = any(fk.column.table is table for fk in table.foreign_keys)
            chunks = _rows(s, table)
            if self_ref:
                chunks = iter([_parents_first([r for chunk in chunks for r in chunk])])
            for chunk in chunks:
                if chunk:
                    dst_con.execute(insert(table), chunk)
                    n += len(chunk)
            copied[table.name] = n
            if progress:
                progress(table.name, n)
    if dst_con.dialect.name == "postgresql":
        _reset_sequences(dst_con)
    return copied


def _reset_sequences(con) -> None:
    """Identity/serial sequences continue after the copied ids (a new row never collides)."""
    for table in data_tables():
        for col in table.primary_key.columns:
            if not isinstance(col.type, Integer):
                continue
            seq = con.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col.name}).scalar()
            if seq:
                con.execute(text(f'SELECT setval(:s, coalesce((SELECT max("{col.name}") FROM "{table.name}"), 0) + 1, false)'),
                            {"s": seq})


def copy_database(src: Engine, dst: Engine, upgrade: Callable, *, progress=None,
                  skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """Schema (via `upgrade(connection)`) and rows into `dst` in one transaction, verified by row
    counts inside it: a mismatch or any error rolls everything back. `skip`: tables not copied."""
    with dst.begin() as con:
        upgrade(con)
        copied = copy_rows(src, con, progress, skip)
        there = {t.name: con.execute(_count_query(t)).scalar_one() for t in data_tables() if t.name in copied}
        if there != copied:
            bad = [f"{k}: {copied[k]} → {there.get(k)}" for k in copied if there.get(k) != copied[k]]
            raise TransferError("复制后行数不一致，已撤销：" + "；".join(bad))
    return copied


def replace_file(tmp: Path, dest: Path) -> None:
    for side in ("-wal", "-shm"):
        Path(f"{dest}{side}").unlink(missing_ok=True)
    os.replace(tmp, dest)
