"""The guard in front of every spreadsheet the app reads (no Qt).

python-calamine trusts a workbook's numbers: a cell at XFD1048576, a reference like
ZZZZZ99999999 or a shared-string table declaring four billion entries make it ask for
hundreds of GB, and the Rust side aborts the whole process. So before calamine (or openpyxl)
opens a file, `check_workbook` looks at it with bounded work:

- the zip: member count, declared uncompressed sizes, compression ratio, and the real bytes
  read (a member that lies about its size fails its checksum and is refused);
- every XML part (each read whole, at most MAX_MEMBER_BYTES; never a DOM): no DTD or entities,
  declared `count`/`uniqueCount` attributes, the sheet's `<dimension>` and every cell reference.
  UTF-8 parts whose cells all carry a reference are checked by C-speed byte scans; anything
  else (UTF-16, cells placed by position, formulas to look at) goes through an expat scanner
  with the same checks.

It also notes, for the first sheet, the cells whose text calamine would hide: formulas
without a cached value and error values (#DIV/0!, #N/A), so an import can report them
instead of reading them as empty. Refusals are `SheetRefused` with a Chinese message.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from hotline_desktop.core.text import clip

MAX_ROWS = 200_000
MAX_COLS = 200
MAX_AREA = 4_000_000  # rows × columns calamine would materialise (it pads from A1)
MAX_COUNT = 4_000_000  # any declared count (shared strings, styles …)
MAX_MEMBERS = 2_000
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
CHUNK = 1 << 20

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_RANGE = re.compile(r"^([^:]+)(?::([^:]+))?$")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKSHEET_REL = "/worksheet"
LIMITS_TEXT = f"最多 {MAX_ROWS} 行、{MAX_COLS} 列"


class SheetRefused(ValueError):
    """A file the app will not read; the message is Chinese and names the file and the reason."""


@dataclass
class SheetScan:
    """What the guard learnt about the first sheet."""

    rows: int = 0  # highest row holding a cell (1-based)
    cols: int = 0
    # (row0, col0) → Chinese reason: formulas without a value, error cells
    special: dict[tuple[int, int], str] = field(default_factory=dict)


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(ref: str) -> tuple[int, int] | None:
    """(row, col), both 1-based, or None when the text is not a plain A1 reference."""
    m = _REF.match(ref.upper())
    if not m:
        return None
    return int(m.group(2)), col_number(m.group(1))


class _Refuse(Exception):
    def __init__(self, reason: str):
        self.reason = reason


class _Scanner:
    """Streams one XML part; checks counts everywhere, references in worksheets."""

    def __init__(self, worksheet: bool, collect: bool):
        self.worksheet = worksheet
        self.collect = collect
        self.scan = SheetScan()
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.cell_type = ""
        self.has_f = False
        self.in_v = False
        self.v: list[str] = []
        p = self.parser = expat.ParserCreate()
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._entity
        p.ExternalEntityRefHandler = self._external
        p.StartElementHandler = self._start
        if worksheet:
            p.EndElementHandler = self._end
            p.CharacterDataHandler = self._chars
        p.buffer_text = True

    # expat callbacks -------------------------------------------------------------------------
    def _doctype(self, *_a) -> None:
        raise _Refuse("含有文档类型声明（DTD），不是正常的 Excel 文件")

    def _entity(self, *_a) -> None:
        raise _Refuse("含有实体声明，不是正常的 Excel 文件")

    def _external(self, *_a) -> int:
        raise _Refuse("引用了外部实体，不是正常的 Excel 文件")

    def _start(self, name: str, attrs: dict) -> None:
        tag = name.rpartition(":")[2]
        for key in ("count", "uniqueCount"):
            v = attrs.get(key)
            if v is not None and (len(v) > 9 or not v.isdigit() or int(v) > MAX_COUNT):
                raise _Refuse(f"声明的数量 {clip(v, 20)} 过大（最多 {MAX_COUNT}）")
        if not self.worksheet:
            return
        if tag == "c":
            r = attrs.get("r")
            if r is None:
                row, col = (self.row or 1), self.col + 1
            else:
                pos = _ref(r)
                if pos is None:
                    raise _Refuse(f"单元格引用“{clip(r, 20)}”无效")
                row, col = pos
            self._bound(row, col, attrs.get("r") or f"第 {row} 行第 {col} 列")
            self.row, self.col = row, col
            self.cell = (row, col)
            self.cell_type = attrs.get("t", "")
            self.has_f = False
            self.v = []
        elif tag == "row":
            r = attrs.get("r")
            if r is None:
                self.row += 1
            elif len(r) > 7 or not r.isdigit():
                raise _Refuse(f"行号“{clip(r, 20)}”无效")
            else:
                self.row = int(r)
            self.col = 0
        elif tag == "f":
            self.has_f = True
        elif tag == "v":
            self.in_v = True
        elif tag == "dimension":
            self._dimension(attrs.get("ref", ""))

    def _end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "v":
            self.in_v = False
        elif tag == "c" and self.cell is not None:
            if self.collect:
                value = "".join(self.v)
                where = (self.cell[0] - 1, self.cell[1] - 1)
                if self.cell_type == "e":
                    self.scan.special[where] = f"单元格是错误值 {clip(value, 20)}"
                elif self.has_f and not value:
                    self.scan.special[where] = "公式没有计算结果（请在 Excel 中重新计算后保存，或改填数值）"
            self.cell = None

    def _chars(self, data: str) -> None:
        if self.in_v and self.cell is not None:
            self.v.append(data)

    # checks ----------------------------------------------------------------------------------
    def _bound(self, row: int, col: int, shown: str) -> None:
        if row > MAX_ROWS or col > MAX_COLS:
            raise _Refuse(f"单元格 {clip(shown, 20)} 超出可读取的范围（{LIMITS_TEXT}）")
        s = self.scan
        if row > s.rows:
            s.rows = row
        if col > s.cols:
            s.cols = col
        if s.rows * s.cols > MAX_AREA:
            raise _Refuse(f"表格范围过大（{s.rows} 行 × {s.cols} 列，最多 {MAX_AREA} 个单元格）")

    def _dimension(self, ref: str) -> None:
        m = _RANGE.match(ref.upper())
        if not m:
            raise _Refuse(f"工作表声明的范围“{clip(ref, 20)}”无效")
        for part in m.groups():
            if part is None:
                continue
            pos = _ref(part)
            if pos is None:
                raise _Refuse(f"工作表声明的范围“{clip(ref, 20)}”无效")
            if pos[0] > MAX_ROWS or pos[1] > MAX_COLS:
                raise _Refuse(f"工作表声明的范围 {clip(ref, 30)} 超出可读取的范围（{LIMITS_TEXT}）")

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)


def _sheet_targets(z: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Worksheet parts in workbook order (first = the sheet importers read)."""
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    order: list[str] = []
    if rels_name in names:
        rels: dict[str, str] = {}

        def rel(name, attrs):
            if name.rpartition(":")[2] == "Relationship" and attrs.get("Type", "").endswith(_WORKSHEET_REL):
                t = attrs.get("Target", "")
                t = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
                rels[attrs.get("Id", "")] = t

        _parse_small(z, rels_name, rel)
        targets = rels
    if "xl/workbook.xml" in names:
        def sheet(name, attrs):
            if name.rpartition(":")[2] == "sheet":
                rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), None)
                if rid in targets:
                    order.append(targets[rid])

        _parse_small(z, "xl/workbook.xml", sheet)
    return order


