"""`hotline-desktop`: the GUI with no subcommand, and the same services headlessly.

Every error exits with status 2 and a Chinese message on stderr; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from hotline_desktop import APP_TITLE, __version__
from hotline_desktop.cli_args import CliError, out_file
from hotline_desktop.core.text import clip


def _err(msg: str) -> int:
    print(msg, file=sys.stderr)
    return 2


def _open(args, *, lock: bool = True):
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices

    services = AppServices.open(DataPaths.from_override(args.data_dir, args.database_url), lock=lock)
    for warning in services.store.warnings:  # e.g. the automatic backup failed: say so, carry on
        print("警告：" + warning.replace("\n", " "), file=sys.stderr)
    return services


def cmd_demo(args) -> int:
    from hotline_desktop.services.demo import create_demo

    services = _open(args)
    try:
        if args.if_empty and not services.is_empty():
            print(f"数据文件夹已有数据，保留现有数据：{services.paths.root}")
            return 0
        summary = create_demo(services, force=args.force)
        print(f"{summary}\n数据文件夹：{services.paths.root}")
        return 0
    finally:
        services.close()


def cmd_backup(args) -> int:
    services = _open(args, lock=False)
    try:
        dest = services.backup.backup(Path(args.out) if args.out else None)
        print(f"已备份到：{dest}")
        return 0
    finally:
        services.close()


def cmd_restore(args) -> int:
    from hotline_desktop.db.lock import InstanceLock
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.backup import restore_closed

    paths = DataPaths.from_override(args.data_dir, args.database_url).ensure()
    if paths.on_server:  # no instance lock on a server: seats stay open and re-read (services/live.py)
        safety = restore_closed(paths, Path(args.file))
    else:
        with InstanceLock(paths.lock_file, paths.root):
            safety = restore_closed(paths, Path(args.file))
    print(f"已从备份恢复：{args.file}")
    if safety:
        print(f"恢复前的数据库已保存为：{safety}")
    return 0


def cmd_migrate_db(args) -> int:
    """`migrate-db --to URL|DIR|FILE.db [--force]`: copy everything to another backend, verified."""
    from hotline_desktop.services.transfer import migrate

    services = _open(args, lock=False)
    try:
        report = migrate(services, args.to, force=args.force)
    finally:
        services.close()
    print(report.summary())
    return 0


def cmd_import(args) -> int:
    if args.what == "monthly":
        return _import_monthly(args)
    for opt in ("scheme", "year", "month"):
        if getattr(args, opt) is not None:
            raise CliError(f"--{opt} 只用于 import monthly")
    services = _open(args)
    try:
        plan = services.units_io.plan(args.file, blank_overwrites=args.blank_overwrites)
        name = clip(Path(args.file).name, 60)
        for p in plan.problems:
            print(f"{name} {p}", file=sys.stderr)
        if plan.problems and not args.only_good:
            print(f"{plan.summary()}。未写入任何数据（如只导入无误的行，请加 --only-good）", file=sys.stderr)
            return 2
        for line in plan.lines():
            print(line)
        added, updated = services.units_io.apply(plan, only_good_rows=args.only_good)
        tail = ""
        if plan.kept_blanks and not args.blank_overwrites:
            tail = "（空白单元格保留了原有内容；如要清空，请加 --blank-overwrites）"
        print(f"{plan.summary()}。已导入：新增 {added}，更新 {updated}{tail}")
        return 0
    finally:
        services.close()


def _year_scheme(services, args, what: str):
    """The year's assigned scheme named by --scheme/--year, and the --month inside that year."""
    missing = [f"--{o}" for o in ("scheme", "year", "month") if getattr(args, o) is None]
    if missing:
        raise CliError(f"{what} 缺少 " + "、".join(missing)
                       + f"（用法：hotline-desktop {what} --scheme 方案 --year 年度 --month YYYY-MM）")
    year = _year_arg(args.year)
    ys = services.assessment.find(year, args.scheme)
    if ys is None:
        raise CliError(f"{year} 年没有使用考核方案“{clip(args.scheme)}”（请先指定方案）")
    month = str(args.month).strip()
    from hotline_desktop.services.assessment import month_keys

    if month not in month_keys(year):
        raise CliError(f"月份“{clip(month)}”不属于 {year} 年（格式 YYYY-MM，如 {year}-03）")
    return ys, month


