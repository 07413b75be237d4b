"""The schemes an office can choose: the built-in files plus the user schemes folder of the data directory.

A user file is validated like a built-in one; a broken file is listed with its problem (file, line,
field, in Chinese) and never stops the others from loading.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from hotline_desktop.core.scoring.errors import SchemeError, SchemeProblem
from hotline_desktop.core.scoring.scheme import Scheme, builtin_schemes_dir, load_scheme_text

BUILTIN, USER = "builtin", "user"
MAX_SCHEME_BYTES = 1024 * 1024  # a scheme file is a few KiB; anything this big is not one

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?\s*(#.*)?$")
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True)
class SchemeEntry:
    """One scheme file of the catalog: its scheme, or the problem that keeps it out."""

    id: str
    origin: str  # BUILTIN or USER
    path: Path
    scheme: Scheme | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.scheme is not None

    @property
    def title(self) -> str:
        return self.scheme.title if self.scheme else "（方案文件有误）"


def line_of(text: str, path: str) -> int | None:
    """1-based line of a problem path (``indicators[3].max``, ``ranking.groups[1].title``) in TOML text."""
    lines = text.splitlines()
    heads = [(i, m.group(2).replace(" ", "")) for i, ln in enumerate(lines) if (m := _HEADER.match(ln))]
    start, end, table, found = 0, len(lines), "", None
    for name, index in _SEGMENT.findall(path):
        full = f"{table}.{name}" if table else name
        tables = [i for i, n in heads if start <= i < end and n == full]
        if tables:
            k = int(index or 0)
            if k >= len(tables):
                return found
            start, table, found = tables[k], full, tables[k] + 1
            end = next((i for i, n in heads if i > start and not n.startswith(full + ".")), end)
            continue
        first = start + 1 if table else 0
        stop = next((i for i, _n in heads if first <= i < end), end)
        key = re.compile(rf"^\s*{re.escape(name)}\s*=")
        hit = next((i for i in range(first, stop) if key.match(lines[i])), None)
        return hit + 1 if hit is not None else found
    return found


def _located(err: SchemeError, text: str, source: str) -> SchemeError:
    problems = []
    for p in err.problems:
        m = _TOML_AT.search(p.message)
        if m:
            where = f"第 {m.group(1)} 行第 {m.group(2)} 列"
            problems.append(SchemeProblem(where, _TOML_AT.sub("", p.message)))
            continue
        n = line_of(text, p.path) if p.path else None
        problems.append(SchemeProblem(f"第 {n} 行 {p.path}" if n else p.path, p.message))
    return SchemeError(source, problems)


def read_scheme_file(path: Path) -> Scheme:
    """Load and validate one scheme file; SchemeError names the file, and each problem its line and field."""
    path = Path(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a device or a pipe would never end (or never start)
            raise SchemeError(str(path), [SchemeProblem("", "不是普通文件，不能作为考核方案读取")])
        size = st.st_size
        if size > MAX_SCHEME_BYTES:
            raise SchemeError(str(path), [SchemeProblem("", f"文件过大（{size // 1024} KB），不是考核方案文件")])
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = "不是 UTF-8 编码的文本" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
        raise SchemeError(str(path), [SchemeProblem("", f"无法读取方案文件：{why}")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return load_scheme_text(text, source=str(path))
    except SchemeError as err:
        raise _located(err, text, str(path)) from None


def _entry(path: Path, origin: str) -> SchemeEntry:
    try:
        scheme = read_scheme_file(path)
    except SchemeError as err:
        return SchemeEntry(path.stem, origin, path, None, str(err))
    return SchemeEntry(scheme.id, origin, path, scheme)


def scheme_catalog(user_dir: Path | None) -> list[SchemeEntry]:
    """Built-in schemes (by file name), then the user folder's (by file name). A user file whose id
    is a built-in's or an earlier user file's is listed with that problem and not used."""
    entries = [_entry(p, BUILTIN) for p in sorted(builtin_schemes_dir().glob("*.toml"))]
    taken = {e.id: e for e in entries if e.ok}
    files = sorted(Path(user_dir).glob("*.toml")) if user_dir and Path(user_dir).is_dir() else []
    for p in files:
        e = _entry(p, USER)
        if e.ok and e.id in taken:
            other = taken[e.id]
            what = "内置方案" if other.origin == BUILTIN else f"用户方案文件 {other.path.name}"
            e = SchemeEntry(e.id, USER, p, None, f"考核方案 {p} 的编号 {e.id} 与{what}重复，未使用")
        elif e.ok:
            taken[e.id] = e
        entries.append(e)
    return entries


def find_scheme(entries: list[SchemeEntry], scheme_id: str) -> SchemeEntry | None:
    """The usable entry with that id."""
    return next((e for e in entries if e.ok and e.id == scheme_id), None)


@dataclass(frozen=True)
class ImportCheck:
    """What importing a file would do: the scheme, where it goes, and the user scheme it replaces."""

    scheme: Scheme
    target: Path
    replaces: SchemeEntry | None


class SchemeImportRefused(Exception):
    """The file is a valid scheme but cannot be imported (its id is a built-in's)."""


def check_import(path: Path, entries: list[SchemeEntry], user_dir: Path) -> ImportCheck:
    """Validate a file for the user folder. SchemeError: not a valid scheme; SchemeImportRefused: its
    id is a built-in scheme's. An existing user scheme with the id is reported in `replaces`."""
    scheme = read_scheme_file(path)
    builtin = next((e for e in entries if e.origin == BUILTIN and e.id == scheme.id), None)
    if builtin is not None:
        raise SchemeImportRefused(
            f"方案编号 {scheme.id} 与内置方案“{builtin.title}”相同，不能导入；请在文件中改用另一个 id")
    target = Path(user_dir) / f"{scheme.id}.toml"
    replaces = next((e for e in entries if e.origin == USER and (e.id == scheme.id or e.path == target)), None)
    return ImportCheck(scheme, target, replaces)
