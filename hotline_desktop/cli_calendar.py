"""`hotline-desktop calendar show|set|clear|import|export|due`: the working-day calendar headlessly.

Errors exit 2 with a Chinese message (cli_args.CliError); nothing is written then. A calendar edit
that would move issued notices' due dates lists them and leaves them unless --apply is given.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from hotline_desktop.cli_args import CliError, checked_run, int_arg, parsed
from hotline_desktop.cli_args import date_arg as _date
from hotline_desktop.core.dates import FIRST_YEAR, LAST_YEAR, in_app_years
from hotline_desktop.core.text import clip
from hotline_desktop.core.workdays import (
    DAY_KIND_LABELS,
    DayKind,
    OfficeDay,
    WorkCalendar,
    clean_day_name,
    parse_day_kind,
    year_source_label,
)

WEEKDAYS = "一二三四五六日"
YEAR_RANGE = (1900, 2100)


def _year(text: str) -> int:
    return int_arg(text, "年度", *YEAR_RANGE)


def _kind(text: str) -> DayKind:
    k = parse_day_kind(text)
    if k is None:
        raise CliError(f"类型“{clip(text)}”应为“节假日”或“调休上班”")
    return k


def day_json(info) -> dict:
    return {
        "date": info.day.isoformat(),
        "weekday": info.day.isoweekday(),
        "workday": info.workday,
        "kind": info.kind.value if info.kind else None,
        "name": info.name,
        "source": info.source,
    }


def show_text(cal: WorkCalendar, year: int) -> str:
    days = cal.year_days(year)
    lines = [year_source_label(cal, year)]
    lines.append(f"工作日 {sum(d.workday for d in days)} 天，休息日 {sum(not d.workday for d in days)} 天")
    special = [d for d in days if d.kind is not None or d.source == "office"]
    if special:
        lines.append("")
        lines.append(_row("日期", "星期", "类型", "名称", "来源"))
    for d in special:
        kind = DAY_KIND_LABELS[d.kind] if d.kind else ("工作日" if d.workday else "休息日")
        src = {"office": "本办录入", "library": "国务院安排", "assumed": "按周一至周五"}[d.source]
        lines.append(_row(d.day.isoformat(), f"周{WEEKDAYS[d.day.weekday()]}", kind, d.name or "—", src))
    return "\n".join(lines)


_WIDTHS = (12, 6, 10, 22)


def _pad(text: str, width: int) -> str:
    """Pad to a display width (CJK characters take two columns in a terminal)."""
    import unicodedata

    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - w, 1)


def _row(*cells: str) -> str:
    return "".join(_pad(c, w) for c, w in zip(cells, _WIDTHS, strict=False)) + cells[-1]


def _check_year(args) -> int:
    return _year(args.year)


def _check_export(args):
    from pathlib import Path

    year = _year(args.year)
    out = Path(args.file)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CliError(f"日历文件须为 .csv 或 .xlsx：{out}")
    if not out.parent.exists():
        raise CliError(f"导出目录不存在：{out.parent}")
    return year, out


def _day(text: str, what: str = "日期") -> date:
    """A date on the command line, in the years the calendar keeps (FIRST_YEAR–LAST_YEAR)."""
    d = _date(text, what)
    if not in_app_years(d):
        raise CliError(f"{what} {d.isoformat()} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    return d


def _check_set(args) -> OfficeDay:
    day = _day(args.date)
    return OfficeDay(day, _kind(args.kind), parsed(clean_day_name, args.name))


def _check_clear(args) -> date:
    return _date(args.date)  # any date: a day stored before the year check can still be cleared


def _check_due(args) -> tuple[date, int]:
    start = _day(args.date, "下达日期")
    return start, int_arg(args.days, "时限", 1, 365)


def _show(cal_svc, args, year: int) -> int:
    cal = cal_svc.calendar()
    if args.json:
        payload = {
            "year": year,
            "source": cal.year_source(year),
            "note": cal.assumption_note(date(year, 1, 1)),
            "workdays": sum(d.workday for d in cal.year_days(year)),
            "days": [day_json(d) for d in cal.year_days(year)],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        print(show_text(cal, year))
    return 0


def _export(cal_svc, args, checked) -> int:
    year, out = checked
    path, n = cal_svc.export_year(year, out)
    print(f"已导出 {year} 年节假日和调休上班 {n} 天：{path}")
    note = cal_svc.calendar().assumption_note(date(year, 1, 1))
    if note:
        print(note)
    return 0


def _due(cal_svc, args, checked) -> int:
    start, n = checked
    cal = cal_svc.calendar()
    due = cal.due_date(start, n, args.calendar_days)
    unit = "天" if args.calendar_days else "个工作日"
    print(f"{start.isoformat()} 起 {n}{unit}：{due.isoformat()}")
    note = cal.due_note(start, n, args.calendar_days)
    if note:
        print(note)
    return 0


def _change(cal_svc, args, changes: dict):
    """Apply a calendar edit, listing the issued notices' due dates it would move (moved with --apply)."""
    items = cal_svc.preview_change(changes)
    if items:
        verb = "一并改动" if args.apply else "保持不变（如需一并改动，请加 --apply）"
        print(f"此项改动影响 {len(items)} 项已计算的到期日，{verb}：")
        for i in items:
            print(f"  {i.label}：{i.old_due.isoformat()} → {i.new_due.isoformat()}")
    return cal_svc.change(changes, apply_to=items if args.apply else (), left=() if args.apply else items)