def _parse_small(z: zipfile.ZipFile, name: str, handler) -> None:
    sc = _Scanner(worksheet=False, collect=False)
    base = sc._start

    def start(n, a):
        base(n, a)
        handler(n, a)

    sc.parser.StartElementHandler = start
    _stream(z, z.getinfo(name), sc)


def _stream(z: zipfile.ZipFile, info: zipfile.ZipInfo, sc: _Scanner) -> None:
    read = 0
    with z.open(info) as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_MEMBER_BYTES:
                raise _Refuse(f"部件 {clip(info.filename, 40)} 解压后过大")
            sc.feed(chunk)
    sc.feed(b"", True)


def check_workbook(path: str | Path) -> SheetScan:
    """Check an .xlsx before any library opens it; the scan of its first sheet, or SheetRefused."""
    p = Path(path)
    name = clip(p.name, 60)
    try:
        with open(p, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise SheetRefused(f"找不到文件：{clip(str(p), 80)}") from None
    except IsADirectoryError:
        raise SheetRefused(f"“{name}”是文件夹，不是 Excel 文件") from None
    except PermissionError:
        raise SheetRefused(f"没有权限读取文件“{name}”") from None
    except OSError as e:
        raise SheetRefused(f"无法读取文件“{name}”（{clip(e.strerror or '读取错误', 40)}）") from None
    if head.startswith(_OLE):
        raise SheetRefused(
            f"文件“{name}”是旧版 .xls 或加密的工作簿：请在 Excel 中另存为 .xlsx（不加密码）后再导入"
        )
    if not head.startswith(b"PK"):
        raise SheetRefused(f"文件“{name}”不是 Excel 工作簿（.xlsx）")
    try:
        with zipfile.ZipFile(p) as z:
            return _check_zip(z)
    except _Refuse as e:
        raise SheetRefused(f"文件“{name}”不能导入：{e.reason}") from None
    except SheetRefused:
        raise
    except expat.ExpatError as e:
        raise SheetRefused(f"文件“{name}”已损坏：XML 内容无效（第 {e.lineno} 行）") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, OSError,
            RuntimeError, KeyError):
        raise SheetRefused(f"文件“{name}”已损坏或不是有效的 Excel 工作簿（.xlsx）") from None
    except Exception:  # zlib and friends: never let a library's English text through
        raise SheetRefused(f"文件“{name}”已损坏或不是有效的 Excel 工作簿（.xlsx）") from None


