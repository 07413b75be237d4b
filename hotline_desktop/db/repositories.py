"""One repository per aggregate; each works inside the caller's session (unit of work)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline_desktop.core.domain import UnitKind, UnitRow
from hotline_desktop.db.concurrency import stale_write
from hotline_desktop.db.dialect import code_equals, driver_sql
from hotline_desktop.db.models import (
    AnnualValue,
    AuditEntry,
    CalendarDay,
    Meta,
    MonthlyValue,
    Unit,
    YearScheme,
)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def operator_of(session: Session) -> str:
    """Who this unit of work is done by (the Store puts it in the session's info)."""
    return session.info.get("operator", "")


class AuditRepository:
    def __init__(self, session: Session):
        self.s = session
        self.operator = operator_of(session)

    def record(self, table: str, row_id: int, action: str, changes: dict[str, tuple[Any, Any]]) -> None:
        if not changes:
            self.s.add(AuditEntry(table_name=table, row_id=row_id, action=action, field="", operator=self.operator))
            return
        for field, (old, new) in changes.items():
            self.s.add(
                AuditEntry(
                    table_name=table,
                    row_id=row_id,
                    action=action,
                    field=field,
                    old_value=_text(old),
                    new_value=_text(new),
                    operator=self.operator,
                )
            )

    def record_many(self, entries: Iterable[tuple[str, int, str, dict[str, tuple[Any, Any]]]]) -> None:
        """Many `record` calls as one executemany (bulk imports)."""
        rows = []
        for table, row_id, action, changes in entries:
            if not changes:
                rows.append((table, row_id, action, "", None, None, self.operator))
            for field, (old, new) in changes.items():
                rows.append((table, row_id, action, field, _text(old), _text(new), self.operator))
        if rows:  # plain executemany: the ORM's bulk path costs ~4 µs a row
            con = self.s.connection()
            con.exec_driver_sql(driver_sql(
                "INSERT INTO audit_log (table_name, row_id, action, field, old_value, new_value, operator) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", con), rows)

    def recent(self, limit: int = 200, table: str | None = None, operator: str | None = None) -> list[AuditEntry]:
        """The newest entries first (of one table and/or one operator when given)."""
        q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if table:
            q = q.where(AuditEntry.table_name == table)
        if operator:
            q = q.where(AuditEntry.operator == operator)
        return list(self.s.scalars(q))

    def added(self, table: str, row, fields: Iterable[str]):
        """A new ORM row flushed into the session (it has its id), audited as one insert of `fields`."""
        self.s.add(row)
        self.s.flush()
        self.record(table, row.id, "insert", {k: (None, getattr(row, k)) for k in fields})
        return row

    def updated(self, table: str, row, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        """The fields that differ set on an ORM row, flushed and audited as one update; the changes
        (field → (old, new)), none: nothing written."""
        changes = {}
        for k, v in fields.items():
            old = getattr(row, k)
            if old != v:
                changes[k] = (old, v)
                setattr(row, k, v)
        if changes:
            self.s.flush()
            self.record(table, row.id, "update", changes)
        return changes


class MetaRepository:
    def __init__(self, session: Session):
        self.s = session

    def get(self, key: str, default: str | None = None) -> str | None:
        m = self.s.get(Meta, key)
        return m.value if m else default

    def set(self, key: str, value: str) -> None:
        m = self.s.get(Meta, key)
        if m:
            m.value = value
        else:
            self.s.add(Meta(key=key, value=value))


UNIT_FIELDS = ("code", "name", "kind", "parent_id", "contact", "phone", "active", "notes")


_UNIT_KINDS = {k.value: k for k in UnitKind}


class UnitRepository:
    def __init__(self, session: Session):
        self.s = session
        self.audit = AuditRepository(session)

    def rows(self, *, active_only: bool = False) -> list[UnitRow]:
        """All units as plain rows, with the parent's code and name, ordered by code.

        Plain SQL on the connection: no ORM row loading nor statement compiling (the units tab
        and every engine build read the whole register; ~2× faster at 4,000 units)."""
        where = " WHERE u.active" if active_only else ""
        self.s.flush()  # units added or changed in this unit of work are read too (as autoflush did)
        cur = self.s.connection().exec_driver_sql(
            "SELECT u.id, u.code, u.name, u.kind, u.parent_id, p.code, p.name, u.contact, u.phone, u.active, "
            f"u.notes, u.version FROM units u LEFT OUTER JOIN units p ON p.id = u.parent_id{where} ORDER BY u.code")
        kinds = _UNIT_KINDS
        return [
            UnitRow(r[0], r[1], r[2], kinds[r[3]], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10], r[11])
            for r in cur.fetchall()
        ]

    def row(self, unit_id: int) -> UnitRow | None:
        u = self.s.get(Unit, unit_id)
        return self.to_row(u) if u else None

    @staticmethod
    def to_row(u: Unit) -> UnitRow:
        p = u.parent
        return UnitRow(
            u.id, u.code, u.name, UnitKind(u.kind), u.parent_id, p.code if p else None, p.name if p else None,
            u.contact, u.phone, bool(u.active), u.notes, u.version or 0,
        )

    def get(self, unit_id: int) -> Unit | None:
        return self.s.get(Unit, unit_id)

    def by_code(self, code: str) -> Unit | None:
        """The unit with that code, whatever its case (c0101 finds C0101)."""
        return self.s.scalar(select(Unit).where(code_equals(Unit.code, code, self.s)))

    def ids_by_code(self) -> dict[str, int]:
        return {c: i for i, c in self.s.execute(select(Unit.id, Unit.code))}

    def count(self) -> int:
        return self.s.scalar(select(func.count(Unit.id))) or 0

    def add(self, **fields: Any) -> Unit:
        return self.audit.added("units", Unit(**fields), UNIT_FIELDS)

    def update(self, u: Unit, **fields: Any) -> dict[str, tuple[Any, Any]]:
        return self.audit.updated("units", u, fields)

    def delete(self, u: Unit) -> None:
        self.audit.record("units", u.id, "delete", {k: (getattr(u, k), None) for k in UNIT_FIELDS})
        self.s.delete(u)
        self.s.flush()

    _KIND_ACTIVE = text("SELECT kind, active FROM units WHERE id = :u")

    def kind_active(self, unit_id: int) -> tuple[str, bool] | None:
        """(kind, active) of one unit (an indexed look-up), None if there is no such unit."""
        r = self.s.connection().execute(self._KIND_ACTIVE, {"u": unit_id}).first()
        return None if r is None else (r[0], bool(r[1]))

    def children_count(self, unit_id: int) -> int:
        return self.s.scalar(select(func.count(Unit.id)).where(Unit.parent_id == unit_id)) or 0

    def parent_id_of(self, unit_id: int) -> int | None:
        u = self.s.get(Unit, unit_id)
        return u.parent_id if u is not None else None

    def children(self, unit_id: int) -> list[Unit]:
        return list(self.s.scalars(select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.code)))

    def add_many(self, items: Iterable[dict[str, Any]]) -> list[Unit]:
        return [self.add(**it) for it in items]

    # -- bulk (imports): plain rows, one statement per kind of change, audit in bulk ---------
    def snapshot(self) -> dict[int, dict[str, Any]]:
        """id → the fields of UNIT_FIELDS, for every unit (one query)."""
        cols = [getattr(Unit, f) for f in UNIT_FIELDS]
        return {r[0]: dict(zip(UNIT_FIELDS, r[1:], strict=True)) for r in self.s.execute(select(Unit.id, *cols))}

    def insert_bulk(self, items: list[dict[str, Any]]) -> list[int]:
        """Insert rows (fields of UNIT_FIELDS) in one executemany; their ids in the same order."""
        if not items:
            return []
        con = self.s.connection()
        cols = ("code", "name", "kind", "parent_id", "contact", "phone", "active", "notes")
        # plain executemany, then the ids by code (codes are unique): RETURNING goes row by row
        con.exec_driver_sql(
            driver_sql(f"INSERT INTO units ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", con),
            [tuple(it[c] for c in cols) for it in items],
        )
        by_code = dict(con.execute(select(Unit.code, Unit.id)).all())
        ids = [by_code[it["code"]] for it in items]
        self.audit.record_many(
            ("units", i, "insert", {k: (None, it.get(k)) for k in UNIT_FIELDS}) for i, it in zip(ids, items, strict=True)
        )
        return ids

    def update_bulk(self, changes: dict[int, dict[str, tuple[Any, Any]]]) -> None:
        """id → {field: (old, new)}; rows with the same changed fields share one executemany."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for unit_id, ch in changes.items():
            if ch:
                groups.setdefault(tuple(sorted(ch)), []).append(
                    {"b_id": unit_id, **{f"b_{k}": new for k, (_old, new) in ch.items()}})
        for fields, params in groups.items():
            stmt = (
                update(Unit.__table__)
                .where(Unit.__table__.c.id == bindparam("b_id"))
                .values({k: bindparam(f"b_{k}") for k in fields}
                        | {"updated_at": func.current_timestamp(), "version": Unit.__table__.c.version + 1})
            )
            self.s.connection().execute(stmt, params)
        self.audit.record_many(("units", i, "update", ch) for i, ch in changes.items() if ch)

    def delete_bulk(self, rows: dict[int, dict[str, Any]]) -> None:
        """Delete units (id → their fields, for the audit); the caller orders children first."""
        if not rows:
            return
        self.audit.record_many(("units", i, "delete", {k: (f.get(k), None) for k in UNIT_FIELDS}) for i, f in rows.items())
        self.s.connection().execute(
            delete(Unit.__table__).where(Unit.__table__.c.id == bindparam("b_id")), [{"b_id": i} for i in rows]
        )

# --- registers: working-day calendar and settings (E1) -----------------------------------------


def calendar_row_id(d) -> int:
    """The audit row id of a calendar day: its date as YYYYMMDD."""
    return d.year * 10000 + d.month * 100 + d.day


class CalendarRepository:
    """The office's 节假日 / 调休上班 days (calendar_days); every change audited old → new."""

    TABLE = "calendar_days"

    def __init__(self, session: Session):
        self.s = session
        self.audit = AuditRepository(session)

    def all(self) -> list[CalendarDay]:
        return list(self.s.scalars(select(CalendarDay).order_by(CalendarDay.day)))

    def in_years(self, years: Iterable[int]) -> list[CalendarDay]:
        from datetime import date

        out: list[CalendarDay] = []
        for y in sorted(set(years)):
            q = select(CalendarDay).where(CalendarDay.day >= date(y, 1, 1), CalendarDay.day <= date(y, 12, 31))
            out.extend(self.s.scalars(q.order_by(CalendarDay.day)))
        return out

    def get(self, day) -> CalendarDay | None:
        return self.s.get(CalendarDay, day)

    def put(self, day, kind: str, name: str) -> None:
        """Set a day (insert or update); no-op when unchanged."""
        row = self.s.get(CalendarDay, day)
        if row is None:
            self.s.add(CalendarDay(day=day, kind=kind, name=name))
            try:
                self.s.flush()
            except IntegrityError:  # another seat marked the same day at the same moment
                raise stale_write(self.TABLE) from None
            self.audit.record(self.TABLE, calendar_row_id(day), "insert",
                              {"day": (None, day.isoformat()), "kind": (None, kind), "name": (None, name)})
            return
        changes = {}
        if row.kind != kind:
            changes["kind"] = (row.kind, kind)
            row.kind = kind
        if row.name != name:
            changes["name"] = (row.name, name)
            row.name = name
        if changes:
            self.s.flush()
            self.audit.record(self.TABLE, calendar_row_id(day), "update", changes)

    def remove(self, day) -> None:
        row = self.s.get(CalendarDay, day)
        if row is None:
            return
        self.audit.record(self.TABLE, calendar_row_id(day), "delete",
                          {"day": (day.isoformat(), None), "kind": (row.kind, None), "name": (row.name, None)})
        self.s.delete(row)
        self.s.flush()