def _year_arg(text) -> int:
    try:
        year = int(str(text).strip())
    except ValueError:
        raise CliError(f"考核年度应为整数：{clip(text)}") from None
    if not 2000 <= year <= 2100:
        raise CliError(f"考核年度无效：{clip(year)}（应为 2000–2100）")
    return year


def _import_monthly(args) -> int:
    """`import monthly FILE --scheme S --year Y --month YYYY-MM [--only-good]`: the 月度数据 tab's import."""
    if args.blank_overwrites:
        raise CliError("--blank-overwrites 只用于 import units（月度数据中空白单元格会清空数值）")
    services = _open(args)
    try:
        ys, month = _year_scheme(services, args, "import monthly")
        io = services.monthly_io
        plan = io.plan(ys.id, month, args.file)
        name = clip(Path(args.file).name, 60)
        for p in plan.problems:
            print(f"{name} {p}", file=sys.stderr)
        if plan.problems and (not args.only_good or plan.fatal):
            hint = "" if plan.fatal or args.only_good else "（如只导入无误的行，请加 --only-good）"
            print(f"{plan.summary()}。未写入任何数据{hint}", file=sys.stderr)
            return 2
        bad = {p.row for p in plan.problems}
        for c in plan.changes:
            if c.row not in bad:
                print(c)
        changes = io.apply(plan, only_good_rows=args.only_good)
        print(f"{plan.summary()}。已导入 {len(changes)} 个数值")
        return 0
    finally:
        services.close()


def _export_monthly(args) -> int:
    """`export monthly --scheme S --year Y --month YYYY-MM --out FILE.xlsx`: the tab's export."""
    if args.group is not None:
        raise CliError("--group 只用于 export ranking / export board")
    out = _out_path(args, "monthly", (".xlsx",))
    services = _open(args, lock=False)
    try:
        ys, month = _year_scheme(services, args, "export monthly")
        path = services.monthly_io.export_month(ys.id, month, out)
        print(f"已导出 {month} 月度数据：{path}")
        return 0
    finally:
        services.close()


def _out_arg(args) -> str | None:
    """The export file named as FILE or --out (None: neither); two different ones are refused."""
    if args.file and args.out and args.file != args.out:
        raise CliError("导出文件只能指定一个（FILE 或 --out）")
    return args.file or args.out


def _out_path(args, what: str, suffixes: tuple[str, ...]) -> Path:
    path = _out_arg(args)
    if not path:
        raise CliError(f"请指定导出文件：hotline-desktop export {what} --out 文件{suffixes[0]}")
    return out_file(path, suffixes)


def cmd_export(args) -> int:
    if args.what in ("ranking", "board"):
        return _export_ranking(args)
    if args.what == "monthly":
        return _export_monthly(args)
    if args.what == "case":
        return _export_case(args)
    for opt in ("scheme", "year", "month", "group"):
        if getattr(args, opt) is not None:
            raise CliError(f"--{opt} 只用于 export ranking / export board")
    path = _out_arg(args)
    if not path:
        raise CliError(f"请指定导出文件：hotline-desktop export {args.what} FILE.xlsx")
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise CliError(f"导出文件须为 .xlsx：{out}")
    if not out.parent.exists():
        raise CliError(f"导出目录不存在：{out.parent}")
    if args.what == "template":
        from hotline_desktop.core.excel_units import write_units_template

        write_units_template(out)
        print(f"已导出承办单位导入模板：{out}")
        return 0
    services = _open(args, lock=False)
    try:
        services.units_io.export(out)
        print(f"已导出 {len(services.units.list())} 个单位：{out}")
        return 0
    finally:
        services.close()


