"""Headless scoring: ``hotline-desktop score CASE.json [--output FILE]`` (scoring.md contract).

:func:`run_score_case` reads the UTF-8 JSON case, scores it with the same engine as the GUI and
writes the result JSON (numbers rounded half-up to 2 decimals; integral values without a
fraction: ``14``, others as ``93.25`` / ``94.1``). Exit status 0 on success; 2 on bad input with
one line per problem on stderr (naming unit, month, key and value) and nothing on stdout.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import Any, TextIO

from hotline_desktop.core.errors import os_error_zh
from hotline_desktop.core.scoring.engine import ScoringEngine
from hotline_desktop.core.scoring.errors import InputProblem, SchemeError, ScoringInputError
from hotline_desktop.core.scoring.numbers import json_number
from hotline_desktop.core.scoring.results import ScoringResult, UnitRef
from hotline_desktop.core.scoring.scheme import Scheme, list_builtin_schemes, load_scheme
from hotline_desktop.core.text import clip


class CaseError(Exception):
    """The case file itself is unusable (not JSON, missing fields, unknown scheme)."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self._lines = lines

    def lines(self) -> list[str]:
        return self._lines


# Bounds on a case file, checked before anything is built from it. A real case nests 4 levels
# (case → units/monthly → record → values), a year of 1,000 units is a few MB.
MAX_CASE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 20
MAX_NUMBER_CHARS = 40  # digits, sign, point and exponent of one JSON number
MAX_EXPONENT = 30  # |adjusted exponent| of a decimal: 1e30 is far beyond any count or score
SCHEME_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_KEEP = b'"[]{}'
_DELETE = bytes(b for b in range(256) if b not in _KEEP)
_STRING = re.compile(rb'"[^"]*"')
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def _nesting_depth(raw: bytes) -> int:
    """Deepest [ / { nesting of a JSON text (UTF-8 bytes); brackets inside strings do not count.

    C-speed passes only (tens of ms for a year of 1,000 units): escaped backslashes, then
    escaped quotes are dropped, then every byte but quotes and brackets; what is left between
    two quotes was inside a string. For invalid JSON the count may be off, but json.loads then
    refuses the text anyway (and a RecursionError there is caught too).
    """
    kept = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _DELETE).replace(b'""', b"")
    return max(accumulate(map(_STEP.__getitem__, _STRING.sub(b"", kept))), default=0)


class _BadNumber(Exception):
    def __init__(self, text: str, why: str):
        self.text, self.why = text, why


def _number(text: str, kind: type | None) -> int | Decimal:
    """The value of one JSON number's text as ``kind`` (int or Decimal; ``None``: NaN / Infinity),
    bounded before it is converted (no 5,000-digit integers, no 1e999999 exponents)."""
    if kind is None:
        raise _BadNumber(text, "不是数字（JSON 不允许 NaN/Infinity）")
    if len(text) > MAX_NUMBER_CHARS:
        raise _BadNumber(text, f"超过 {MAX_NUMBER_CHARS} 位")
    value = kind(text)
    if kind is Decimal and value and abs(value.adjusted()) > MAX_EXPONENT:
        raise _BadNumber(text, "数量级超出范围")
    return value


