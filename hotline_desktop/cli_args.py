"""What every CLI command checks in its arguments, written once: each refusal is a CliError
(cli.main prints it in Chinese and exits 2). Imports stay light so `score` starts fast."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TypeVar

from hotline_desktop.core.text import clip

T = TypeVar("T")


class CliError(Exception):
    pass


def out_file(path: str, suffixes: str | Sequence[str]) -> Path:
    """An export target: one of `suffixes` (".xlsx", ...) in a folder that exists."""
    allowed = (suffixes,) if isinstance(suffixes, str) else tuple(suffixes)
    out = Path(path)
    if out.suffix.lower() not in allowed:
        names = "、".join(allowed[:-1]) + " 或 " + allowed[-1] if len(allowed) > 1 else allowed[0]
        raise CliError(f"导出文件须为 {names}：{clip(str(out), 80)}")
    if not out.parent.is_dir():
        raise CliError(f"导出目录不存在：{clip(str(out.parent), 80)}")
    return out


def date_arg(text: str | None, what: str = "日期") -> date:
    from hotline_desktop.core.calendar_file import parse_date  # imported when used

    d = parse_date(text or "")
    if d is None:
        raise CliError(f"{what}“{clip(text or '')}”不是有效日期（应如 2026-12-01）")
    return d


def int_arg(text: str | None, what: str, lo: int, hi: int) -> int:
    t = str(text or "").strip()
    if not (t.isascii() and t.isdigit()) or not lo <= int(t) <= hi:  # ("²" passes isdigit(), not int())
        raise CliError(f"{what}应为 {lo}–{hi} 之间的整数：{clip(t)}")
    return int(t)


def parsed(fn: Callable[[str], T], text: str) -> T:
    """`fn(text)`, its ValueError (a Chinese reason) as a CliError."""
    try:
        return fn(text)
    except ValueError as e:
        raise CliError(str(e)) from None


def checked_run(args, open_services: Callable, check: Callable, run: Callable, *, lock: bool = True) -> int:
    """A subcommand: `check(args)` before the data folder is opened (a bad call writes nothing, not
    even a new database), then `run(services, args, checked)`; the folder is closed after."""
    checked = check(args)
    services = open_services(args, lock=lock)
    try:
        return run(services, args, checked)
    finally:
        services.close()


# -- argparse in Chinese ---------------------------------------------------------------------------
_USAGE_ERRORS: list[tuple[str, str]] = [
    (r"the following arguments are required: (?P<a>.+)", "缺少必需的参数：{a}"),
    (r"argument (?P<a>.+?): invalid choice: '(?P<v>.*)' \(choose from (?P<c>.*)\)", "参数 {a} 的值“{v}”无效（可选：{c}）"),
    (r"argument (?P<a>.+?): invalid \S+ value: '(?P<v>.*)'", "参数 {a} 的值“{v}”无效"),
    (r"argument (?P<a>.+?): expected one argument", "参数 {a} 后面需要一个值"),
    (r"argument (?P<a>.+?): expected at least one argument", "参数 {a} 后面至少需要一个值"),
    (r"argument (?P<a>.+?): expected \S+ arguments?", "参数 {a} 后面的值个数不对"),
    (r"argument (?P<a>.+?): not allowed with argument (?P<b>.+)", "参数 {a} 不能与 {b} 同时使用"),
    (r"argument (?P<a>.+?): ignored explicit argument '(?P<v>.*)'", "参数 {a} 不接受值“{v}”"),
    (r"one of the arguments (?P<a>.+) is required", "须指定以下参数之一：{a}"),
    (r"ambiguous option: (?P<a>\S+) could match (?P<b>.+)", "选项 {a} 不明确，可能是：{b}"),
    (r"unrecognized arguments: (?P<a>.+)", "无法识别的参数：{a}"),
]


def usage_error_zh(message: str) -> str:
    """argparse's English usage error as a Chinese sentence (values clipped)."""
    import re

    for pattern, zh in _USAGE_ERRORS:
        m = re.fullmatch(pattern, message, flags=re.DOTALL)
        if m:
            parts = {k: clip(v, 200) for k, v in m.groupdict().items()}
            if "c" in parts:
                parts["c"] = "、".join(x.strip().strip("'") for x in m.group("c").split(","))
            return zh.format(**parts)
    return f"命令行参数有误：{clip(message, 200)}"


_GROUP_TITLES = {"positional arguments": "位置参数", "options": "选项", "optional arguments": "选项"}


def _formatter_class():
    import argparse

    class ZhHelpFormatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    return ZhHelpFormatter


def chinese_parser_class():
    """An ArgumentParser whose help and usage errors are Chinese; sub-commands inherit it."""
    import argparse
    import sys

    class ZhArgumentParser(argparse.ArgumentParser):
        def __init__(self, *args, add_help: bool = True, **kwargs):
            kwargs.setdefault("formatter_class", _formatter_class())
            super().__init__(*args, add_help=False, **kwargs)
            if add_help:
                self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

        def format_help(self) -> str:
            # renamed here, not in __init__: a parent's groups join the child's by their title
            for g in self._action_groups:
                g.title = _GROUP_TITLES.get(g.title, g.title)
            return super().format_help()

        def error(self, message: str):
            self.print_usage(sys.stderr)
            self.exit(2, f"错误：{usage_error_zh(message)}。详见 {self.prog} -h\n")

    return ZhArgumentParser