def _scheme_year_out(args, usage: str) -> str:
    """The file of an `export` that needs --scheme, --year and a file: each one missing is named."""
    missing = [f"--{o}" for o in ("scheme", "year") if getattr(args, o) is None]
    path = _out_arg(args)
    if not path:
        missing.append("--out")
    if missing:
        raise CliError(f"export {args.what} 缺少 " + "、".join(missing)
                       + f"（用法：hotline-desktop export {args.what} {usage}）")
    return path


def _export_ranking(args) -> int:
    path = _scheme_year_out(args, "--scheme 方案 --year 年度 [--month YYYY-MM] [--group 排名组] --out 文件.xlsx|文件.pdf")
    year = _year_arg(args.year)
    out = out_file(path, (".xlsx", ".pdf", ".json"))
    if out.suffix.lower() == ".json":
        if args.month is not None or args.group is not None:
            raise CliError("导出 .json（score 输出格式）时不能指定 --month 或 --group")
        from hotline_desktop.services.case_export import export_ranking_json

        services = _open(args, lock=False)
        try:
            print(f"已导出排名（score 输出格式）：{export_ranking_json(services, scheme_id=args.scheme, year=year, out=out)}")
            return 0
        finally:
            services.close()
    from hotline_desktop.services.ranking_export import export_ranking

    services = _open(args, lock=False)
    try:
        board = args.what == "board"
        path = export_ranking(
            services, scheme_id=args.scheme, year=year, month=args.month, group=args.group, out=out, board=board
        )
        print(f"已导出{'红黑榜' if board else '排名表'}：{path}")
        return 0
    finally:
        services.close()


def _export_case(args) -> int:
    """`export case --scheme S --year Y --out FILE.json`: the inputs the engine scored, as a `score` case."""
    path = _scheme_year_out(args, "--scheme 方案 --year 年度 --out 文件.json")
    if args.month is not None or args.group is not None:
        raise CliError("export case 不能指定 --month 或 --group（导出全年）")
    out = out_file(path, ".json")
    year = _year_arg(args.year)
    from hotline_desktop.services.case_export import export_case

    services = _open(args, lock=False)
    try:
        path, side = export_case(services, scheme_id=args.scheme, year=year, out=out)
        print(f"已导出计分案例（可用 hotline-desktop score 复核）：{path}")
        if side is not None:
            print(f"该年度冻结的方案与内置方案不同，已另存为：{side}\n"
                  f"复核时请用：hotline-desktop score {path} --scheme-file {side}")
        return 0
    finally:
        services.close()


def cmd_screenshot(args) -> int:
    from hotline_desktop.gui.screenshot import take_screenshots

    Path(args.out).mkdir(parents=True, exist_ok=True)
    for p in take_screenshots(args.data_dir, args.out, database_url=args.database_url):
        print(p)
    return 0


def cmd_score(args) -> int:
    from hotline_desktop.core.scoring.case import run_score_case

    return run_score_case(args.case, args.output, scheme_file=args.scheme_file)


# -- scheme list / scheme assign (the toolbar's 考核方案 and 指定方案) -----------------------

def cmd_scheme(args) -> int:
    return {"list": _scheme_list, "assign": _scheme_assign, "import": _scheme_import}[args.action](args)


def _only_for(args, action: str, opts: tuple[str, ...]) -> None:
    for opt in opts:
        if getattr(args, opt, None) not in (None, False):
            raise CliError(f"--{opt} 只用于 scheme {action}" if opt != "file" else "方案文件只用于 scheme import")


