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
        raise CliError(f"导出文件须为 {' 或 '.join(allowed)}：{clip(str(out), 80)}")
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
    if not t.isdigit() or not lo <= int(t) <= hi:
        raise CliError(f"{what}应为 {lo}–{hi} 的整数：{clip(t)}")
    return int(t)


def parsed(fn: Callable[[str], T], text: str) -> T:
    """`fn(text)`, its ValueError (a Chinese reason) as a CliError."""
    try:
        return fn(text)
    except ValueError as e:
        raise CliError(str(e)) from None
