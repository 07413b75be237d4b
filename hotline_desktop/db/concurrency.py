"""Optimistic concurrency between seats: who changed a row last, and the refusal that says so.

Every edited row carries `version` (migration 0009), raised by one with each UPDATE. An edit
names the version its seat read; when the stored row moved on, the edit is refused with a
ConflictError naming in Chinese what changed underneath it, its current value and who/when
(the latest audit row of that row). Nothing of the refused edit is applied.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline_desktop.core.dates import datetime_text
from hotline_desktop.core.text import clip
from hotline_desktop.db.errors import ConflictError
from hotline_desktop.db.models import AuditEntry

# for messages: what a stale edit was about
TABLE_LABELS = {
    "units": "承办单位", "monthly_values": "月度数据", "annual_values": "年度考核项目", "notices": "督办通知",
    "notice_extensions": "延期申请", "kb_entries": "知识库条目", "calendar_days": "工作日历",
    "app_meta": "设置", "year_schemes": "考核方案", "evidence_files": "证明材料", "kb_versions": "知识库条目",
}


def last_change(s: Session, table: str, row_id: int, field: str | None = None) -> tuple[str, datetime | None]:
    """(operator, when) of the latest audit row of that row (and field, when given); ('', None) if none."""
    q = select(AuditEntry.operator, AuditEntry.at).where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
    if field:
        q = q.where(AuditEntry.field.startswith(field))
    r = s.execute(q.order_by(AuditEntry.id.desc()).limit(1)).first()
    return (r[0] or "", r[1]) if r else ("", None)


def last_field(s: Session, table: str, row_id: int) -> str:
    """The field of the latest audit row of that row ('' when none): what another seat changed."""
    q = select(AuditEntry.field).where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
    return s.scalar(q.order_by(AuditEntry.id.desc()).limit(1)) or ""


def who_when(operator: str, at: datetime | None) -> str:
    """'（张三，2026年12月1日 09:05）' or '' when the audit log does not know."""
    parts = [p for p in (operator, datetime_text(at) if isinstance(at, datetime) else "") if p]
    return f"（{'，'.join(parts)}）" if parts else ""


def conflict(s: Session, table: str, row_id: int, *, what: str, field: str = "", audit_field: str | None = None,
             current: str | None, gone: bool = False) -> ConflictError:
    """The ConflictError for a stale edit of `what` (e.g. 单位“城管局”); `current` is the stored value."""
    operator, at = last_change(s, table, row_id, audit_field)
    label = f"{what}的{field}" if field else what
    if gone:
        now = "已被删除"
    elif current is None or current == "":
        now = "现在为空"
    else:
        now = f"现在为“{clip(current, 80)}”"
    msg = (f"{label}已被其他席位修改{who_when(operator, at)}，{now}。你的修改未保存，已显示当前的值；"
           "如仍需修改，请在当前值的基础上重新输入。")
    return ConflictError(msg, table=table, row_id=row_id, field=field, current=current, operator=operator, at=at)


def stale_write(table: str = "") -> ConflictError:
    """A write that found its row moved on between its read and its UPDATE (no details known)."""
    what = TABLE_LABELS.get(table, "数据")
    return ConflictError(f"{what}刚被其他席位修改，你的修改未保存。请刷新后重试。", table=table)