def _scheme_list(args) -> int:
    from hotline_desktop.core.scheme_catalog import BUILTIN

    _only_for(args, "assign", ("year", "scheme"))
    _only_for(args, "import", ("file", "replace"))
    services = _open(args, lock=False)
    try:
        years: dict[str, list[int]] = {}
        titles: dict[str, str] = {}
        for row in services.assessment.assignments():
            years.setdefault(row.scheme_id, []).append(row.year)
            titles.setdefault(row.scheme_id, row.title)
        entries = services.schemes.catalog()
        folder = services.schemes.folder
    finally:
        services.close()

    def used(scheme_id: str) -> str:
        ys = sorted(years.get(scheme_id, []))
        return "使用年度：" + "、".join(f"{y} 年" for y in ys) if ys else "尚未用于任何年度"

    print("内置方案：")
    for e in (e for e in entries if e.origin == BUILTIN):
        print(f"  {e.id}  {e.title}  {used(e.id)}")
    user = [e for e in entries if e.origin != BUILTIN]
    print(f"用户方案（{folder}）：" + ("" if user else "无"))
    for e in user:
        print(f"  {e.id}  {e.title}  {used(e.id)}" if e.ok else f"  {e.path.name}  有误，未使用")
        if not e.ok:
            for line in (e.problem or "").splitlines():
                print(f"      {line.strip()}")
    listed = {e.id for e in entries if e.ok}
    installed = sorted(set(years) - listed)
    print("已安装的方案（从方案文件指定，定义保存在数据库中）：" + ("" if installed else "无"))
    for sid in installed:
        print(f"  {sid}  {titles[sid]}  {used(sid)}")
    return 0


def _scheme_assign(args) -> int:
    from hotline_desktop.core.scoring.errors import SchemeError
    from hotline_desktop.core.text import clip

    _only_for(args, "import", ("file", "replace"))
    missing = [f"--{o}" for o in ("year", "scheme") if getattr(args, o) is None]
    if missing:
        raise CliError("scheme assign 缺少 " + "、".join(missing) + "（用法：hotline-desktop scheme assign --year 年度 --scheme 方案）")
    year = _year_arg(args.year)
    scheme: str | Path = args.scheme
    if str(scheme).lower().endswith(".toml"):
        path = Path(scheme)
        if not path.is_file():
            raise CliError(f"找不到方案文件：{clip(str(path))}")
        scheme = path
    services = _open(args)
    try:
        if not isinstance(scheme, Path):
            entries = services.schemes.catalog()
            if not any(e.id == scheme for e in entries):
                known = "、".join(e.id for e in entries if e.ok)
                raise CliError(f"未知的考核方案：{clip(scheme)}（可用方案：{known}；也可指定 .toml 方案文件）")
        try:
            row = services.assessment.assign(year, scheme)
        except SchemeError as e:
            raise CliError(f"方案无效：{clip(str(e), 300)}") from None
        print(f"已为 {row.year} 年指定考核方案：{row.title}（{row.scheme_id}）")
        return 0
    finally:
        services.close()


def _scheme_import(args) -> int:
    from hotline_desktop.core.scoring.errors import SchemeError
    from hotline_desktop.core.text import clip
    from hotline_desktop.services.schemes import SchemeImportRefused

    _only_for(args, "assign", ("year", "scheme"))
    if not args.file:
        raise CliError("scheme import 缺少方案文件（用法：hotline-desktop scheme import 方案.toml [--replace]）")
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"找不到方案文件：{clip(str(path))}")
    services = _open(args)
    try:
        try:
            check = services.schemes.check_import(path)
            if check.replaces is not None and not args.replace:
                raise CliError(f"已有用户方案 {check.scheme.id}（{check.replaces.title}），如要替换请加 --replace")
            result = services.schemes.import_file(path, replace=args.replace)
        except SchemeError as e:
            raise CliError(f"方案无效：{clip(str(e), 600)}") from None
        except SchemeImportRefused as e:
            raise CliError(str(e)) from None
        verb = "已替换用户方案" if result.previous_text is not None else "已导入用户方案"
        print(f"{verb}：{result.entry.title}（{result.entry.id}）→ {result.entry.path}")
        return 0
    finally:
        services.close()