class SettingsRepository:
    """Settings as app_meta rows "setting.<name>"; every change audited old → new."""

    PREFIX = "setting."

    def __init__(self, session: Session):
        self.s = session
        self.meta = MetaRepository(session)
        self.audit = AuditRepository(session)

    def all(self) -> dict[str, str]:
        q = select(Meta.key, Meta.value).where(Meta.key.startswith(self.PREFIX))
        return {k[len(self.PREFIX):]: v for k, v in self.s.execute(q)}

    def put(self, name: str, value: str | None) -> None:
        """Store a value (None removes it: back to the default)."""
        key = self.PREFIX + name
        m = self.s.get(Meta, key)
        old = m.value if m else None
        if old == value:
            return
        if value is None:
            self.s.delete(m)
        elif m is None:
            self.s.add(Meta(key=key, value=value))
        else:
            m.value = value
        try:
            self.s.flush()
        except IntegrityError:  # another seat stored the same setting at the same moment
            raise stale_write("app_meta") from None
        self.audit.record("app_meta", 0, "update", {key: (old, value)})


class YearSchemeRepository:
    """year_schemes: which scheme each year is assessed with, its definition frozen with it."""

    def __init__(self, session: Session):
        self.s = session

    def all(self, year: int | None = None) -> list[YearScheme]:
        """Newest year first, then by scheme id (of one year when given)."""
        q = select(YearScheme).order_by(YearScheme.year.desc(), YearScheme.scheme_id)
        if year is not None:
            q = q.where(YearScheme.year == year)
        return list(self.s.scalars(q))

    def get(self, year_scheme_id: int) -> YearScheme | None:
        return self.s.get(YearScheme, year_scheme_id)

    def find(self, year: int, scheme_id: str) -> YearScheme | None:
        return self.s.scalar(select(YearScheme).where(YearScheme.year == year, YearScheme.scheme_id == scheme_id))

    def add(self, year: int, scheme_id: str, title: str, definition: str) -> YearScheme:
        r = YearScheme(year=year, scheme_id=scheme_id, title=title, definition=definition)
        self.s.add(r)
        self.s.flush()
        return r


