"""Bulk reads of the stored values, for loading a year into the scoring engine.

A year of 4,000 units holds about a million monthly cells: read through the DB-API cursor as
plain tuples (an ORM or Core row per cell costs several times more).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

__all__ = ["monthly_rows", "annual_rows"]


def _tuples(session: Session, sql: str, *params) -> list[tuple]:
    raw = session.connection().connection.dbapi_connection
    return raw.execute(sql, params).fetchall()


def monthly_rows(session: Session, year_scheme_id: int) -> list[tuple[int, str, str, str | None]]:
    """(unit_id, month, key, stored text) of every monthly cell of a year-scheme."""
    return _tuples(session, "SELECT unit_id, month, key, value FROM monthly_values WHERE year_scheme_id = ?",
                   year_scheme_id)


def annual_rows(session: Session, year_scheme_id: int) -> list[tuple[int, str, str]]:
    """(unit_id, key, stored text) of every annual value (not NULL) of a year-scheme."""
    return _tuples(session, "SELECT unit_id, key, value FROM annual_values "
                   "WHERE year_scheme_id = ? AND value IS NOT NULL", year_scheme_id)
