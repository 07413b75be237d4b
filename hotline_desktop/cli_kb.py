"""`hotline-desktop kb …`: the knowledge-base register headlessly (issue 10 §5).

Every refusal raises CliError / ServiceError / ValueError, which cli.main turns into exit 2
with a Chinese message; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from hotline_desktop.cli_args import CliError, checked_run, out_file
from hotline_desktop.core.text import clip


def _date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    from hotline_desktop.core.kb_excel import parse_date_cell

    try:
        return parse_date_cell(text.strip())
    except ValueError:
        raise CliError(f"{what}“{clip(text.strip())}”不是有效日期（应如 2026-12-01）") from None


def _id(text: str) -> int:
    try:
        v = int(str(text).strip())
    except ValueError:
        raise CliError(f"条目 ID 应为整数：{clip(text)}") from None
    if v <= 0:
        raise CliError(f"条目 ID 应为正整数：{clip(text)}")
    return v


def _out(path: str | None, suffixes: tuple[str, ...], usage: str) -> Path:
    if not path:
        raise CliError(f"请用 --out 指定导出文件（{usage}）")
    return out_file(path, suffixes)


def row_json(r) -> dict:
    return {
        "id": r.id, "unit": r.unit_code, "category": r.category, "form": r.form, "question": r.question,
        "status": r.status, "version": r.version,
        "published": r.published_on.isoformat() if r.published_on else None,
        "review_by": r.review_by.isoformat() if r.review_by else None,
    }


def _print_rows(rows, as_json: bool) -> None:
    if as_json:
        print(json.dumps([row_json(r) for r in rows], ensure_ascii=False, indent=1))
        return
    from hotline_desktop.core.kb import Status

    for r in rows:
        pub = r.published_on.isoformat() if r.published_on else "—"
        print(f"{r.id}\t{r.unit_code}\t{r.category}\t{Status(r.status).label}\tv{r.version}\t{pub}\t{r.question}")
    print(f"共 {len(rows)} 条", file=sys.stderr)


def _no_check(args) -> None:
    return None


def _check_export(args) -> Path:
    return _out(args.out, (".xlsx",), "kb export --out 文件.xlsx")


def _check_report(args) -> tuple[int, Path]:
    out = _out(args.out, (".xlsx", ".pdf"), "kb report --year 年度 --out 文件.xlsx|文件.pdf")
    try:
        year = int(str(args.year).strip())
    except ValueError:
        raise CliError(f"年度应为整数：{clip(args.year)}") from None
    if not 2000 <= year <= 2100:
        raise CliError(f"年度无效：{year}")
    return year, out


def _check_id(args) -> int:
    return _id(args.id)


def _check_review(args) -> tuple[int, list]:
    from hotline_desktop.core.kb import KbError, parse_check_arg, validate_review

    entry = _id(args.id)
    try:
        return entry, validate_review(parse_check_arg(c) for c in (args.check or []))
    except KbError as e:
        raise CliError(str(e)) from None


def _import(services, args, day, _checked) -> int:
    io = services.kb_io
    plan = io.plan(args.file)
    for p in plan.problems:
        print(f"{Path(args.file).name} {p}", file=sys.stderr)
    if plan.problems:
        print(f"{plan.summary()}。未写入任何数据", file=sys.stderr)
        return 2
    edit = io.apply(plan)
    print(f"{plan.summary()}。{edit.message}")
    return 0


def _export(services, args, day, out: Path) -> int:
    services.kb_io.export(out)
    print(f"已导出 {services.kb.count()} 条知识：{out}")
    return 0


def _report(services, args, day, checked: tuple[int, Path]) -> int:
    year, out = checked
    services.kb_io.report(year, out, office=services.settings.office_name)
    print(f"已导出 {year} 年知识库定期通报：{out}")
    return 0


def _list(services, args, day, _checked) -> int:
    _print_rows(services.kb.list(unit_code=args.unit, status=args.status), args.json)
    return 0


def _search(services, args, day, _checked) -> int:
    _print_rows([h.row for h in services.kb.search(args.text)], args.json)
    return 0


def _review(services, args, day, checked: tuple[int, list]) -> int:
    print(services.kb.review(*checked, day).message)
    return 0


def _publish(services, args, day, entry: int) -> int:
    print(services.kb.publish(entry, day).message)
    return 0


def _withdraw(services, args, day, entry: int) -> int:
    print(services.kb.withdraw(entry, args.reason, day).message)
    return 0


def _feedback(services, args, day, entry: int) -> int:
    print(services.kb.add_feedback(entry, args.type, args.note, day).message)
    return 0


def _verify(services, args, day, entry: int) -> int:
    print(services.kb.verify(entry, day).message)
    return 0


# command → (check before anything is opened, run, read-only)
_KB_COMMANDS = {
    "import": (_no_check, _import, False),
    "export": (_check_export, _export, True),
    "report": (_check_report, _report, True),
    "list": (_no_check, _list, True),
    "search": (_no_check, _search, True),
    "review": (_check_review, _review, False),
    "publish": (_check_id, _publish, False),
    "withdraw": (_check_id, _withdraw, False),
    "feedback": (_check_id, _feedback, False),
    "verify": (_check_id, _verify, False),
}


def cmd_kb(args) -> int:
    from hotline_desktop.cli import _open

    what = args.kb_command
    if what is None:
        raise CliError("请指定 kb 子命令：import / export / report / list / search / review / publish / withdraw / "
                         "feedback / verify")
    check, run, read_only = _KB_COMMANDS[what]
    day = _date(getattr(args, "date", None), "日期")  # checked before anything is opened, as `check` is
    return checked_run(args, _open, check, lambda services, a, c: run(services, a, day, c), lock=not read_only)


def add_kb_parser(add, common: argparse.ArgumentParser) -> None:
    """Register `kb` and its subcommands (called from cli.build_parser)."""
    sp = add("kb", cmd_kb, "知识库：导入、导出、通报、查询、审核、发布、撤销、反馈、校核")
    sub = sp.add_subparsers(dest="kb_command", metavar="KB_COMMAND")

    def k(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, parents=[common])

    p = k("import", "从 Excel（一问一答）导入，整表校验，有错误时不写入")
    p.add_argument("file", metavar="FILE.xlsx")
    p = k("export", "导出知识库登记表")
    p.add_argument("--out", metavar="FILE.xlsx")
    p = k("report", "导出各单位知识库维护情况（定期通报）")
    p.add_argument("--year", required=True, metavar="YEAR")
    p.add_argument("--out", metavar="FILE.xlsx|FILE.pdf")
    p = k("list", "列出条目")
    p.add_argument("--unit", metavar="CODE")
    p.add_argument("--status", metavar="S", help="draft/returned/approved/published/withdrawn 或 采集/退回修改/审核通过/已发布/已撤销")
    p.add_argument("--json", action="store_true")
    p = k("search", "全文检索（问题、答案、依据），最匹配的在前")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p = k("review", "审核：四项检查逐项填写，如 --check 1=通过 --check 2=不通过:理由")
    p.add_argument("id", metavar="ID")
    p.add_argument("--check", action="append", metavar="N=通过|N=不通过:理由")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p = k("publish", "发布已审核通过的版本")
    p.add_argument("id", metavar="ID")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p = k("withdraw", "撤销已发布的条目（须填写原因）")
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True, metavar="R")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p = k("feedback", "反馈问题（按工作日计算办结期限）")
    p.add_argument("id", metavar="ID")
    p.add_argument("--type", required=True, metavar="T")
    p.add_argument("--note", required=True, metavar="N")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p = k("verify", "校核：记录一次无改动的核对")
    p.add_argument("id", metavar="ID")
    p.add_argument("--date", metavar="YYYY-MM-DD")