def _has_surrogate(data: Any) -> bool:
    """Whether a decoded case holds a lone UTF-16 surrogate (a text UTF-8 cannot encode)."""
    try:
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_case_file(path: Path) -> Any:
    """The decoded case of a UTF-8 JSON file, or :class:`CaseError` with one Chinese line.

    Bounded before parsing: file size, nesting depth; while parsing: the text of every number
    (no 5,000-digit integers, no 1e999999 exponents, no NaN); after: no lone surrogates.
    """
    name = clip(str(path))
    try:
        size = path.stat().st_size
        if size > MAX_CASE_BYTES:
            raise CaseError([f"案例文件 {name} 过大（{size // (1024 * 1024)} MB，上限 {MAX_CASE_BYTES // (1024 * 1024)} MB）"])
        raw = path.read_bytes()
    except OSError as exc:
        raise CaseError([f"无法读取案例文件 {name}：{os_error_zh(exc)}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseError([f"案例文件 {name} 不是 UTF-8 编码（第 {exc.start + 1} 个字节无效）"]) from None
    depth = _nesting_depth(raw)
    if depth > MAX_DEPTH:
        raise CaseError([f"案例文件 {name} 嵌套过深（{depth} 层，上限 {MAX_DEPTH} 层）"])
    try:
        data = json.loads(text, parse_float=partial(_number, kind=Decimal), parse_int=partial(_number, kind=int),
                          parse_constant=partial(_number, kind=None))
    except _BadNumber as exc:
        raise CaseError([f"案例文件 {name} 中的数字无效（{exc.why}）：{clip(exc.text)}"]) from None
    except json.JSONDecodeError as exc:
        raise CaseError([f"案例文件 {name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{_JSON_MSGS.get(exc.msg, '格式错误')}"]) from None
    except RecursionError:
        raise CaseError([f"案例文件 {name} 嵌套过深"]) from None
    if _ESCAPED_SURROGATE.search(text) and _has_surrogate(data):
        raise CaseError([f"案例文件 {name} 含有无法处理的字符（孤立的 UTF-16 代理项，如 \\ud800）"])
    return data


_JSON_MSGS = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为双引号括起的字段名",
    "Expecting ':' delimiter": "此处应为冒号 :",
    "Expecting ',' delimiter": "此处应为逗号 ,",
    "Unterminated string starting at": "字符串没有结束引号",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Extra data": "JSON 值之后还有多余内容",
}


def _scheme_from_file(path: Path) -> Scheme:
    """A scheme given explicitly by `score --scheme-file F.toml`."""
    if path.suffix.lower() != ".toml" or not path.is_file():
        raise CaseError([f"找不到方案文件（须为 .toml 文件）：{clip(str(path))}"])
    try:
        return load_scheme(path)
    except SchemeError as exc:
        raise CaseError([f"方案文件 {clip(str(path))} 无效：" + "；".join(clip(e, 200) for e in exc.errors)]) from None


def _case_scheme(data: dict, scheme: Scheme | None) -> Scheme:
    """The case's built-in scheme (never a path), or the explicit `--scheme-file` one it must match."""
    name = data.get("scheme")
    if scheme is not None:
        if name is not None and name != scheme.id:
            raise CaseError([f"案例的 scheme（{clip(name)}）与方案文件的 id（{scheme.id}）不一致"])
        return scheme
    if not isinstance(name, str) or not name.strip():
        raise CaseError(["案例缺少字段 scheme（考核方案，如 ganxian-2023-hotline）"])
    known = list_builtin_schemes()
    if not SCHEME_ID.fullmatch(name) or name not in known:
        raise CaseError([
            f"未知的考核方案：{clip(name)}（scheme 须为内置方案的编号：{'、'.join(known)}；"
            "方案文件请用 --scheme-file 指定）"
        ])
    try:
        return load_scheme(name)
    except SchemeError as exc:
        raise CaseError([f"无效的考核方案 {name}：" + "；".join(exc.errors)]) from None


def _case_fields(data: dict, scheme: Scheme) -> tuple[int | None, list | None, list]:
    """(year, months, units) after checking the case's top-level fields (CaseError lists them all)."""
    errors: list[str] = []
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999):
        errors.append(f"字段 year 必须是年份整数：{clip(year)}")
    months = data.get("months")
    if months is None and scheme.months_required:
        errors.append(f"方案 {scheme.id} 必须提供字段 months（考核月份列表，如 [\"2023-01\"]）")
    elif months is not None and not isinstance(months, list):
        errors.append("字段 months 必须是月份列表，如 [\"2023-01\", \"2023-02\"]")
    units = data.get("units")
    if not isinstance(units, list):
        errors.append("案例缺少字段 units（承办单位列表）")
    errors += [f"字段 {f} 必须是列表" for f in ("monthly", "annual") if data.get(f) is not None
               and not isinstance(data.get(f), list)]
    if errors:
        raise CaseError(errors)
    return year, months, units


