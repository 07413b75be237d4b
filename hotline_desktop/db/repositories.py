"""One repository per aggregate; each works inside the caller's session (unit of work)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from hotline_desktop.core.domain import UnitKind, UnitRow
from hotline_desktop.db.models import AuditEntry, CalendarDay, Meta, Unit


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


class AuditRepository:
    def __init__(self, session: Session):
        self.s = session

    def record(self, table: str, row_id: int, action: str, changes: dict[str, tuple[Any, Any]]) -> None:
        if not changes:
            self.s.add(AuditEntry(table_name=table, row_id=row_id, action=action, field=""))
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
                )
            )

    def recent(self, limit: int = 200, table: str | None = None) -> list[AuditEntry]:
        q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if table:
            q = q.where(AuditEntry.table_name == table)
        return list(self.s.scalars(q))


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


class UnitRepository:
    def __init__(self, session: Session):
        self.s = session
        self.audit = AuditRepository(session)

    def rows(self, *, active_only: bool = False) -> list[UnitRow]:
        """All units as plain rows, with the parent's code and name, ordered by code."""
        parent = aliased(Unit)
        q = (
            select(
                Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, parent.code, parent.name,
                Unit.contact, Unit.phone, Unit.active, Unit.notes,
            )
            .outerjoin(parent, Unit.parent_id == parent.id)
            .order_by(Unit.code)
        )
        if active_only:
            q = q.where(Unit.active.is_(True))
        return [
            UnitRow(r[0], r[1], r[2], UnitKind(r[3]), r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10])
            for r in self.s.execute(q)
        ]

    def row(self, unit_id: int) -> UnitRow | None:
        u = self.s.get(Unit, unit_id)
        return self.to_row(u) if u else None

    @staticmethod
    def to_row(u: Unit) -> UnitRow:
        p = u.parent
        return UnitRow(
            u.id, u.code, u.name, UnitKind(u.kind), u.parent_id, p.code if p else None, p.name if p else None,
            u.contact, u.phone, bool(u.active), u.notes,
        )

    def get(self, unit_id: int) -> Unit | None:
        return self.s.get(Unit, unit_id)

    def by_code(self, code: str) -> Unit | None:
        return self.s.scalar(select(Unit).where(Unit.code == code))

    def ids_by_code(self) -> dict[str, int]:
        return {c: i for i, c in self.s.execute(select(Unit.id, Unit.code))}

    def count(self) -> int:
        return self.s.scalar(select(func.count(Unit.id))) or 0

    def add(self, **fields: Any) -> Unit:
        u = Unit(**fields)
        self.s.add(u)
        self.s.flush()
        self.audit.record("units", u.id, "insert", {k: (None, getattr(u, k)) for k in UNIT_FIELDS})
        return u

    def update(self, u: Unit, **fields: Any) -> dict[str, tuple[Any, Any]]:
        changes = {}
        for k, v in fields.items():
            old = getattr(u, k)
            if old != v:
                changes[k] = (old, v)
                setattr(u, k, v)
        if changes:
            self.s.flush()
            self.audit.record("units", u.id, "update", changes)
        return changes

    def delete(self, u: Unit) -> None:
        self.audit.record("units", u.id, "delete", {k: (getattr(u, k), None) for k in UNIT_FIELDS})
        self.s.delete(u)
        self.s.flush()

    def children_count(self, unit_id: int) -> int:
        return self.s.scalar(select(func.count(Unit.id)).where(Unit.parent_id == unit_id)) or 0

    def add_many(self, items: Iterable[dict[str, Any]]) -> list[Unit]:
        return [self.add(**it) for it in items]


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
            self.s.flush()
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
        self.s.flush()
        self.audit.record("app_meta", 0, "update", {key: (old, value)})
