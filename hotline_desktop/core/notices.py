"""督办通知: the vocabulary and the rules (numbering, due dates, status, escalation). Qt-free.

Every layer (GUI, CLI, exports, the feeds into scores) uses these definitions; none repeats them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hotline_desktop.core.workdays import WorkCalendar


class Channel(StrEnum):
    HOTLINE = "hotline"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Channel:
        t = (text or "").strip()
        for c in cls:
            if t in (c.value, CHANNEL_LABELS[c]) or t in CHANNEL_ALIASES.get(c, ()):
                return c
        raise ValueError(f"督办渠道无效：“{t}”，应为 12345热线 或 网络问政")


CHANNEL_LABELS = {Channel.HOTLINE: "12345热线", Channel.ONLINE: "网络问政"}
CHANNEL_ALIASES = {Channel.HOTLINE: ("热线", "12345"), Channel.ONLINE: ("问政",)}


class Level(StrEnum):
    SMS = "sms"
    PHONE = "phone"
    WECHAT = "wechat"
    WRITTEN = "written"
    LEADER = "leader"
    ONSITE = "onsite"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def heavy(self) -> bool:
        """书面 / 领导批示 / 现场 are heavy supervision; 短信 / 电话 / 微信 are light."""
        return self in (Level.WRITTEN, Level.LEADER, Level.ONSITE)

    @classmethod
    def parse(cls, text: str) -> Level:
        return _by_key_or_label(LEVEL_LABELS, text, "督办方式")


def _by_key_or_label(labels: dict, text: str, what: str):
    """The member of `labels` whose key or label is `text` (trimmed); else a ValueError naming `what`."""
    t = (text or "").strip()
    for member, label in labels.items():
        if t in (member.value, label):
            return member
    raise ValueError(f"{what}无效：“{t}”，应为 {'、'.join(labels.values())} 之一")


LEVEL_LABELS = {
    Level.SMS: "短信",
    Level.PHONE: "电话",
    Level.WECHAT: "微信",
    Level.WRITTEN: "书面",
    Level.LEADER: "领导批示",
    Level.ONSITE: "现场",
}


class NoticeStatus(StrEnum):
    ISSUED = "issued"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def open(self) -> bool:
        return self in (NoticeStatus.ISSUED, NoticeStatus.DUE_SOON, NoticeStatus.OVERDUE)

    @classmethod
    def parse(cls, text: str) -> NoticeStatus:
        return _by_key_or_label(STATUS_LABELS, text, "状态")


STATUS_LABELS = {
    NoticeStatus.ISSUED: "已下达",
    NoticeStatus.DUE_SOON: "即将到期",
    NoticeStatus.OVERDUE: "逾期未办结",
    NoticeStatus.DONE_ON_TIME: "按期办结",
    NoticeStatus.DONE_LATE: "逾期办结",
    NoticeStatus.VOIDED: "已作废",
}

DUE_SOON_WORKDAYS = 2  # 即将到期: due within this many working days


class Escalation(StrEnum):
    NONE = "none"
    REMIND = "remind"  # 提醒: open, due date not passed
    URGE = "urge"  # 催办通知: from the day after the due date
    REPORT = "report"  # 通报: N more working days passed after the due date

    @property
    def label(self) -> str:
        return ESCALATION_LABELS[self]


ESCALATION_LABELS = {
    Escalation.NONE: "",
    Escalation.REMIND: "提醒",
    Escalation.URGE: "催办通知",
    Escalation.REPORT: "通报",
}


class ExtensionState(StrEnum):
    ASKED = "asked"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"asked": "已申请", "approved": "已批准", "rejected": "未批准"}[self.value]


@dataclass(frozen=True, slots=True)
class ExtensionRow:
    id: int
    notice_id: int
    asked: date
    state: ExtensionState
    days: int | None  # N more days (working or calendar, as the notice), or None when `until` is given
    until: date | None  # the new due date asked for / granted
    decided: date | None = None
    old_due: date | None = None  # due date before approval
    new_due: date | None = None  # due date after approval
    reason: str = ""


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """One notice as every layer above the store sees it."""

    id: int
    number: str
    year: int
    seq: int
    unit_id: int
    unit_code: str
    unit_name: str
    channel: Channel
    level: Level
    issued: date
    days: int
    calendar_days: bool
    due: date  # the current (final) due date, stored when computed
    original_due: date  # the due date the notice was issued with
    content: str = ""
    orders: tuple[str, ...] = ()  # linked work-order numbers
    result: str = ""
    completed: date | None = None
    voided: bool = False
    void_reason: str = ""
    notes: str = ""
    extensions: tuple[ExtensionRow, ...] = field(default=())
    version: int = field(default=0, compare=False)  # the stored row's version when read (seats)

    @property
    def extended(self) -> bool:
        return self.due != self.original_due

    @property
    def deadline_text(self) -> str:
        """督办时限 as printed: "5个工作日" or "5天"."""
        return deadline_text(self.days, self.calendar_days)

    def search_text(self) -> str:
        return search_fold(" ".join((self.number, self.unit_code, self.unit_name, self.content, " ".join(self.orders))))


def search_fold(text: str) -> str:
    """Text as the register's search compares it: full-width forms folded to their plain ones (a
    number typed 督(2026)3 with ASCII brackets finds 督（2026）3号; ２０２６ finds 2026), lower case."""
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def deadline_text(days: int, calendar_days: bool) -> str:
    return f"{days}天" if calendar_days else f"{days}个工作日"


# -- numbers -------------------------------------------------------------------------------------
def format_number(prefix: str, year: int, seq: int) -> str:
    """督（2026）3号."""
    return f"{prefix}（{year}）{seq}号"


_NUMBER_RE = re.compile(r"^\s*(\S*?)\s*[（(]\s*(\d{4})\s*[)）]\s*(\d+)\s*号?\s*$")


def parse_number(text: str) -> tuple[str, int, int]:
    """"督（2026）3号" (also ASCII brackets, without 号) → (prefix, year, seq)."""
    m = _NUMBER_RE.match(text or "")
    if not m:
        raise ValueError(f"通知编号无效：“{(text or '').strip()}”，应如 督（2026）3号")
    return m.group(1), int(m.group(2)), int(m.group(3))


def short_numbers(numbers: list[str]) -> str:
    """督（2026）3号、5号 — numbers of one year shortened after the first, as in a tooltip."""
    out: list[str] = []
    last_head = None
    for n in numbers:
        try:
            prefix, year, seq = parse_number(n)
        except ValueError:
            out.append(n)
            last_head = None
            continue
        head = (prefix, year)
        out.append(f"{seq}号" if head == last_head else n)
        last_head = head
    return "、".join(out)


# -- dates ---------------------------------------------------------------------------------------
class _Cal(Protocol):  # the parts of WorkCalendar the rules use
    def due_date(self, issued: date, days: int, calendar_days: bool = False) -> date: ...
    def add_workdays(self, start: date, n: int) -> date: ...
    def add_days(self, start: date, n: int) -> date: ...
    def workdays_between(self, start: date, end: date) -> int: ...


def compute_due(cal: WorkCalendar | _Cal, issued: date, days: int, calendar_days: bool) -> date:
    """A deadline of N working days is the N-th working day after the issue date (that day not counted)."""
    if days < 1:
        raise ValueError(f"督办时限应为正整数天数，而不是 {days}")
    return cal.due_date(issued, days, calendar_days)


def extended_due(cal: WorkCalendar | _Cal, current_due: date, days: int | None, until: date | None,
                 calendar_days: bool) -> date:
    """The due date after an approved extension: N more days after the current due date, or a new date."""
    if until is not None:
        if until <= current_due:
            raise ValueError(f"延期后的日期 {until.isoformat()} 应晚于原办结时限 {current_due.isoformat()}")
        return until
    if days is None or days < 1:
        raise ValueError("延期天数应为正整数")
    return cal.add_days(current_due, days) if calendar_days else cal.add_workdays(current_due, days)


def status(n: NoticeRow, today: date, cal: WorkCalendar | _Cal) -> NoticeStatus:
    """Status as of `today`; a completion dated after `today` does not count yet."""
    if n.voided:
        return NoticeStatus.VOIDED
    if n.completed is not None and n.completed <= today:
        return NoticeStatus.DONE_ON_TIME if n.completed <= n.due else NoticeStatus.DONE_LATE
    if today > n.due:
        return NoticeStatus.OVERDUE
    if cal.workdays_between(today, n.due) <= DUE_SOON_WORKDAYS:
        return NoticeStatus.DUE_SOON
    return NoticeStatus.ISSUED


@dataclass(frozen=True, slots=True)
class EscalationStep:
    step: Escalation
    since: date | None  # the first day of this step
    next_step: Escalation | None = None
    next_on: date | None = None  # when the next step starts if still not completed


def escalation(n: NoticeRow, today: date, cal: WorkCalendar | _Cal, report_after: int) -> EscalationStep:
    """提醒 before the due date → 催办通知 from the day after → 通报 once `report_after` more working
    days have passed after the due date (from the first day after the `report_after`-th working day)."""
    st = status(n, today, cal)
    if not st.open:
        return EscalationStep(Escalation.NONE, None)
    urge_on = cal.add_days(n.due, 1)
    report_on = cal.add_days(cal.add_workdays(n.due, max(report_after, 0)), 1)
    if today < urge_on:
        return EscalationStep(Escalation.REMIND, n.issued, Escalation.URGE, urge_on)
    if today < report_on:
        return EscalationStep(Escalation.URGE, urge_on, Escalation.REPORT, report_on)
    return EscalationStep(Escalation.REPORT, report_on)


def check_completion(n: NoticeRow, completed: date) -> None:
    if completed < n.issued:
        raise ValueError(
            f"办结日期 {completed.isoformat()} 早于下达日期 {n.issued.isoformat()}（{n.number}）"
        )


def unfinished_at_due(n: NoticeRow, today: date) -> bool:
    """Not voided, due date passed as of `today`, and no completion dated on or before the due date."""
    if n.voided or not today > n.due:
        return False
    return n.completed is None or n.completed > n.due


def split_orders(text: str) -> tuple[str, ...]:
    """Work-order numbers typed as "A1,A2；A3" (comma, 、, ；, space or newline)."""
    parts = re.split(r"[,，、;；\s]+", text or "")
    seen: list[str] = []
    for p in parts:
        p = p.strip()
        if p and p not in seen:
            seen.append(p)
    return tuple(seen)


MAX_ORDER_LEN = 40  # a platform work-order number is far shorter; longer text is a typing slip


def orders_problem(orders: tuple[str, ...]) -> str | None:
    """Why these work-order numbers cannot be kept (the first too long one), or None."""
    long = [o for o in orders if len(o) > MAX_ORDER_LEN]
    if long:
        return f"工单编号过长（最多 {MAX_ORDER_LEN} 个字符）：{long[0][:MAX_ORDER_LEN]}…"
    return None


VOID_REASON_MAX = 200  # 作废原因 is one line under the printed form (如：重复下达、下达对象有误)


def cn_date(d: date | None) -> str:
    """2026年12月1日."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