def build_parser() -> argparse.ArgumentParser:
    from hotline_desktop.cli_args import chinese_parser_class

    parser_class = chinese_parser_class()
    common = parser_class(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="数据文件夹（默认：用户数据目录，或环境变量 HOTLINE_HOME）")
    common.add_argument("--database-url", metavar="URL", default=argparse.SUPPRESS,
                        help="服务器数据库，如 postgresql+psycopg://用户@主机/数据库（默认：数据文件夹中的 hotline.db，"
                             "或环境变量 HOTLINE_DATABASE_URL）")
    p = parser_class(prog="hotline-desktop", description=APP_TITLE, parents=[common])
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号并退出")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, fn: Callable, help_text: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_text, parents=[common])
        sp.set_defaults(func=fn)
        return sp

    sp = add("demo", cmd_demo, "载入示例区县")
    sp.add_argument("--force", action="store_true", help="替换已有数据（先自动备份）")
    sp.add_argument("--if-empty", action="store_true", help="已有数据时什么也不做")
    sp = add("screenshot", cmd_screenshot, "把主窗口各标签页截图为 PNG")
    sp.add_argument("--out", required=True, metavar="DIR")
    sp = add("backup", cmd_backup, "备份数据库")
    sp.add_argument("--out", metavar="FILE")
    sp = add("restore", cmd_restore, "从备份恢复数据库（当前数据库先备份）")
    sp.add_argument("file", metavar="FILE")
    sp = add("migrate-db", cmd_migrate_db, "把整个数据库复制到 PostgreSQL（或从 PostgreSQL 复制回 SQLite），并核对")
    sp.add_argument("--to", required=True, metavar="URL|DIR",
                    help="目标：postgresql+psycopg://用户@主机/库，或数据文件夹 / .db 文件（SQLite）")
    sp.add_argument("--force", action="store_true", help="目标已有数据时先清空再复制")
    sp = add("import", cmd_import, "从 Excel 导入（承办单位、月度数据）")
    sp.add_argument("what", choices=["units", "monthly"])
    sp.add_argument("file", metavar="FILE.xlsx")
    sp.add_argument("--only-good", action="store_true", help="只导入无误的行")
    sp.add_argument("--blank-overwrites", action="store_true",
                    help="承办单位：文件中留空的可选项目清空已有内容（默认保留）")
    sp.add_argument("--scheme", metavar="SCHEME", help="月度数据：考核方案，如 ganxian-2023-hotline")
    sp.add_argument("--year", metavar="YEAR", help="月度数据：考核年度")
    sp.add_argument("--month", metavar="YYYY-MM", help="月度数据：月份")
    sp = add("export", cmd_export, "导出到 Excel / PDF / JSON（单位、导入模板、排名表、红黑榜、月度数据、计分案例）")
    sp.add_argument("what", choices=["units", "template", "ranking", "board", "monthly", "case"])
    sp.add_argument("file", metavar="FILE", nargs="?", help="导出文件（也可用 --out）")
    sp.add_argument("--out", metavar="FILE", help="导出文件：.xlsx（排名表也可 .pdf / .json；case 为 .json）")
    sp.add_argument("--scheme", metavar="SCHEME", help="排名表、月度数据、计分案例：考核方案，如 licheng-2020")
    sp.add_argument("--year", metavar="YEAR", help="排名表、月度数据、计分案例：考核年度，如 2025")
    sp.add_argument("--month", metavar="YYYY-MM", help="排名表：月度排名（赣县区方案）；月度数据：月份")
    sp.add_argument("--group", metavar="GROUP", help="排名表：排名组，如 community / 社区（默认全部，每组一页）")
    sp = add("scheme", cmd_scheme, "考核方案：列出（scheme list）、为年度指定（scheme assign）、导入（scheme import）")
    sp.add_argument("action", choices=["list", "assign", "import"])
    sp.add_argument("file", nargs="?", metavar="FILE.toml", help="scheme import：要导入用户方案文件夹的方案文件")
    sp.add_argument("--year", metavar="YEAR", help="scheme assign：考核年度，如 2026")
    sp.add_argument("--scheme", metavar="SCHEME", help="scheme assign：方案编号（内置或用户方案），或 .toml 方案文件")
    sp.add_argument("--replace", action="store_true", help="scheme import：替换同编号的用户方案")
    sp = add("score", cmd_score, "按考核方案计分（JSON 输入输出）")
    sp.add_argument("case", metavar="CASE.json")
    sp.add_argument("--output", metavar="FILE")
    sp.add_argument("--scheme-file", metavar="F.toml", help="用方案文件计分（案例中的 scheme 只能是内置方案编号）")
    from hotline_desktop.cli_calendar import add_calendar_parser, add_settings_parser

    add_calendar_parser(add, common)
    add_settings_parser(add, common)
    from hotline_desktop.cli_notices import add_notice_parser

    add_notice_parser(add, common)
    from hotline_desktop.cli_kb import add_kb_parser

    add_kb_parser(add, common)
    from hotline_desktop.cli_orders import add_orders_parser

    add_orders_parser(add, common)
    from hotline_desktop.cli_seats import add_seats_parsers

    add_seats_parsers(add, common)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    if not hasattr(args, "database_url"):
        args.database_url = None
    if args.command is None:
        from hotline_desktop.gui.app import run_gui

        return run_gui(args.data_dir, args.database_url)
    try:
        return args.func(args)
    except Exception as e:
        if _expected(e):
            return _err(_printable(f"错误：{_os_message(e) if isinstance(e, OSError) else e}"))
        return _unexpected(args, e)


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """``parse_args``, but an optional FILE given after options (``export monthly --month 2026-10
    m.xlsx``) is taken: argparse settles ``what [FILE]`` at the first word and would refuse it."""
    args, extra = parser.parse_known_args(argv)
    if extra and not extra[0].startswith("-") and getattr(args, "file", "") is None:
        args.file, extra = extra[0], extra[1:]
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _printable(msg: str, line_limit: int = 500) -> str:
    """A message for the terminal: no control characters (an echoed value cannot drive the
    terminal), no line longer than `line_limit`."""
    return "\n".join(clip(line, line_limit) for line in msg.split("\n"))


