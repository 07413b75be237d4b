"""`hotline-desktop notice add|list|complete|extend|void|pdf|remind|export`: the 督办通知 register
headlessly, through the same NoticeService as the GUI.

Every argument is checked before anything is written; bad input exits 2 with a Chinese message.
"""

from __future__ import annotations

import json
import sys

from hotline_desktop.cli_args import CliError, int_arg
from hotline_desktop.cli_args import date_arg as _date
from hotline_desktop.cli_args import out_file as _out
from hotline_desktop.cli_args import parsed as _parse
from hotline_desktop.core.notices import Channel, Level, NoticeStatus, split_orders
from hotline_desktop.core.text import clip


def _int(text: str | None, what: str, lo: int = 1, hi: int = 365) -> int:
    return int_arg(text, what, lo, hi)


def _note_lines(cal, rows) -> list[str]:
    notes = {cal.span_note(r.issued, r.due) for r in rows if not r.calendar_days}
    return sorted(n for n in notes if n)


def cmd_notice(args, open_services) -> int:
    action = args.notice_action
    # Check everything the command line says before the store is opened.
    if action == "add":
        issued = _date(args.issued, "下达日期")
        days = _int(args.days, "督办时限（天数）")
        level = _parse(Level.parse, args.level)
        channel = _parse(Channel.parse, args.channel)
        content = args.content or ""
        if not content.strip():
            raise CliError("督办内容不能为空（--content）")
        orders = split_orders(args.orders or "")
    elif action == "list":
        year = _int(args.year, "年度", 2000, 2100) if args.year else None
        status = _parse(NoticeStatus.parse, args.status) if args.status else None
        as_of = _date(args.as_of, "--as-of 日期") if args.as_of else None
    elif action == "complete":
        done = _date(args.date, "办结日期")
        if not (args.result or "").strip():
            raise CliError("请填写办理结果（--result）")
    elif action == "extend":
        if (args.days is None) == (args.until is None):
            raise CliError("延期须给出 --days N 或 --until YYYY-MM-DD（二者选一）")
        ext_days = _int(args.days, "延期天数") if args.days is not None else None
        until = _date(args.until, "延期后的办结时限") if args.until is not None else None
    elif action == "void":
        if not (args.reason or "").strip():
            raise CliError("作废须填写原因（--reason）")
    elif action in ("pdf", "remind"):
        out = _out(args.out, ".pdf")
        as_of = _date(args.as_of, "--as-of 日期") if getattr(args, "as_of", None) else None
    elif action == "export":
        year = _int(args.year, "年度", 2000, 2100)
        out = _out(args.out, ".xlsx")
        as_of = _date(args.as_of, "--as-of 日期") if args.as_of else None

    services = open_services(args, lock=action != "list")
    try:
        ns = services.notices
        if action == "add":
            from hotline_desktop.services.notices import NoticeDraft

            unit = next((u for u in services.units.list() if u.code == args.unit.strip()), None)
            if unit is None:
                raise CliError(f"找不到承办单位：{clip(args.unit)}")
            row = ns.issue(NoticeDraft(unit.id, channel, level, issued, days, args.calendar_days, content, orders))
            print(row.number)
            note = services.calendar.calendar().span_note(row.issued, row.due) if not row.calendar_days else None
            print(f"承办单位：{row.unit_name}　督办时限：{row.deadline_text}　办结时限：{row.due.isoformat()}",
                  file=sys.stderr)
            if note:
                print(f"注：{note}", file=sys.stderr)
            return 0
        if action == "list":
            from hotline_desktop.services.notices import NoticeFilter, row_as_json

            views = ns.list(NoticeFilter(year=year, status=status), as_of)
            if args.json:
                sys.stdout.write(json.dumps([row_as_json(v) for v in views], ensure_ascii=False, indent=1) + "\n")
                return 0
            for v in views:
                r = v.row
                done = f"　办结 {r.completed.isoformat()}" if r.completed else ""
                step = f"　{v.escalation.label}" if v.escalation.label else ""
                orig = f"（原 {r.original_due.isoformat()}）" if r.extended else ""
                print(f"{r.number}\t{r.unit_code} {r.unit_name}\t{r.channel.label}/{r.level.label}\t"
                      f"下达 {r.issued.isoformat()}\t{r.deadline_text}\t时限 {r.due.isoformat()}{orig}\t"
                      f"{v.status.label}{step}{done}")
            for note in _note_lines(services.calendar.calendar(), [v.row for v in views]):
                print(f"注：{note}")
            print(f"共 {len(views)} 件", file=sys.stderr)
            return 0
        if action in ("complete", "extend", "void"):
            row = ns.by_number(args.number)
            if action == "complete":
                row = ns.complete(row.id, done, args.result)
                print(f"{row.number} 已办结：{row.completed.isoformat()}")
            elif action == "extend":
                row = ns.extend(row.id, days=ext_days, until=until)
                print(f"{row.number} 已延期：办结时限 {row.original_due.isoformat()} → {row.due.isoformat()}")
                note = services.calendar.calendar().span_note(row.issued, row.due)
                if note:
                    print(f"注：{note}")
            else:
                row = ns.void(row.id, args.reason)
                print(f"{row.number} 已作废（编号保留，不再使用）")
            return 0
        if action in ("pdf", "remind"):
            ids = [ns.by_number(n).id for n in args.numbers]
            if action == "pdf":
                path = ns.pdf(ids, out)
            else:
                path = ns.remind_pdf(ids, out, as_of)
            print(f"已生成：{path}")
            return 0
        if action == "export":
            path = ns.export_xlsx(year, out, as_of)
            print(f"已导出 {year} 年督办通知登记表：{path}")
            return 0
        raise CliError(f"未知的操作：{action}")
    finally:
        services.close()


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
