"""`hotline-desktop notice add|list|complete|extend|void|pdf|remind|export`: the 督办通知 register
headlessly, through the same NoticeService as the GUI.

Every argument is checked before anything is written; bad input exits 2 with a Chinese message.
"""

from __future__ import annotations

import json
import sys

from hotline_desktop.cli_args import CliError, checked_run, int_arg
from hotline_desktop.cli_args import date_arg as _date
from hotline_desktop.cli_args import out_file as _out
from hotline_desktop.cli_args import parsed as _parse
from hotline_desktop.core.notices import Channel, Level, NoticeStatus, split_orders
from hotline_desktop.core.text import clip


def _int(text: str | None, what: str, lo: int = 1, hi: int = 365) -> int:
    return int_arg(text, what, lo, hi)


def _note_lines(cal, rows) -> list[str]:
    from hotline_desktop.core.workdays import years_note

    note = years_note(y for r in rows if not r.calendar_days for y in cal.span_years(r.issued, r.due))
    return [note] if note else []


def _check_add(args) -> dict:
    issued = _date(args.issued, "下达日期")
    days = _int(args.days, "督办时限（天数）")
    level = _parse(Level.parse, args.level)
    channel = _parse(Channel.parse, args.channel)
    content = args.content or ""
    if not content.strip():
        raise CliError("督办内容不能为空（--content）")
    return dict(issued=issued, days=days, level=level, channel=channel, content=content,
                orders=split_orders(args.orders or ""))


def _check_list(args) -> dict:
    return dict(year=_int(args.year, "年度", 2000, 2100) if args.year else None,
                status=_parse(NoticeStatus.parse, args.status) if args.status else None,
                as_of=_date(args.as_of, "--as-of 日期") if args.as_of else None)


def _check_complete(args) -> dict:
    done = _date(args.date, "办结日期")
    if not (args.result or "").strip():
        raise CliError("请填写办理结果（--result）")
    return dict(done=done)


def _check_extend(args) -> dict:
    if (args.days is None) == (args.until is None):
        raise CliError("延期须给出 --days N 或 --until YYYY-MM-DD（二者选一）")
    return dict(days=_int(args.days, "延期天数") if args.days is not None else None,
                until=_date(args.until, "延期后的办结时限") if args.until is not None else None)


def _check_void(args) -> dict:
    if not (args.reason or "").strip():
        raise CliError("作废须填写原因（--reason）")
    return {}


def _check_print(args) -> dict:
    out = _out(args.out, ".pdf")
    return dict(out=out, as_of=_date(args.as_of, "--as-of 日期") if getattr(args, "as_of", None) else None)


def _check_export(args) -> dict:
    year = _int(args.year, "年度", 2000, 2100)
    out = _out(args.out, ".xlsx")
    return dict(year=year, out=out, as_of=_date(args.as_of, "--as-of 日期") if args.as_of else None)


def _add(services, args, a: dict) -> int:
    from hotline_desktop.services.notices import NoticeDraft

    unit = next((u for u in services.units.list() if u.code == args.unit.strip()), None)
    if unit is None:
        raise CliError(f"找不到承办单位：{clip(args.unit)}")
    row = services.notices.issue(NoticeDraft(unit.id, a["channel"], a["level"], a["issued"], a["days"],
                                             args.calendar_days, a["content"], a["orders"]))
    print(row.number)
    note = services.calendar.calendar().span_note(row.issued, row.due) if not row.calendar_days else None
    print(f"承办单位：{row.unit_name}　督办时限：{row.deadline_text}　办结时限：{row.due.isoformat()}",
          file=sys.stderr)
    if note:
        print(f"注：{note}", file=sys.stderr)
    return 0


def _list_line(v) -> str:
    r = v.row
    done = f"　办结 {r.completed.isoformat()}" if r.completed else ""
    step = f"　{v.escalation.label}" if v.escalation.label else ""
    orig = f"（原 {r.original_due.isoformat()}）" if r.extended else ""
    return (f"{r.number}\t{r.unit_code} {r.unit_name}\t{r.channel.label}/{r.level.label}\t"
            f"下达 {r.issued.isoformat()}\t{r.deadline_text}\t时限 {r.due.isoformat()}{orig}\t"
            f"{v.status.label}{step}{done}")


def _list(services, args, a: dict) -> int:
    from hotline_desktop.services.notices import NoticeFilter, row_as_json

    views = services.notices.list(NoticeFilter(year=a["year"], status=a["status"]), a["as_of"])
    if args.json:
        sys.stdout.write(json.dumps([row_as_json(v) for v in views], ensure_ascii=False, indent=1) + "\n")
        return 0
    for v in views:
        print(_list_line(v))
    for note in _note_lines(services.calendar.calendar(), [v.row for v in views]):
        print(f"注：{note}")
    print(f"共 {len(views)} 件", file=sys.stderr)
    return 0


def _complete(services, args, a: dict) -> int:
    ns = services.notices
    row = ns.complete(ns.by_number(args.number).id, a["done"], args.result)
    print(f"{row.number} 已办结：{row.completed.isoformat()}")
    return 0


