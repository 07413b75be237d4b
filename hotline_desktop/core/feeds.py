"""Fed inputs: scheme inputs whose value is counted from a register instead of typed. Qt-free.

The one definition of which input of which scheme is fed, by which register and rule. The
value the engine scores is: an explicit override typed by the operator, else the fed value,
else the typed value (`effective`). A register feeds a year once it holds any entry of that
year; before that the typed figures stand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hotline_desktop.core.notices import Channel, NoticeRow, unfinished_at_due


@dataclass(frozen=True)
class Feed:
    scheme_id: str
    key: str
    period: str  # "monthly" | "annual"
    register: str  # "notices" | "kb"
    rule: str  # the rule's name within its register
    label: str  # what is counted, for tooltips and notes


NOTICES = "notices"
KB = "kb"

FEEDS: tuple[Feed, ...] = (
    Feed("licheng-2020", "supervision_unfinished", "monthly", NOTICES, "unfinished",
         "12345热线督办通知：办结时限在该月、到期未办结（不含作废），到期后计入"),
    Feed("ganxian-2023-hotline", "supervision_light", "monthly", NOTICES, "light",
         "12345热线督办通知（短信、电话、微信），按下达月份"),
    Feed("ganxian-2023-hotline", "supervision_heavy", "monthly", NOTICES, "heavy",
         "12345热线督办通知（书面、领导批示、现场），按下达月份"),
    Feed("ganxian-2023-online", "supervised", "monthly", NOTICES, "online",
         "网络问政督办通知，按下达月份"),
    # 知识库 (annual; rules in core/kb.py fed_values)
    Feed("ganxian-2023-hotline", "kb_format", "annual", KB, "kb_format",
         "知识库：本年有已发布的一问一答条目为“一问一答”，只有其他形式为“其他方式”，否则“未上传”"),
    Feed("ganxian-2023-hotline", "kb_updated", "annual", KB, "kb_updated",
         "知识库：本年有已发布条目发布了修订版本或做过校核"),
    Feed("ganxian-2023-hotline", "kb_late_updates", "annual", KB, "kb_late_updates",
         "知识库：本年反馈超过办结期限才更新或至今未更新的次数"),
)


def feeds_for(scheme_id: str, register: str | None = None) -> tuple[Feed, ...]:
    return tuple(f for f in FEEDS if f.scheme_id == scheme_id and (register is None or f.register == register))


def feed_for(scheme_id: str, key: str) -> Feed | None:
    return next((f for f in FEEDS if f.scheme_id == scheme_id and f.key == key), None)


@dataclass(frozen=True)
class FedValue:
    """A counted value and what it was counted from (e.g. notice numbers, for a tooltip)."""

    value: int
    sources: tuple[str, ...] = ()


def effective(typed, fed, override: bool):
    """The value scored: an explicit override > the fed value > the typed value."""
    if override:
        return typed
    if fed is not None:
        return fed
    return typed


def _month(d: date) -> str:
    return f"{d.year}-{d.month:02d}"


def notice_month(feed: Feed, n: NoticeRow, today: date) -> str | None:
    """The month (YYYY-MM) in which notice `n` counts for `feed`, or None when it does not count."""
    if n.voided:
        return None
    if feed.rule == "unfinished":
        if n.channel is not Channel.HOTLINE or not unfinished_at_due(n, today):
            return None
        return _month(n.due)
    if feed.rule == "light":
        return _month(n.issued) if n.channel is Channel.HOTLINE and not n.level.heavy else None
    if feed.rule == "heavy":
        return _month(n.issued) if n.channel is Channel.HOTLINE and n.level.heavy else None
    if feed.rule == "online":
        return _month(n.issued) if n.channel is Channel.ONLINE else None
    raise ValueError(f"unknown notice feed rule {feed.rule!r}")


def count_notices(feeds: Iterable[Feed], notices: Iterable[NoticeRow], year: int,
                  today: date) -> dict[tuple[int, str, str], FedValue]:
    """(unit_id, YYYY-MM, key) → FedValue for the months of `year`; only non-zero counts appear."""
    feeds = [f for f in feeds if f.register == NOTICES]
    acc: dict[tuple[int, str, str], list[str]] = {}
    prefix = f"{year}-"
    for n in notices:
        for f in feeds:
            m = notice_month(f, n, today)
            if m is not None and m.startswith(prefix):
                acc.setdefault((n.unit_id, m, f.key), []).append(n.number)
    return {k: FedValue(len(v), tuple(v)) for k, v in acc.items()}
