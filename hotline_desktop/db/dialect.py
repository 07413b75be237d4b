"""What differs between SQLite and PostgreSQL, written once for the repositories.

Each helper takes the session or connection in use and answers for its backend, so a
repository's SQL stays one statement with a dialect-dependent piece.
"""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite


def name(bind) -> str:
    """'sqlite' or 'postgresql' for a Session, Connection or Engine."""
    if hasattr(bind, "get_bind"):
        bind = bind.get_bind()
    return bind.dialect.name


def is_sqlite(bind) -> bool:
    return name(bind) == "sqlite"


def code_equals(column, value: str, bind):
    """`column = value` ignoring ASCII letter case, as the unique index ux_units_code_nocase
    (SQLite: COLLATE NOCASE; PostgreSQL: lower(code), C locale folds ASCII only)."""
    if is_sqlite(bind):
        return column.collate("NOCASE") == value
    return func.lower(column) == func.lower(value)


def insert(table, bind):
    """The backend's INSERT with on_conflict_do_update / on_conflict_do_nothing."""
    return (sqlite.insert if is_sqlite(bind) else postgresql.insert)(table)


def like_escape(text: str) -> str:
    """`text` as a LIKE/ILIKE pattern matching any string containing it (escape character '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def driver_sql(sql: str, bind) -> str:
    """Plain DBAPI SQL written with SQLite's placeholders (`?` or `:name`), for the backend's
    driver (psycopg: `%s` / `%(name)s`, a literal `%` doubled). Always pass parameters (at
    least `()`) with it. The SQL must not hold `?` or `:word` inside a string literal."""
    if is_sqlite(bind):
        return sql
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%").replace("?", "%s"))


def sync_ids(con, *tables: str) -> None:
    """After rows were inserted with explicit ids: PostgreSQL's id sequences move past them
    (SQLite needs nothing, its next rowid is max + 1)."""
    if is_sqlite(con):
        return
    for t in tables:
        con.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), coalesce((SELECT max(id) FROM {t}), 0) + 1, false)")


def copy_rows(raw_connection, table: str, columns: tuple[str, ...] | list[str], rows) -> None:
    """Bulk insert through the driver: PostgreSQL's COPY (psycopg cursor.copy), SQLite's
    executemany. `raw_connection` is the DBAPI connection (Connection.connection.driver_connection)."""
    cols = ", ".join(columns)
    if hasattr(raw_connection, "cursor") and type(raw_connection).__module__.startswith("psycopg"):
        with raw_connection.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    raw_connection.executemany(f"INSERT INTO {table} ({cols}) VALUES ({','.join('?' * len(columns))})", rows)