def _case_units(units_raw: list, scheme: Scheme, problems: list[InputProblem]) -> tuple[list[UnitRef], set[str]]:
    """The well-formed units, and the codes of those refused (their records are not checked again)."""
    units: list[UnitRef] = []
    seen: set[str] = set()
    for i, u in enumerate(units_raw):
        if not isinstance(u, dict):
            problems.append(InputProblem(None, None, f"units[{i}]", u, "承办单位必须是对象（code、name、kind）"))
            continue
        code, kind, uname = u.get("code"), u.get("kind"), u.get("name", "")
        if not isinstance(code, str) or not code.strip():
            problems.append(InputProblem(None, None, f"units[{i}].code", code, "承办单位缺少编码 code"))
        elif code in seen:
            problems.append(InputProblem(code, None, "code", code, f"单位编码重复：{clip(code)}"))
        elif kind not in scheme.unit_kinds:
            seen.add(code)
            problems.append(
                InputProblem(code, None, "kind", kind, f"未知的单位类型：{clip(kind)}（可选：{'、'.join(scheme.unit_kinds)}）"))
        else:
            seen.add(code)
            units.append(UnitRef(code, uname if isinstance(uname, str) else str(uname), kind))
    return units, seen - {u.code for u in units}


def _case_records(records: list, field: str, bad_units: set[str], problems: list[InputProblem]) -> dict:
    """``monthly`` records keyed (unit, month), ``annual`` ones keyed unit; each problem named."""
    monthly = field == "monthly"
    what = "月度记录必须是对象（unit、month、values）" if monthly else "年度记录必须是对象（unit、values）"
    out: dict = {}
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            problems.append(InputProblem(None, None, f"{field}[{i}]", rec, what))
            continue
        code, month, values = rec.get("unit"), rec.get("month") if monthly else None, rec.get("values", {})
        if code in bad_units:
            continue
        if not isinstance(code, str) or (monthly and not isinstance(month, str)):
            problems.append(InputProblem(str(code) if code else None, str(month) if month else None, f"{field}[{i}]",
                                         rec, "月度记录缺少 unit 或 month" if monthly else "年度记录缺少 unit"))
            continue
        if not isinstance(values, dict):
            problems.append(InputProblem(code, month, "values", values, "values 必须是对象（数据项: 值）"))
            continue
        key = (code, month) if monthly else code
        if key in out:
            problems.append(InputProblem(code, month, None, month or code,
                                         f"重复的月度记录：{code} {month}" if monthly else f"重复的年度记录：{code}"))
            continue
        out[key] = values
    return out


def load_case(data: Any, scheme: Scheme | None = None) -> ScoringEngine:
    """Build an engine from a decoded case; raises :class:`CaseError` / :class:`ScoringInputError`.

    The case's ``scheme`` names a built-in scheme id; it is never a path. `scheme` (from an
    explicit ``--scheme-file``) is used instead; the case's ``scheme`` may then be left out, or
    must match the file's id.
    """
    if not isinstance(data, dict):
        raise CaseError(["案例文件的顶层必须是 JSON 对象"])
    scheme = _case_scheme(data, scheme)
    year, months, units_raw = _case_fields(data, scheme)
    problems: list[InputProblem] = []
    units, bad_units = _case_units(units_raw, scheme, problems)
    good_months = None
    if months is not None:
        good_months = [m for m in months if isinstance(m, str)]
        problems += [InputProblem(None, str(m), "months", m, f"月份格式应为 YYYY-MM：{clip(m)}")
                     for m in months if not isinstance(m, str)]
    try:
        # validate units and months first so that value problems below are reported too
        ScoringEngine.check_units_and_months(scheme, units, good_months, year=year)
    except ScoringInputError as exc:
        raise ScoringInputError(problems + list(exc.problems)) from None
    monthly = _case_records(data.get("monthly") or [], "monthly", bad_units, problems)
    annual = _case_records(data.get("annual") or [], "annual", bad_units, problems)
    try:
        engine = ScoringEngine(scheme, units, months=good_months, monthly=monthly, annual=annual, year=year)
    except ScoringInputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ScoringInputError(problems)
    return engine


