"""The office's settings: one definition of each setting's default, text form and valid range.

Stored as text (app_meta "setting.<name>"); `parse_settings` turns stored or typed text into
a typed `Settings`, with Chinese messages naming the field for anything invalid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import time

from hotline_desktop.core.domain import FieldErrors
from hotline_desktop.core.text import TextProblem, clean_text, clip

Span = tuple[time, time]


@dataclass(frozen=True)
class Settings:
    notice_prefix: str = "督"  # 督（2026）3号
    office_name: str = "区政府热线办"  # （区政府热线办）部门督办通知
    escalation_workdays: int = 3  # 通报 after N more working days past 催办
    kb_feedback_workdays: int = 5  # a KB correction must be answered within N working days
    office_hours: tuple[Span, ...] = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))


DEFAULTS = Settings()
NAMES = tuple(f.name for f in fields(Settings))
LABELS = {
    "notice_prefix": "督办编号前缀",
    "office_name": "单位名称",
    "escalation_workdays": "通报期限",
    "kb_feedback_workdays": "知识库纠错反馈期限",
    "office_hours": "办公时间",
}
PREFIX_MAX = 8
OFFICE_NAME_MAX = 40
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")
DAYS_RANGE = (1, 60)

_SPAN_RE = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–—~至到]\s*(\d{1,2})[:：](\d{2})$")


def format_hours(spans: tuple[Span, ...]) -> str:
    return "、".join(f"{a.hour}:{a.minute:02d}–{b.hour}:{b.minute:02d}" for a, b in spans)


def parse_hours(text: str) -> tuple[Span, ...]:
    """'8:30–12:00、13:30–17:30' (also , ; / space as separators) → spans; ValueError in Chinese."""
    parts = [p.strip() for p in re.split(r"[、,，;；/\s]+(?=\d)", text.strip()) if p.strip()]
    if not parts:
        raise ValueError("不能为空（如 8:30–12:00、13:30–17:30）")
    spans: list[Span] = []
    for p in parts:
        m = _SPAN_RE.match(p.replace(" ", ""))
        if not m:
            raise ValueError(f"“{clip(p)}”应写作 8:30–12:00")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if not (0 <= h1 <= 23 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60) or (h2 == 24 and m2):
            raise ValueError(f"“{clip(p)}”不是有效的时间")
        a, b = time(h1, m1), time(23, 59) if h2 == 24 else time(h2, m2)
        if b <= a:
            raise ValueError(f"“{clip(p)}”的结束时间应晚于开始时间")
        if spans and a < spans[-1][1]:
            raise ValueError(f"“{clip(p)}”与前一时段重叠或顺序颠倒")
        spans.append((a, b))
    return tuple(spans)


def format_value(name: str, value: object) -> str:
    if name == "office_hours":
        return format_hours(value)  # type: ignore[arg-type]
    return str(value)


def _parse_one(name: str, text: str) -> object:
    text = text if isinstance(text, str) else str(text)
    if name in ("notice_prefix", "office_name"):
        try:
            v = clean_text(text)
        except TextProblem as e:
            raise ValueError(e.reason) from None
        limit = PREFIX_MAX if name == "notice_prefix" else OFFICE_NAME_MAX
        if not v:
            raise ValueError("不能为空")
        if len(v) > limit:
            raise ValueError(f"不能超过 {limit} 个字")
        if name == "notice_prefix" and re.search(r"[\s（）()0-9]", v):
            raise ValueError("不能含空格、括号或数字（编号写作 督（2026）3号）")
        return v
    if name in ("escalation_workdays", "kb_feedback_workdays"):
        t = text.strip().translate(_FULL_WIDTH_DIGITS)
        if not re.fullmatch(r"[+-]?\d{1,9}", t, re.ASCII):  # (999999 is out of range, not "not a number")
            raise ValueError(f"“{clip(t)}”应为整数（工作日数）")
        n = int(t)
        lo, hi = DAYS_RANGE
        if not lo <= n <= hi:
            raise ValueError(f"应在 {lo}–{hi} 个工作日之间")
        return n
    if name == "office_hours":
        return parse_hours(text)
    raise KeyError(name)


def parse_settings(texts: dict[str, str], base: Settings = DEFAULTS) -> tuple[Settings, FieldErrors]:
    """Settings from text values (missing names keep `base`); invalid ones are reported, not applied."""
    errs = FieldErrors()
    values = {}
    for name, text in texts.items():
        if name not in NAMES:
            continue
        try:
            values[name] = _parse_one(name, text)
        except ValueError as e:
            errs.add(name, f"{LABELS[name]}{e}")
    return replace(base, **values), errs


def as_texts(s: Settings) -> dict[str, str]:
    return {n: format_value(n, getattr(s, n)) for n in NAMES}