def _extend(services, args, a: dict) -> int:
    ns = services.notices
    row = ns.extend(ns.by_number(args.number).id, days=a["days"], until=a["until"])
    print(f"{row.number} 已延期：办结时限 {row.original_due.isoformat()} → {row.due.isoformat()}")
    note = services.calendar.calendar().span_note(row.issued, row.due)
    if note:
        print(f"注：{note}")
    return 0


def _void(services, args, a: dict) -> int:
    ns = services.notices
    row = ns.void(ns.by_number(args.number).id, args.reason)
    print(f"{row.number} 已作废（编号保留，不再使用）")
    return 0


def _pdf(services, args, a: dict) -> int:
    ns = services.notices
    path = ns.pdf([ns.by_number(n).id for n in args.numbers], a["out"])
    print(f"已生成：{path}")
    return 0


def _remind(services, args, a: dict) -> int:
    ns = services.notices
    path = ns.remind_pdf([ns.by_number(n).id for n in args.numbers], a["out"], a["as_of"])
    print(f"已生成：{path}")
    return 0


def _export(services, args, a: dict) -> int:
    path = services.notices.export_xlsx(a["year"], a["out"], a["as_of"])
    print(f"已导出 {a['year']} 年督办通知登记表：{path}")
    return 0


# action → (check of the command line, before the store is opened; run)
_NOTICE_ACTIONS = {
    "add": (_check_add, _add),
    "list": (_check_list, _list),
    "complete": (_check_complete, _complete),
    "extend": (_check_extend, _extend),
    "void": (_check_void, _void),
    "pdf": (_check_print, _pdf),
    "remind": (_check_print, _remind),
    "export": (_check_export, _export),
}


def cmd_notice(args, open_services) -> int:
    action = args.notice_action
    if action not in _NOTICE_ACTIONS:
        raise CliError(f"未知的操作：{action}")
    return checked_run(args, open_services, *_NOTICE_ACTIONS[action], lock=action != "list")


def add_notice_parser(add, common) -> None:
    """Register `notice …` on the CLI (cli.build_parser's `add` helper)."""
    from hotline_desktop import cli

    sp = add("notice", lambda a: cmd_notice(a, cli._open), "督办通知：下达、查询、办结、延期、作废、打印、导出")
    ns = sp.add_subparsers(dest="notice_action", metavar="ACTION", required=True)
    c = ns.add_parser("add", help="下达督办通知（输出新编号）", parents=[common])
    c.add_argument("--unit", required=True, metavar="CODE", help="承办单位编码")
    c.add_argument("--issued", required=True, metavar="YYYY-MM-DD", help="下达日期")
    c.add_argument("--days", required=True, metavar="N", help="督办时限：N 个工作日")
    c.add_argument("--calendar-days", action="store_true", help="时限按自然日（天）计算")
    c.add_argument("--level", required=True, metavar="LEVEL", help="短信|电话|微信|书面|领导批示|现场")
    c.add_argument("--channel", required=True, metavar="CHANNEL", help="热线|网络问政")
    c.add_argument("--content", required=True, metavar="TEXT", help="督办内容")
    c.add_argument("--orders", metavar="NO,NO", help="关联工单编号，逗号分隔")
    c = ns.add_parser("list", help="列出督办通知及状态", parents=[common])
    c.add_argument("--year", metavar="Y")
    c.add_argument("--status", metavar="S", help="已下达|即将到期|逾期未办结|按期办结|逾期办结|已作废")
    c.add_argument("--as-of", metavar="YYYY-MM-DD", help="按该日计算状态（默认今天）")
    c.add_argument("--json", action="store_true")
    c = ns.add_parser("complete", help="登记办结", parents=[common])
    c.add_argument("number", metavar="NUMBER")
    c.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--result", required=True, metavar="TEXT")
    c = ns.add_parser("extend", help="批准延期（N 个工作日或新的办结时限）", parents=[common])
    c.add_argument("number", metavar="NUMBER")
    c.add_argument("--days", metavar="N")
    c.add_argument("--until", metavar="YYYY-MM-DD")
    c = ns.add_parser("void", help="作废（编号保留，不再使用）", parents=[common])
    c.add_argument("number", metavar="NUMBER")
    c.add_argument("--reason", required=True, metavar="TEXT")
    c = ns.add_parser("pdf", help="打印督办通知（附件3 样式，多份合为一个 PDF）", parents=[common])
    c.add_argument("numbers", nargs="+", metavar="NUMBER")
    c.add_argument("--out", required=True, metavar="FILE.pdf")
    c = ns.add_parser("remind", help="打印催办通知（逾期未办结的通知）", parents=[common])
    c.add_argument("numbers", nargs="+", metavar="NUMBER")
    c.add_argument("--out", required=True, metavar="FILE.pdf")
    c.add_argument("--as-of", metavar="YYYY-MM-DD")
    c = ns.add_parser("export", help="导出一年的督办通知登记表（xlsx）", parents=[common])
    c.add_argument("--year", required=True, metavar="Y")
    c.add_argument("--out", required=True, metavar="FILE.xlsx")
    c.add_argument("--as-of", metavar="YYYY-MM-DD")
