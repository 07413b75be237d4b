"""The audit log as the operator reads it: who changed what, when, old → new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hotline_desktop.core.dates import datetime_text
from hotline_desktop.db.concurrency import TABLE_LABELS
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.db.store import Store

ACTION_LABELS = {"insert": "新增", "update": "修改", "delete": "删除", "keep": "保留"}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime | None
    operator: str
    table: str
    row_id: int
    action: str
    field: str
    old: str | None
    new: str | None

    @property
    def at_text(self) -> str:
        return datetime_text(self.at) if isinstance(self.at, datetime) else ""

    @property
    def what(self) -> str:
        return f"{TABLE_LABELS.get(self.table, self.table)} #{self.row_id}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def as_json(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat(sep=" ") if isinstance(self.at, datetime) else None,
                "operator": self.operator, "table": self.table, "row_id": self.row_id, "action": self.action,
                "field": self.field, "old": self.old, "new": self.new}


class AuditService:
    def __init__(self, store: Store):
        self.store = store

    def recent(self, limit: int = 200, *, table: str | None = None, operator: str | None = None) -> list[AuditRow]:
        """The newest entries first (of one table and/or one operator when given)."""
        with self.store.session() as s:
            return [AuditRow(e.id, e.at, e.operator or "", e.table_name, e.row_id, e.action, e.field or "",
                             e.old_value, e.new_value)
                    for e in AuditRepository(s).recent(limit, table=table, operator=operator)]