class ValueRepository:
    """monthly_values / annual_values of a (year, scheme): the store paths' look-ups and upserts,
    and the column load of the live ranking. Rows carry the text, ``valid``, and the exact value
    as ``num`` / ``scale`` (core.stored_values)."""

    def __init__(self, session: Session):
        self.s = session
        self.con = session.connection()

    def units_with_values(self, year_scheme_id: int) -> set[int]:
        """Ids of the units holding any monthly or annual row of the year: one look-up per unit
        on the cell indexes' (year_scheme_id, unit_id) prefix, not a scan of every cell."""
        def held(t):
            return select(t.unit_id).where(t.year_scheme_id == year_scheme_id, t.unit_id == Unit.id).exists()

        return set(self.s.scalars(select(Unit.id).where(held(MonthlyValue) | held(AnnualValue))))

    def unit_has_values(self, year_scheme_id: int, unit_id: int) -> bool:
        """Whether one unit holds any monthly or annual row of the year (indexed look-ups)."""
        return any(
            self.con.execute(text(f"SELECT 1 FROM {t} WHERE year_scheme_id = :y AND unit_id = :u LIMIT 1"),
                             {"y": year_scheme_id, "u": unit_id}).first() is not None
            for t in ("monthly_values", "annual_values")
        )

    def clear_year(self, year_scheme_id: int) -> None:
        """Delete every monthly and annual row of the year."""
        self.s.execute(delete(MonthlyValue).where(MonthlyValue.year_scheme_id == year_scheme_id))
        self.s.execute(delete(AnnualValue).where(AnnualValue.year_scheme_id == year_scheme_id))

    # -- monthly ----------------------------------------------------------------------------------
    def monthly_rows(self, year_scheme_id: int, month: str | None = None) -> list[tuple[int, str, str, str]]:
        """(unit_id, month, key, stored text) of one month or the whole year."""
        q = select(MonthlyValue.unit_id, MonthlyValue.month, MonthlyValue.key, MonthlyValue.value).where(
            MonthlyValue.year_scheme_id == year_scheme_id
        )
        if month is not None:
            q = q.where(MonthlyValue.month == month)
        return list(self.s.execute(q))

    def monthly_versions(self, year_scheme_id: int, month: str) -> dict[tuple[int, str], int]:
        """(unit_id, key) → the row version of one month's cells."""
        q = select(MonthlyValue.unit_id, MonthlyValue.key, MonthlyValue.version).where(
            MonthlyValue.year_scheme_id == year_scheme_id, MonthlyValue.month == month)
        return {(u, k): v for u, k, v in self.s.execute(q)}

    def monthly_cells_of(self, year_scheme_id: int, month: str,
                         cells: Iterable[tuple[int, str]]) -> list[tuple[int, str, str, int]]:
        """(unit_id, key, stored text, version) of just these (unit, key) cells of one month
        (cells not stored are absent); asked 500 cells a statement."""
        wanted = sorted(cells)
        out: list[tuple[int, str, str, int]] = []
        for i in range(0, len(wanted), 500):
            q = select(MonthlyValue.unit_id, MonthlyValue.key, MonthlyValue.value, MonthlyValue.version).where(
                MonthlyValue.year_scheme_id == year_scheme_id, MonthlyValue.month == month,
                tuple_(MonthlyValue.unit_id, MonthlyValue.key).in_(wanted[i:i + 500]))
            out += self.s.execute(q).all()
        return out

    def months_with_data(self, year_scheme_id: int) -> list[str]:
        """The months holding any monthly row of the year, in order."""
        q = select(MonthlyValue.month).distinct().where(MonthlyValue.year_scheme_id == year_scheme_id)
        return sorted(self.s.scalars(q))

    _MONTH_HAS_DATA = text("SELECT 1 FROM monthly_values WHERE year_scheme_id = :y AND month = :m LIMIT 1")

    def month_has_data(self, year_scheme_id: int, month: str) -> bool:
        """Whether a month holds any monthly row (one indexed look-up)."""
        return self.con.execute(self._MONTH_HAS_DATA, {"y": year_scheme_id, "m": month}).first() is not None

    def stored_text(self, year_scheme_id: int, unit_id: int, month: str | None, key: str) -> tuple | None:
        """(stored text,) of one monthly cell (`month` given) or annual item; None when no row."""
        model = MonthlyValue if month else AnnualValue
        q = select(model.value).where(model.year_scheme_id == year_scheme_id, model.unit_id == unit_id,
                                      model.key == key)
        if month:
            q = q.where(MonthlyValue.month == month)
        return self.s.execute(q).first()

    def unit_month_keys(self, year_scheme_id: int, unit_id: int, month: str) -> list[tuple[str, bool]]:
        """(key, override) of every stored cell of one unit-month."""
        return self.con.execute(
            text("SELECT key, override FROM monthly_values WHERE year_scheme_id = :y AND unit_id = :u "
                 "AND month = :m"), {"y": year_scheme_id, "u": unit_id, "m": month}).all()

    def monthly_row_counts(self, year_scheme_id: int, month: str, unit_ids: Iterable[int],
                           without_keys: Iterable[str]) -> dict[int, int]:
        """unit_id → how many rows it stores in one month, keys `without_keys` left out."""
        q = select(MonthlyValue.unit_id, func.count()).where(
            MonthlyValue.year_scheme_id == year_scheme_id, MonthlyValue.month == month,
            MonthlyValue.unit_id.in_(sorted(unit_ids)), MonthlyValue.key.not_in(sorted(without_keys))
        ).group_by(MonthlyValue.unit_id)
        return {u: n for u, n in self.s.execute(q)}

    # overrides: a fed (register-counted) cell the operator typed over
    def monthly_overrides(self, year_scheme_id: int, month: str | None = None) -> set[tuple[int, str, str]]:
        """(unit_id, month, key) of the override cells (of one month, or the year)."""
        q = select(MonthlyValue.unit_id, MonthlyValue.month, MonthlyValue.key).where(
            MonthlyValue.year_scheme_id == year_scheme_id, MonthlyValue.override.is_(True)
        )
        if month is not None:
            q = q.where(MonthlyValue.month == month)
        return {(u, m, k) for u, m, k in self.s.execute(q)}

    _MARK_OVERRIDE = text("UPDATE monthly_values SET override = TRUE WHERE year_scheme_id = :y AND unit_id = :u "
                          "AND month = :m AND key = :k")

    def mark_overrides(self, cells: list[dict]) -> None:
        """cells: {y: year_scheme_id, u: unit_id, m: month, k: key}; each becomes an override."""
        if cells:
            self.con.execute(self._MARK_OVERRIDE, cells)

    def override_flags(self, year_scheme_id: int, unit_ids: Iterable[int],
                       months: Iterable[str]) -> list[tuple[int, str, str, bool]]:
        """(unit_id, month, key, override) of the rows of those units in those months."""
        q = select(MonthlyValue.unit_id, MonthlyValue.month, MonthlyValue.key, MonthlyValue.override).where(
            MonthlyValue.year_scheme_id == year_scheme_id,
            MonthlyValue.unit_id.in_(sorted(set(unit_ids))),
            MonthlyValue.month.in_(sorted(set(months))),
        )
        return self.con.execute(q).all()

    def clear_overrides(self, year_scheme_id: int, months: Iterable[str], keys: Iterable[str]) -> None:
        """Those keys of those months stop being overrides (typed figures again)."""
        months, keys = sorted(months), sorted(keys)
        if not months or not keys:
            return
        params = {"y": year_scheme_id, **{f"m{i}": m for i, m in enumerate(months)},
                  **{f"k{i}": k for i, k in enumerate(keys)}}
        self.con.execute(text(
            "UPDATE monthly_values SET override = FALSE WHERE year_scheme_id = :y AND override = TRUE "
            f"AND month IN ({', '.join(f':m{i}' for i in range(len(months)))}) "
            f"AND key IN ({', '.join(f':k{i}' for i in range(len(keys)))})"), params)

    _CELL = text("SELECT id, unit_id, month, key, value, override, version FROM monthly_values "
                 "WHERE year_scheme_id = :y AND unit_id = :u AND month = :m AND key = :k")
    FEW_CELLS = 8  # up to this many cells, one indexed look-up each (a tuple IN costs ~1 ms to build)

    def monthly_existing(self, year_scheme_id: int, cells=None, months=None):
        """(id, unit_id, month, key, value, override, version) of the given cells (or months)."""
        if cells is not None and len(cells) <= self.FEW_CELLS:  # a typed cell: the unique key's index
            rows = []
            for u, m, k in cells:
                rows += self.con.execute(self._CELL, {"y": year_scheme_id, "u": u, "m": m, "k": k}).all()
            return rows
        q = select(MonthlyValue.id, MonthlyValue.unit_id, MonthlyValue.month, MonthlyValue.key,
                   MonthlyValue.value, MonthlyValue.override, MonthlyValue.version).where(
            MonthlyValue.year_scheme_id == year_scheme_id)
        if cells is not None:
            q = q.where(tuple_(MonthlyValue.unit_id, MonthlyValue.month, MonthlyValue.key).in_(cells))
        elif months is not None:
            q = q.where(MonthlyValue.month.in_(sorted(months)))
        return self.con.execute(q)

    # Writes name the row version read (0009): a row another seat changed since matches nothing,
    # and the caller compares the returned row count (optimistic concurrency).
    def delete_monthly(self, rows: list[dict]) -> int | None:
        """rows: {i: id, ver: version read}; the number of rows deleted."""
        if not rows:
            return 0
        return self.con.execute(text("DELETE FROM monthly_values WHERE id = :i AND version = :ver"), rows).rowcount

    def update_monthly(self, rows: list[dict]) -> int | None:
        """rows: {i: id, v: text, ok: valid, n: num, sc: scale, ver: version read}; rows updated."""
        if not rows:
            return 0
        return self.con.execute(text(
            "UPDATE monthly_values SET value = :v, valid = :ok, num = :n, scale = :sc, version = version + 1, "
            "updated_at = CURRENT_TIMESTAMP WHERE id = :i AND version = :ver"), rows).rowcount

    def insert_monthly(self, rows: list[dict]) -> None:
        """rows: MonthlyValue fields (year_scheme_id, unit_id, month, key, value, valid, num, scale)."""
        if rows:
            self.con.execute(insert(MonthlyValue), rows)

    def _packed(self, table: str, group: str, year_scheme_id: int, skip: Iterable[str]) -> list[tuple]:
        """Valid rows holding an exact value, one row per group:
        (*group, "unit,unit,…", "num,num,…", min scale, max scale), both lists in unit order."""
        if self.con.dialect.name == "postgresql":
            units = "string_agg(CAST(unit_id AS TEXT), ',' ORDER BY unit_id)"
            nums = "string_agg(CAST(num AS TEXT), ',' ORDER BY unit_id)"
        else:  # the covering index yields each group's rows in unit order to both aggregates
            units, nums = "group_concat(unit_id)", "group_concat(num)"
        skip = sorted(skip)
        params = {"y": year_scheme_id, **{f"k{i}": k for i, k in enumerate(skip)}}
        not_in = f" AND key NOT IN ({', '.join(f':k{i}' for i in range(len(skip)))})" if skip else ""
        return self.con.execute(text(
            f"SELECT {group}, {units}, {nums}, min(scale), max(scale) FROM {table} "
            f"WHERE year_scheme_id = :y AND valid AND num IS NOT NULL{not_in} GROUP BY {group}"), params).fetchall()

    def exact_of(self, table: str, year_scheme_id: int, key: str, month: str | None = None) -> list[tuple]:
        """(unit_id, num, scale) of one group's exact values (when its scales differ)."""
        q = (f"SELECT unit_id, num, scale FROM {table} WHERE year_scheme_id = :y AND key = :k AND valid "
             "AND num IS NOT NULL" + (" AND month = :m" if month is not None else "") + " ORDER BY unit_id")
        return self.con.execute(text(q), {"y": year_scheme_id, "k": key, "m": month}).fetchall()

    def _rest(self, table: str, columns: str, year_scheme_id: int, fed: Iterable[str]) -> list[tuple]:
        """Rows invalid or kept as text only (a partial index finds them), and every row of a fed key."""
        fed = sorted(fed)
        params = {"y": year_scheme_id, **{f"k{i}": k for i, k in enumerate(fed)}}
        rows = self.con.execute(text(
            f"SELECT {columns} FROM {table} WHERE year_scheme_id = :y AND value IS NOT NULL "
            "AND (NOT valid OR num IS NULL)"), params).fetchall()
        if fed:
            keys = ", ".join(f":k{i}" for i in range(len(fed)))
            rows += self.con.execute(text(
                f"SELECT {columns} FROM {table} WHERE year_scheme_id = :y AND key IN ({keys}) AND valid "
                "AND num IS NOT NULL"), params).fetchall()
        return rows

    def monthly_load(self, year_scheme_id: int, fed: Iterable[str] = ()) -> tuple[list[tuple], list[tuple]]:
        """The year's cells for the column load, in two queries: (key, month, units, nums, min
        scale, max scale) of the exact values (see `_packed`) (fed keys left out), and (key, month, unit_id, value, valid, num, scale)
        of the rest (invalid, text-only, or of a fed key)."""
        fed = tuple(fed)
        return (self._packed("monthly_values", "key, month", year_scheme_id, fed),
                self._rest("monthly_values", "key, month, unit_id, value, valid, num, scale", year_scheme_id, fed))

    # -- annual -----------------------------------------------------------------------------------
    def annual_rows(self, year_scheme_id: int, unit_id: int | None = None) -> list[tuple[int, str, str]]:
        """(unit_id, key, stored text) of the annual items holding a value (of one unit, or all)."""
        q = select(AnnualValue.unit_id, AnnualValue.key, AnnualValue.value).where(
            AnnualValue.year_scheme_id == year_scheme_id, AnnualValue.value.is_not(None)
        )
        if unit_id is not None:
            q = q.where(AnnualValue.unit_id == unit_id)
        return list(self.s.execute(q))

    def annual_notes(self, year_scheme_id: int, unit_id: int) -> dict[str, str]:
        """key → the note of one unit's annual items (empty notes left out)."""
        q = select(AnnualValue.key, AnnualValue.note).where(
            AnnualValue.year_scheme_id == year_scheme_id, AnnualValue.unit_id == unit_id
        )
        return {k: n for k, n in self.s.execute(q) if n}

    def annual_versions(self, year_scheme_id: int, unit_id: int | None = None) -> dict[tuple[int, str], int]:
        """(unit_id, key) → the row version of annual items (of one unit, or all)."""
        q = select(AnnualValue.unit_id, AnnualValue.key, AnnualValue.version).where(
            AnnualValue.year_scheme_id == year_scheme_id)
        if unit_id is not None:
            q = q.where(AnnualValue.unit_id == unit_id)
        return {(u, k): v for u, k, v in self.s.execute(q)}

    def annual_overrides(self, year_scheme_id: int, unit_id: int | None = None) -> set[tuple[int, str]]:
        """(unit_id, key) of the annual overrides holding a value (of one unit, or all)."""
        q = select(AnnualValue.unit_id, AnnualValue.key).where(
            AnnualValue.year_scheme_id == year_scheme_id, AnnualValue.override.is_(True),
            AnnualValue.value.is_not(None))
        if unit_id is not None:
            q = q.where(AnnualValue.unit_id == unit_id)
        return {(u, k) for u, k in self.s.execute(q)}

    def annual_item(self, year_scheme_id: int, unit_id: int, key: str) -> AnnualValue | None:
        """One annual item's row (to change its note)."""
        return self.s.scalar(select(AnnualValue).where(
            AnnualValue.year_scheme_id == year_scheme_id, AnnualValue.unit_id == unit_id, AnnualValue.key == key))

    def add_annual_item(self, year_scheme_id: int, unit_id: int, key: str) -> AnnualValue:
        """A new empty annual item (flushed: IntegrityError when another seat created it first)."""
        row = AnnualValue(year_scheme_id=year_scheme_id, unit_id=unit_id, key=key, value=None, note="")
        self.s.add(row)
        self.s.flush()
        return row

    def annual_existing(self, year_scheme_id: int):
        """(id, unit_id, key, value, override, version) of the year's annual items."""
        return self.con.execute(
            select(AnnualValue.id, AnnualValue.unit_id, AnnualValue.key, AnnualValue.value,
                   AnnualValue.override, AnnualValue.version).where(AnnualValue.year_scheme_id == year_scheme_id))

    def update_annual(self, rows: list[dict]) -> int | None:
        """rows: {i: id, v: text, ok: valid, o: override, n: num, sc: scale, ver: version read}; rows updated."""
        if not rows:
            return 0
        return self.con.execute(text(
            "UPDATE annual_values SET value = :v, valid = :ok, override = :o, num = :n, scale = :sc, "
            "version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = :i AND version = :ver"), rows).rowcount

    def insert_annual(self, rows: list[dict]) -> None:
        if rows:
            self.con.execute(insert(AnnualValue), rows)

    def annual_load(self, year_scheme_id: int, fed: Iterable[str] = ()) -> tuple[list[tuple], list[tuple]]:
        """As `monthly_load` for the annual items: (key, units, nums, min scale, max scale) and
        (key, unit_id, value, valid, num, scale)."""
        fed = tuple(fed)
        return (self._packed("annual_values", "key", year_scheme_id, fed),
                self._rest("annual_values", "key, unit_id, value, valid, num, scale", year_scheme_id, fed))