def _os_message(e: OSError) -> str:
    from hotline_desktop.core.errors import os_error_zh

    return os_error_zh(e)


def _unexpected(args, e: Exception) -> int:
    """A bug, not bad input: the traceback goes to the log, the operator gets one Chinese line."""
    from hotline_desktop.applog import log_exception, setup_logging
    from hotline_desktop.core.text import clip
    from hotline_desktop.paths import DataPaths

    try:
        log_file = setup_logging(DataPaths.from_override(args.data_dir).log_file)
    except Exception:  # noqa: BLE001 - the message below must still be printed
        log_file = None
    log_exception(type(e), e, e.__traceback__, f"命令 {args.command}")
    where = f"，详细信息已写入日志：{log_file}" if log_file else ""
    return _err(f"错误：内部错误（{type(e).__name__}：{clip(e)}），操作没有完成{where}")


def _expected(e: BaseException) -> bool:
    """Errors that get a plain message and exit 2 (imported late: `score` must start fast)."""
    from hotline_desktop.db.lock import AlreadyRunning
    from hotline_desktop.services.errors import ServiceError

    kinds: tuple[type[BaseException], ...] = (CliError, ServiceError, AlreadyRunning, ValueError, OSError)
    if "hotline_desktop.db.engine" in sys.modules:
        from hotline_desktop.db.engine import StoreOpenError

        kinds += (StoreOpenError,)
    return isinstance(e, kinds)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
