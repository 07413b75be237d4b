"""The notices aggregate: notices, their extension requests and the per-year number counter."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from hotline_desktop.core.notices import Channel, ExtensionRow, ExtensionState, Level, NoticeRow
from hotline_desktop.db.models import AuditEntry, Notice, NoticeExtension, Unit
from hotline_desktop.db.repositories import AuditRepository, _text

# The fields an edit may change, and how they are audited (old → new).
NOTICE_FIELDS = (
    "number", "year", "seq", "unit_id", "channel", "level", "issued", "days", "calendar_days", "due",
    "original_due", "content", "orders", "result", "completed", "voided", "void_reason", "notes",
)


def orders_text(orders: tuple[str, ...] | list[str]) -> str:
    return "\n".join(orders)


def _orders(stored: str) -> tuple[str, ...]:
    return tuple(o for o in (stored or "").split("\n") if o)


def _ext_row(e: NoticeExtension) -> ExtensionRow:
    return ExtensionRow(e.id, e.notice_id, e.asked, ExtensionState(e.state), e.days, e.until, e.decided,
                        e.old_due, e.new_due, e.reason)


class NoticeRepository:
    def __init__(self, session: Session):
        self.s = session
        self.audit = AuditRepository(session)

    # -- numbers -------------------------------------------------------------------------------
    def next_seq(self, year: int) -> int:
        """Take the next number of `year` atomically (one statement: safe under two writers)."""
        return int(
            self.s.execute(
                text(
                    "INSERT INTO notice_counters (year, last_seq) VALUES (:y, 1) "
                    "ON CONFLICT(year) DO UPDATE SET last_seq = notice_counters.last_seq + 1 RETURNING last_seq"
                ),
                {"y": year},
            ).scalar_one()
        )

    def last_seq(self, year: int) -> int:
        v = self.s.execute(text("SELECT last_seq FROM notice_counters WHERE year = :y"), {"y": year}).scalar()
        return int(v or 0)

    def raise_counter(self, year: int, seq: int) -> None:
        """Make sure the counter is at least `seq` (a restored notice keeps its number)."""
        self.s.execute(
            text(
                "INSERT INTO notice_counters (year, last_seq) VALUES (:y, :n) "
                "ON CONFLICT(year) DO UPDATE SET last_seq = "
                "CASE WHEN notice_counters.last_seq < :n THEN :n ELSE notice_counters.last_seq END"
            ),
            {"y": year, "n": seq},
        )

    # -- reading -------------------------------------------------------------------------------
    def _select(self):
        return select(Notice, Unit.code, Unit.name).join(Unit, Unit.id == Notice.unit_id)

    def rows(self, *, year: int | None = None, ids: list[int] | None = None,
             touching_year: int | None = None) -> list[NoticeRow]:
        """Notices ordered by year and number; `touching_year`: issued or due in that year."""
        q = self._select().order_by(Notice.year, Notice.seq)
        if year is not None:
            q = q.where(Notice.year == year)
        if ids is not None:
            q = q.where(Notice.id.in_(ids))
        if touching_year is not None:
            lo, hi = date(touching_year, 1, 1), date(touching_year, 12, 31)
            q = q.where(((Notice.issued >= lo) & (Notice.issued <= hi)) | ((Notice.due >= lo) & (Notice.due <= hi)))
        found = list(self.s.execute(q))
        exts: dict[int, list[ExtensionRow]] = {}
        if found:
            eq = select(NoticeExtension).order_by(NoticeExtension.id)
            if ids is not None or year is not None or touching_year is not None:
                eq = eq.where(NoticeExtension.notice_id.in_([n.id for n, _c, _m in found]))
            for e in self.s.scalars(eq):
                exts.setdefault(e.notice_id, []).append(_ext_row(e))
        return [self.to_row(n, code, name, exts.get(n.id, ())) for n, code, name in found]

    def row(self, notice_id: int) -> NoticeRow | None:
        rows = self.rows(ids=[notice_id])
        return rows[0] if rows else None

    def id_by_number(self, number: str) -> int | None:
        return self.s.scalar(select(Notice.id).where(Notice.number == number))

    def id_by_year_seq(self, year: int, seq: int) -> int | None:
        return self.s.scalar(select(Notice.id).where(Notice.year == year, Notice.seq == seq))

    def years(self) -> list[int]:
        return sorted(self.s.scalars(select(Notice.year).distinct()))

    def count(self) -> int:
        return len(list(self.s.scalars(select(Notice.id))))

    @staticmethod
    def to_row(n: Notice, unit_code: str, unit_name: str, exts=()) -> NoticeRow:
        return NoticeRow(
            n.id, n.number, n.year, n.seq, n.unit_id, unit_code, unit_name, Channel(n.channel), Level(n.level),
            n.issued, n.days, bool(n.calendar_days), n.due, n.original_due, n.content, _orders(n.orders),
            n.result, n.completed, bool(n.voided), n.void_reason, n.notes, tuple(exts), n.version or 0,
        )

    def get(self, notice_id: int) -> Notice | None:
        return self.s.get(Notice, notice_id)

    # -- writing -------------------------------------------------------------------------------
    def add(self, **fields: Any) -> Notice:
        return self.audit.added("notices", Notice(**fields), NOTICE_FIELDS)

    def insert(self, fields: dict[str, Any]) -> int:
        """Insert a notice and its audit rows with two statements (the path of every issue)."""
        con = self.s.connection()
        nid = con.execute(insert(Notice).returning(Notice.id), fields).scalar_one()
        con.execute(insert(AuditEntry), [
            dict(table_name="notices", row_id=nid, action="insert", field=k, old_value=None,
                 new_value=_text(fields.get(k)), operator=self.audit.operator)
            for k in NOTICE_FIELDS
        ])
        return nid

    def update(self, n: Notice, **fields: Any) -> dict[str, tuple[Any, Any]]:
        return self.audit.updated("notices", n, fields)

    def delete(self, n: Notice) -> None:
        """Remove a notice (undo of its issue); the counter keeps its number taken."""
        self.audit.record("notices", n.id, "delete", {k: (getattr(n, k), None) for k in NOTICE_FIELDS})
        self.s.execute(delete(NoticeExtension).where(NoticeExtension.notice_id == n.id))
        self.s.delete(n)
        self.s.flush()

    def add_extension(self, **fields: Any) -> NoticeExtension:
        return self.audit.added("notice_extensions", NoticeExtension(**fields), fields)

    def get_extension(self, ext_id: int) -> NoticeExtension | None:
        return self.s.get(NoticeExtension, ext_id)

    def update_extension(self, e: NoticeExtension, **fields: Any) -> None:
        self.audit.updated("notice_extensions", e, fields)

    def replace_extensions(self, notice_id: int, exts: tuple[ExtensionRow, ...]) -> None:
        """Put back exactly these extension rows (undo restores a snapshot)."""
        current = {e.id: e for e in self.s.scalars(select(NoticeExtension).where(NoticeExtension.notice_id == notice_id))}
        keep = {x.id for x in exts}
        for eid, e in current.items():
            if eid not in keep:
                self.audit.record("notice_extensions", eid, "delete", {"state": (e.state, None)})
                self.s.delete(e)
        for x in exts:
            fields = dict(notice_id=notice_id, asked=x.asked, state=x.state.value, days=x.days, until=x.until,
                          decided=x.decided, old_due=x.old_due, new_due=x.new_due, reason=x.reason)
            e = current.get(x.id)
            if e is None:
                e = NoticeExtension(id=x.id, **fields)
                self.s.add(e)
                self.s.flush()
                self.audit.record("notice_extensions", e.id, "insert", {"state": (None, x.state.value)})
            else:
                self.update_extension(e, **fields)
        self.s.flush()