# The fast path: byte-level scans of UTF-8 parts (an office sheet has no DTD, and its cells
# carry their reference). Anything unusual goes to the expat scanner above.
_DECL_BAD = re.compile(rb"<!DOCTYPE|<!ENTITY")
_COUNTS = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["']([^"']*)["']""")
_ROOT = re.compile(rb"<([\w.-]+:)?worksheet[\s>]")
_REFS_OK = re.compile(rb"(?:\$?[A-Z]{1,3}\$?[0-9]{1,7}\n)*")
_DIGITS = re.compile(rb"[0-9]+")
_LETTERS = re.compile(rb"[A-Z]+")


@functools.cache
def _sheet_patterns(prefix: bytes) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """(cell open tag, cell reference, dimension, formula or error) for the sheet's tag prefix;
    a literal prefix keeps the scans at C speed (an optional group at every '<' is 5× slower)."""
    p = re.escape(prefix)
    return (
        re.compile(b"<" + p + rb"c[\s>/]"),
        re.compile(b"<" + p + rb"""c\s[^>]*?\br\s*=\s*["']([^"']*)["']"""),
        re.compile(b"<" + p + rb"""dimension\b[^>]*?\sref\s*=\s*["']([^"']*)["']"""),
        re.compile(b"<" + p + rb"""f[\s>/]|\st\s*=\s*["']e["']"""),
    )

