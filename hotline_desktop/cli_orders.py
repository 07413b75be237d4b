"""`hotline-desktop orders import|explain|reconcile`: the 工单明细 import headlessly, through the same
OrderService as the GUI. Every argument is checked first; bad input exits 2 with a Chinese message."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hotline_desktop.cli_args import CliError, checked_run, out_file
from hotline_desktop.core.text import clip


def _month(text: str | None) -> str:
    t = (text or "").strip()
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", t):
        raise CliError(f"月份应写作 YYYY-MM：{clip(text)}")
    return t


def _out(path: str | None) -> Path | None:
    return None if path is None else out_file(path, ".xlsx")


def _year_scheme(services, month: str, key: str | None, scheme: str | None):
    orders = services.orders
    year = int(month[:4])
    cands = [ys for ys in services.assessment.assignments(year)
             if orders.book.for_scheme(ys.scheme_id) and (scheme is None or ys.scheme_id == scheme)
             and (key is None or orders.book.get(ys.scheme_id, key) is not None)]
    if not cands:
        what = f"“{key}”" if key else "由工单计算的项目"
        raise CliError(f"{year} 年没有含{what}的考核方案" + (f"（--scheme {scheme}）" if scheme else ""))
    if len(cands) > 1:
        raise CliError(f"{year} 年有多个方案：{'、'.join(c.scheme_id for c in cands)}，请用 --scheme 指定")
    return cands[0]


def _check_import(args) -> tuple[dict, str | None]:
    from hotline_desktop.core.orders import parse_map_args

    if args.profile and args.map:
        raise CliError("--profile 与 --map 只能用其一")
    try:
        mapping = parse_map_args(args.map or [])
    except ValueError as e:
        raise CliError(str(e)) from None
    month = _month(args.month) if args.month else None
    _existing_file(args.file)
    return mapping, month


def _existing_file(path: str) -> None:
    if Path(path).is_dir():
        raise CliError(f"“{clip(Path(path).name, 60)}”是文件夹，请指定一个文件")
    if not Path(path).is_file():
        raise CliError(f"找不到文件：{clip(path, 80)}")


def _check_explain(args) -> tuple[str, Path | None]:
    return _month(args.month), _out(args.out)


def _check_reconcile(args) -> tuple[str, Path | None]:
    month, out = _month(args.month), _out(args.out)
    _existing_file(args.report)
    return month, out


def _import(services, args, checked) -> int:
    mapping, month = checked
    orders = services.orders
    plan = orders.plan(args.file, mapping=mapping or None, profile=args.profile, month=month)
    for p in plan.problems:
        print(f"{plan.file_name} {p}", file=sys.stderr)
    if plan.problems and not args.only_good:
        print(f"{plan.summary()}。未写入任何数据（如只导入无误的行，请加 --only-good）", file=sys.stderr)
        return 2
    result = orders.apply(plan, only_good=args.only_good)
    if args.save_profile:
        orders.save_profile(args.save_profile, plan.mapping)
        print(f"列对应方案已保存：{args.save_profile}")
    print(result.summary())
    return 0


def _explain(services, args, checked) -> int:
    month, out = checked
    orders = services.orders
    ys = _year_scheme(services, month, args.field, args.scheme)
    from hotline_desktop.db.repositories import UnitRepository

    with services.store.session() as s:
        u = UnitRepository(s).by_code(args.unit)
        uid = u.id if u is not None else None
    if uid is None:
        raise CliError(f"没有编码为“{clip(args.unit)}”的单位")
    if month not in orders.months():
        raise CliError(f"{month} 尚未导入工单明细")
    if out is not None:
        orders.export_explain(ys.scheme_id, uid, month, args.field, out)
        print(f"已导出：{out}")
        return 0
    intro, headers, rows = orders.explain_sheet(ys.scheme_id, uid, month, args.field)
    print("\n".join(intro))
    print("\t".join(headers))
    for r in rows:
        print("\t".join(str(v) for v in r))
    return 0


def _reconcile(services, args, checked) -> int:
    month, out = checked
    orders = services.orders
    ys = _year_scheme(services, month, None, args.scheme)
    diffs = orders.reconcile(args.report, month, ys.id)
    if out is not None:
        orders.export_reconcile(diffs, month, out)
        print(f"已导出：{out}")
    for d in diffs:
        print(f"{d['code']} {d['name']} {d['label']}：月报 {d['reported'] or '空'}，工单计算 "
              f"{d['computed'] or '无'}（{d['hit']}/{d['base']}）{'、'.join(d['orders'][:10])}")
    print(f"{month}：{len(diffs)} 处不一致")
    return 0


def _listed(rows, line, noun: str) -> int:
    """One line a row, then the count."""
    for r in rows:
        print(line(r))
    print(f"共 {len(rows)} 个{noun}")
    return 0


def _alias(services, args, _checked) -> int:
    """`orders alias list|add NAME --unit CODE|remove NAME`: the saved platform names of units."""
    orders = services.orders
    if args.alias_action == "list":
        return _listed(orders.alias_rows(), lambda r: "\t".join(map(str, r)), "单位别名")  # alias, code, name
    if args.alias_action == "add":
        before = orders.set_alias(args.name, args.unit)
        moved = f"（原对应 {before}）" if before and before != args.unit else ""
        print(f"已保存单位别名：{args.name.strip()} → {args.unit.strip()}{moved}")
    else:
        code = orders.remove_alias(args.name)
        print(f"已删除单位别名：{args.name.strip()}（原对应 {code}）")
    return 0


def _profile(services, args, _checked) -> int:
    """`orders profile list|rename OLD NEW|delete NAME`: the saved column maps."""
    orders = services.orders
    if args.profile_action == "list":
        return _listed(list(orders.profiles().items()),
                       lambda p: f"{p[0]}\t" + "，".join(f"{k}={v}" for k, v in p[1].items()), "列对应方案")
    if args.profile_action == "rename":
        new = orders.rename_profile(args.old, args.new)
        print(f"已将列对应方案“{args.old}”改名为“{new}”")
    else:
        orders.delete_profile(args.name)
        print(f"已删除列对应方案：{args.name}")
    return 0


# action → (check of the arguments before the store is opened, run)
_ORDERS_ACTIONS = {
    "import": (_check_import, _import),
    "explain": (_check_explain, _explain),
    "reconcile": (_check_reconcile, _reconcile),
    "alias": (lambda _args: None, _alias),
    "profile": (lambda _args: None, _profile),
}


def cmd_orders(args, open_services) -> int:
    return checked_run(args, open_services, *_ORDERS_ACTIONS[args.orders_action])


def add_alias_profile_parsers(ns, common) -> None:
    """`orders alias …` and `orders profile …` under the `orders` subparsers."""
    c = ns.add_parser("alias", help="单位别名：平台上的单位名称对应到名册中的单位", parents=[common])
    sub = c.add_subparsers(dest="alias_action", metavar="ACTION", required=True)
    sub.add_parser("list", help="列出已保存的单位别名", parents=[common])
    a = sub.add_parser("add", help="保存单位别名", parents=[common])
    a.add_argument("name", metavar="NAME", help="平台上的单位名称")
    a.add_argument("--unit", required=True, metavar="CODE", help="名册中的单位编码")
    a = sub.add_parser("remove", help="删除单位别名", parents=[common])
    a.add_argument("name", metavar="NAME")
    c = ns.add_parser("profile", help="已保存的列对应方案：列出、改名、删除", parents=[common])
    sub = c.add_subparsers(dest="profile_action", metavar="ACTION", required=True)
    sub.add_parser("list", help="列出列对应方案", parents=[common])
    a = sub.add_parser("rename", help="改名", parents=[common])
    a.add_argument("old", metavar="OLD")
    a.add_argument("new", metavar="NEW")
    a = sub.add_parser("delete", help="删除", parents=[common])
    a.add_argument("name", metavar="NAME")


def add_orders_parser(add, common) -> None:
    """Register `orders …` on the CLI (cli.build_parser's `add` helper)."""
    from hotline_desktop import cli

    sp = add("orders", lambda a: cmd_orders(a, cli._open), "工单明细：导入、指标明细、与平台月报核对")
    ns = sp.add_subparsers(dest="orders_action", metavar="ACTION", required=True)
    c = ns.add_parser("import", help="导入平台导出的工单明细（xlsx/xls/csv）", parents=[common])
    c.add_argument("file", metavar="FILE")
    c.add_argument("--profile", metavar="NAME", help="使用已保存的列对应方案")
    c.add_argument("--map", metavar="字段=列名", nargs="+", action="extend", help="指定列对应，如 工单编号=流水号")
    c.add_argument("--save-profile", metavar="NAME", help="把本次的列对应保存为方案")
    c.add_argument("--month", metavar="YYYY-MM", help="只导入该月受理的工单")
    c.add_argument("--only-good", action="store_true", help="只导入无误的行")
    c = ns.add_parser("explain", help="列出某单位某月某项的分子、分母工单", parents=[common])
    c.add_argument("--unit", required=True, metavar="CODE")
    c.add_argument("--month", required=True, metavar="YYYY-MM")
    c.add_argument("--field", required=True, metavar="KEY", help="方案项目，如 on_time_completion_rate")
    c.add_argument("--scheme", metavar="SCHEME", help="年度有多个方案时指定")
    c.add_argument("--out", metavar="FILE.xlsx")
    c = ns.add_parser("reconcile", help="与平台月报（月度数据表格）核对", parents=[common])
    c.add_argument("report", metavar="REPORT.xlsx")
    c.add_argument("--month", required=True, metavar="YYYY-MM")
    c.add_argument("--scheme", metavar="SCHEME")
    c.add_argument("--out", metavar="FILE.xlsx")
    add_alias_profile_parsers(ns, common)