def _import(cal_svc, args, _checked) -> int:
    plan = cal_svc.plan_import(args.file)
    for p in plan.problems:
        print(f"{plan.source.name} {p}", file=sys.stderr)
    if not plan.ok:
        print(f"{plan.summary()}。未导入任何日期", file=sys.stderr)
        return 2
    edit = _change(cal_svc, args, plan.changes)
    print(f"{plan.summary()}。已导入，改动 {len(edit.after)} 天")
    return 0


def _set(cal_svc, args, set_to: OfficeDay) -> int:
    edit = _change(cal_svc, args, {set_to.day: set_to})
    if not edit.after:
        print(f"{set_to.day.isoformat()} 无变化")
    else:
        print(f"已将 {set_to.day.isoformat()} 设为{DAY_KIND_LABELS[set_to.kind]}" + (f"（{set_to.name}）" if set_to.name else ""))
    return 0


def _clear(cal_svc, args, day: date) -> int:
    edit = _change(cal_svc, args, {day: None})
    if not edit.after:
        print(f"{day.isoformat()} 无变化")
    else:
        print(f"已清除 {day.isoformat()} 的本办设置，恢复按国务院安排或周一至周五计算")
    return 0


# action → (check before the database is opened, run, needs the write lock)
_CALENDAR_ACTIONS = {
    "show": (_check_year, _show, False),
    "export": (_check_export, _export, False),
    "due": (_check_due, _due, False),
    "import": (lambda args: None, _import, True),
    "set": (_check_set, _set, True),
    "clear": (_check_clear, _clear, True),
}


def cmd_calendar(args, open_services) -> int:
    check, run, lock = _CALENDAR_ACTIONS[args.calendar_action]
    return checked_run(args, open_services, check, lambda services, a, c: run(services.calendar, a, c), lock=lock)


def add_calendar_parser(add, common) -> None:
    """Register `calendar …` on the CLI (cli.build_parser's `add` helper)."""
    from hotline_desktop import cli

    sp = add("calendar", lambda a: cmd_calendar(a, cli._open), "工作日历：查看、设置节假日/调休上班、导入")
    csub = sp.add_subparsers(dest="calendar_action", metavar="ACTION", required=True)
    c = csub.add_parser("show", help="显示一年的节假日与调休上班", parents=[common])
    c.add_argument("year", metavar="YEAR")
    c.add_argument("--json", action="store_true", help="输出 JSON（全年每一天）")
    c = csub.add_parser("set", help="把某天设为 节假日 或 调休上班", parents=[common])
    c.add_argument("date", metavar="DATE")
    c.add_argument("kind", metavar="节假日|调休上班")
    c.add_argument("--name", metavar="NAME", help="名称，如 国庆节")
    c.add_argument("--apply", action="store_true", help="同时改动受影响的督办通知到期日（记入日志）")
    c = csub.add_parser("clear", help="清除某天的本办设置", parents=[common])
    c.add_argument("date", metavar="DATE")
    c.add_argument("--apply", action="store_true", help="同时改动受影响的督办通知到期日（记入日志）")
    c = csub.add_parser("import", help="从 xlsx/CSV（日期,类型,名称）导入，替换文件所含年份", parents=[common])
    c.add_argument("file", metavar="FILE")
    c.add_argument("--apply", action="store_true", help="同时改动受影响的督办通知到期日（记入日志）")
    c = csub.add_parser("export", help="导出一年的节假日与调休上班（.csv/.xlsx，可改后再导入）", parents=[common])
    c.add_argument("year", metavar="YEAR")
    c.add_argument("file", metavar="FILE")
    c = csub.add_parser("due", help="计算到期日：DATE 起 N 个工作日（或 --calendar-days 自然日）", parents=[common])
    c.add_argument("date", metavar="DATE")
    c.add_argument("days", metavar="N")
    c.add_argument("--calendar-days", action="store_true", help="按自然日计算")


# --- settings ---------------------------------------------------------------------------------


def cmd_settings(args, open_services) -> int:
    from hotline_desktop.core import settings as core

    if args.settings_action == "set":
        names = {n: n for n in core.NAMES} | {label: n for n, label in core.LABELS.items()}
        name = names.get(args.name.strip())
        if name is None:
            known = "、".join(f"{n}（{core.LABELS[n]}）" for n in core.NAMES)
            raise CliError(f"没有设置项“{clip(args.name)}”；可用：{known}")
        _, errs = core.parse_settings({name: args.value})
        if errs:
            raise CliError(errs.errors[name])
    services = open_services(args, lock=args.settings_action == "set")
    try:
        st = services.settings
        if args.settings_action == "show":
            texts = st.texts()
            if args.json:
                print(json.dumps(texts, ensure_ascii=False, indent=1))
            else:
                for n in core.NAMES:
                    print(f"{core.LABELS[n]}（{n}）：{texts[n]}")
            return 0
        changes = st.update({name: args.value})
        if not changes:
            print(f"{core.LABELS[name]}无变化：{st.texts()[name]}")
        for n, (old, new) in changes.items():
            print(f"{core.LABELS[n]}：{old} → {new}")
        return 0
    finally:
        services.close()


def add_settings_parser(add, common) -> None:
    from hotline_desktop import cli

    sp = add("settings", lambda a: cmd_settings(a, cli._open), "设置：督办编号前缀、单位名称、通报期限等")
    ssub = sp.add_subparsers(dest="settings_action", metavar="ACTION", required=True)
    c = ssub.add_parser("show", help="显示全部设置", parents=[common])
    c.add_argument("--json", action="store_true")
    c = ssub.add_parser("set", help="修改一项设置，如 settings set escalation_workdays 4", parents=[common])
    c.add_argument("name", metavar="NAME")
    c.add_argument("value", metavar="VALUE")