_REF_BYTES = re.compile(rb"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _fast_scan(data: bytes, worksheet: bool, collect: bool) -> SheetScan | None:
    """The checks of `_Scanner` on a UTF-8 part by regular expressions, or None when the part
    needs the full scanner (not UTF-8, cells without references, or formulas to look at)."""
    head = data[:100].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<") or (head.startswith(b"<?xml") and re.match(
            rb"<\?xml[^>]*encoding\s*=\s*[\"'](?!utf-8[\"'])", head, re.IGNORECASE)):
        return None
    if _DECL_BAD.search(data):
        return None  # let the scanner refuse it with its reason
    for m in _COUNTS.finditer(data):
        v = m.group(1)
        if len(v) > 9 or not v.isdigit() or int(v) > MAX_COUNT:
            raise _Refuse(f"声明的数量 {clip(v.decode('latin-1'), 20)} 过大（最多 {MAX_COUNT}）")
    scan = SheetScan()
    if not worksheet:
        return scan
    root = _ROOT.search(data, 0, 4096)
    if root is None:
        return None
    cell_open, cell_ref, dimension, special = _sheet_patterns(root.group(1) or b"")
    if collect and (b"<" + (root.group(1) or b"") + b"f" in data or b"\"e\"" in data or b"'e'" in data) \
            and special.search(data):
        return None
    sc = _Scanner(worksheet=True, collect=False)
    for m in dimension.finditer(data):
        sc._dimension(m.group(1).decode("latin-1"))
    refs = cell_ref.findall(data)
    if len(refs) != len(cell_open.findall(data)):
        return None  # some cell has no reference: its place follows the row (full scanner)
    if not refs:
        return sc.scan
    joined = b"\n".join(refs).upper() + b"\n"
    if not _REFS_OK.fullmatch(joined):
        bad = next(r for r in refs if not _REF_BYTES.fullmatch(r.upper()))
        raise _Refuse(f"单元格引用“{clip(bad.decode('latin-1'), 20)}”无效")
    max_row = max(map(int, _DIGITS.findall(joined)))
    letters = _LETTERS.findall(joined)
    longest = max(map(len, letters))
    max_letters = max(x for x in letters if len(x) == longest).decode("ascii")
    max_col = col_number(max_letters)
    if max_row > MAX_ROWS or max_col > MAX_COLS:
        far = next(r for r in refs if int(_DIGITS.search(r).group()) > MAX_ROWS
                   or col_number(_LETTERS.search(r.upper()).group().decode("ascii")) > MAX_COLS)
        raise _Refuse(f"单元格 {clip(far.decode('latin-1'), 20)} 超出可读取的范围（{LIMITS_TEXT}）")
    sc._bound(max_row, max_col, f"{max_letters}{max_row}")
    return sc.scan


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with z.open(info) as f:
        data = f.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise _Refuse(f"部件 {clip(info.filename, 40)} 解压后过大")
    return data


def _check_zip(z: zipfile.ZipFile) -> SheetScan:
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _Refuse(f"压缩包内文件过多（{len(infos)} 个）")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _Refuse("工作簿已加密，请先取消密码")
        if info.file_size > MAX_MEMBER_BYTES:
            raise _Refuse(f"部件 {clip(info.filename, 40)} 解压后过大（{info.file_size // 1048576} MB）")
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Refuse(f"部件 {clip(info.filename, 40)} 的压缩比异常（疑似压缩炸弹）")
    if total > MAX_TOTAL_BYTES:
        raise _Refuse(f"解压后总大小过大（{total // 1048576} MB）")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise _Refuse("缺少工作簿内容（xl/workbook.xml），不是有效的 .xlsx 文件")
    order = _sheet_targets(z, names)
    if not order:
        raise _Refuse("工作簿中没有工作表")
    first = order[0]
    if first not in names:
        raise _Refuse("第一个工作表的内容缺失")
    worksheets = set(order) | {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    result = SheetScan()
    for info in infos:
        n = info.filename
        if not (n.endswith(".xml") or n.endswith(".rels")):
            continue
        data = _read(z, info)
        scan = _fast_scan(data, n in worksheets, n == first)
        if scan is None:
            sc = _Scanner(worksheet=n in worksheets, collect=n == first)
            sc.feed(data, True)
            scan = sc.scan
        if n == first:
            result = scan
    return result