def result_to_json_data(result: ScoringResult) -> dict[str, Any]:
    """The scoring.md output object (numbers still Decimal; see :func:`dumps_result`)."""
    scheme: Scheme = result.scheme
    monthly = scheme.has_monthly_scores
    units = []
    for u in result.ordered():
        item: dict[str, Any] = {
            "code": u.code,
            "group": u.group,
            "status": u.status,
            "total": u.total,
            "rank": u.rank,
            "tied": u.tied,
            "missing": list(u.missing),
            "veto": u.veto,
            "indicators": {ind.key: u.indicators[ind.key] for ind in scheme.annual_indicators
                           if ind.key in u.indicators},
        }
        if monthly:
            item["monthly_average"] = u.monthly_average
            if scheme.has_annual_basic:
                item["annual_basic"] = u.annual_score
            months = {}
            for m in result.months:
                mr = u.months[m]
                months[m] = {
                    "score": mr.score,
                    "rank": mr.rank,
                    "averaged": mr.averaged,
                    "indicators": {ind.key: mr.indicators[ind.key] for ind in scheme.monthly_indicators
                                   if ind.key in mr.indicators},
                }
            item["months"] = months
        units.append(item)
    return {"scheme": scheme.id, "units": units}


def dumps_result(result: ScoringResult, indent: int = 2) -> str:
    """UTF-8 JSON text of a result exactly as ``hotline-desktop score`` writes it: the indent-``indent``
    dump of :func:`result_to_json_data`, figures rounded half-up to 2 decimals. Figures and strings
    repeat a lot, so each distinct one is converted once (4,000 units × 12 months: about 0.7 s CPU)."""
    numbers: dict[Decimal, str] = {}
    strings: dict[str, str] = {}

    def dump(value: Any, level: int) -> str:
        t = type(value)
        if t is Decimal:
            text = numbers.get(value)
            if text is None:
                text = numbers[value] = json_number(value)
            return text
        if t is str:
            text = strings.get(value)
            if text is None:
                text = strings[value] = json.dumps(value, ensure_ascii=False)
            return text
        if value is None:
            return "null"
        if t is bool:
            return "true" if value else "false"
        if t is int:
            return str(value)
        pad = " " * (indent * (level + 1))
        if t is dict or isinstance(value, Mapping):
            brackets, parts = "{}", [f"{pad}{dump(str(k), 0)}: {dump(v, level + 1)}" for k, v in value.items()]
        elif isinstance(value, list | tuple):
            brackets, parts = "[]", [pad + dump(v, level + 1) for v in value]
        else:
            raise TypeError(f"cannot serialise {t.__name__}")
        if not parts:
            return brackets
        return brackets[0] + "\n" + ",\n".join(parts) + "\n" + " " * (indent * level) + brackets[1]

    return dump(result_to_json_data(result), 0) + "\n"


def score_case(data: Any, scheme: Scheme | None = None) -> str:
    """Score a decoded case and return the output JSON text (raises CaseError / ScoringInputError)."""
    return dumps_result(load_case(data, scheme).result())


def _write_err(stderr: TextIO, line: str) -> None:
    # A message must always be writable, whatever the case held.
    stderr.write(line.encode("utf-8", "replace").decode("utf-8") + "\n")


def run_score_case(case_path: str, output_path: str | None = None, *,
                   stdout: TextIO | None = None, stderr: TextIO | None = None,
                   scheme_file: str | None = None) -> int:
    """Run the ``score`` command: 0 on success, 2 on bad input (stderr only, stdout untouched).

    Every failure is exit 2 with Chinese lines on stderr, never a traceback.
    """
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    try:
        data = read_case_file(Path(case_path))
        scheme = _scheme_from_file(Path(scheme_file)) if scheme_file else None
        output = dumps_result(load_case(data, scheme=scheme).result())
    except (CaseError, ScoringInputError) as exc:
        for line in exc.lines():
            _write_err(stderr, line)
        return 2
    except (RecursionError, MemoryError) as exc:
        _write_err(stderr, f"案例文件 {clip(case_path)} 过于复杂或过大，无法计分（{type(exc).__name__}）")
        return 2
    except Exception as exc:  # noqa: BLE001 - the contract: exit 2 with a Chinese line, no traceback
        _write_err(stderr, f"计分失败（内部错误 {type(exc).__name__}）：{clip(exc)}")
        return 2
    if output_path:
        try:
            Path(output_path).write_text(output, encoding="utf-8")
        except OSError as exc:
            _write_err(stderr, f"无法写入输出文件：{os_error_zh(exc)}")
            return 2
        return 0
    buffer = getattr(stdout, "buffer", None)
    if buffer is not None:
        stdout.flush()
        buffer.write(output.encode("utf-8"))
        buffer.flush()
    else:
        stdout.write(output)
    return 0
