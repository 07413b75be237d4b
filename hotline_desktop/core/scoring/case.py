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

__all__ = ["CaseError", "read_case_file", "load_case", "score_case", "result_to_json_data", "dumps_result", "run_score_case"]


class CaseError(Exception):
    """The case file itself is unusable (not JSON, missing fields, unknown scheme)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def _problem(unit, month, key, value, msg) -> InputProblem:
    return InputProblem(unit, month, key, value, msg)


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


class _NumberTooLong(Exception):
    def __init__(self, text: str, why: str):
        self.text, self.why = text, why


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(text, f"超过 {MAX_NUMBER_CHARS} 位")
    return int(text)


def _parse_float(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(text, f"超过 {MAX_NUMBER_CHARS} 位")
    value = Decimal(text)
    if value and abs(value.adjusted()) > MAX_EXPONENT:
        raise _NumberTooLong(text, "数量级超出范围")
    return value


def _parse_constant(text: str):
    raise _NumberTooLong(text, "不是数字（JSON 不允许 NaN/Infinity）")


def _has_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any(0xD800 <= ord(ch) <= 0xDFFF for ch in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
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
        data = json.loads(text, parse_float=_parse_float, parse_int=_parse_int, parse_constant=_parse_constant)
    except _NumberTooLong as exc:
        raise CaseError([f"案例文件 {name} 中的数字无效（{exc.why}）：{clip(exc.text)}"]) from None
    except json.JSONDecodeError as exc:
        raise CaseError([f"案例文件 {name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{_json_msg_zh(exc.msg)}"]) from None
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


def _json_msg_zh(msg: str) -> str:
    return _JSON_MSGS.get(msg, "格式错误")


def _scheme_from_file(path: Path) -> Scheme:
    """A scheme given explicitly by `score --scheme-file F.toml`."""
    if path.suffix.lower() != ".toml" or not path.is_file():
        raise CaseError([f"找不到方案文件（须为 .toml 文件）：{clip(str(path))}"])
    try:
        return load_scheme(path)
    except SchemeError as exc:
        raise CaseError([f"方案文件 {clip(str(path))} 无效：" + "；".join(clip(e, 200) for e in exc.errors)]) from None


def load_case(data: Any, scheme: Scheme | None = None) -> ScoringEngine:
    """Build an engine from a decoded case; raises :class:`CaseError` / :class:`ScoringInputError`.

    The case's ``scheme`` names a built-in scheme id; it is never a path. `scheme` (from an
    explicit ``--scheme-file``) is used instead; the case's ``scheme`` may then be left out, or
    must match the file's id.
    """
    if not isinstance(data, dict):
        raise CaseError(["案例文件的顶层必须是 JSON 对象"])
    errors: list[str] = []
    name = data.get("scheme")
    if scheme is not None:
        if name is not None and name != scheme.id:
            raise CaseError([f"案例的 scheme（{clip(name)}）与方案文件的 id（{scheme.id}）不一致"])
    elif not isinstance(name, str) or not name.strip():
        raise CaseError(["案例缺少字段 scheme（考核方案，如 ganxian-2023-hotline）"])
    else:
        known = list_builtin_schemes()
        if not SCHEME_ID.fullmatch(name) or name not in known:
            raise CaseError([
                f"未知的考核方案：{clip(name)}（scheme 须为内置方案的编号：{'、'.join(known)}；"
                "方案文件请用 --scheme-file 指定）"
            ])
        try:
            scheme = load_scheme(name)
        except SchemeError as exc:
            raise CaseError([f"无效的考核方案 {name}：" + "；".join(exc.errors)]) from None
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999):
        errors.append(f"字段 year 必须是年份整数：{clip(year)}")
        year = None
    months = data.get("months")
    if months is None:
        if scheme.months_required:
            errors.append(f"方案 {scheme.id} 必须提供字段 months（考核月份列表，如 [\"2023-01\"]）")
    elif not isinstance(months, list):
        errors.append("字段 months 必须是月份列表，如 [\"2023-01\", \"2023-02\"]")
        months = None
    units_raw = data.get("units")
    if not isinstance(units_raw, list):
        errors.append("案例缺少字段 units（承办单位列表）")
        units_raw = []
    for field in ("monthly", "annual"):
        if data.get(field) is not None and not isinstance(data.get(field), list):
            errors.append(f"字段 {field} 必须是列表")
    if errors:
        raise CaseError(errors)

    problems: list[InputProblem] = []
    units: list[UnitRef] = []
    seen_codes: set[str] = set()
    for i, u in enumerate(units_raw):
        if not isinstance(u, dict):
            problems.append(_problem(None, None, f"units[{i}]", u, "承办单位必须是对象（code、name、kind）"))
            continue
        code, kind, uname = u.get("code"), u.get("kind"), u.get("name", "")
        if not isinstance(code, str) or not code.strip():
            problems.append(_problem(None, None, f"units[{i}].code", code, "承办单位缺少编码 code"))
            continue
        if code in seen_codes:
            problems.append(_problem(code, None, "code", code, f"单位编码重复：{clip(code)}"))
            continue
        seen_codes.add(code)
        if kind not in scheme.unit_kinds:
            problems.append(
                _problem(code, None, "kind", kind, f"未知的单位类型：{clip(kind)}（可选：{'、'.join(scheme.unit_kinds)}）")
            )
            continue
        units.append(UnitRef(code, uname if isinstance(uname, str) else str(uname), kind))
    bad_units = seen_codes - {u.code for u in units}

    good_months = None
    if months is not None:
        good_months = []
        for m in months:
            if not isinstance(m, str):
                problems.append(_problem(None, str(m), "months", m, f"月份格式应为 YYYY-MM：{clip(m)}"))
            else:
                good_months.append(m)
    try:
        # validate units and months first so that value problems below are reported too
        ScoringEngine.check_units_and_months(scheme, units, good_months, year=year)
    except ScoringInputError as exc:
        problems.extend(exc.problems)
        raise ScoringInputError(problems) from None

    monthly: dict[tuple[str, str], dict] = {}
    for i, rec in enumerate(data.get("monthly") or []):
        if not isinstance(rec, dict):
            problems.append(_problem(None, None, f"monthly[{i}]", rec, "月度记录必须是对象（unit、month、values）"))
            continue
        code, month, values = rec.get("unit"), rec.get("month"), rec.get("values", {})
        if code in bad_units:
            continue
        if not isinstance(code, str) or not isinstance(month, str):
            problems.append(
                _problem(str(code) if code else None, str(month) if month else None, f"monthly[{i}]", rec,
                         "月度记录缺少 unit 或 month")
            )
            continue
        if not isinstance(values, dict):
            problems.append(_problem(code, month, "values", values, "values 必须是对象（数据项: 值）"))
            continue
        if (code, month) in monthly:
            problems.append(_problem(code, month, None, month, f"重复的月度记录：{code} {month}"))
            continue
        monthly[(code, month)] = values
    annual: dict[str, dict] = {}
    for i, rec in enumerate(data.get("annual") or []):
        if not isinstance(rec, dict):
            problems.append(_problem(None, None, f"annual[{i}]", rec, "年度记录必须是对象（unit、values）"))
            continue
        code, values = rec.get("unit"), rec.get("values", {})
        if code in bad_units:
            continue
        if not isinstance(code, str):
            problems.append(_problem(None, None, f"annual[{i}]", rec, "年度记录缺少 unit"))
            continue
        if not isinstance(values, dict):
            problems.append(_problem(code, None, "values", values, "values 必须是对象（数据项: 值）"))
            continue
        if code in annual:
            problems.append(_problem(code, None, None, code, f"重复的年度记录：{code}"))
            continue
        annual[code] = values
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


def _dump(value: Any, indent: int, level: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        parts = [f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {_dump(v, indent, level + 1)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(parts) + "\n" + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(pad + _dump(v, indent, level + 1) for v in value) + "\n" + end + "]"
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps_result(result: ScoringResult, indent: int = 2) -> str:
    """UTF-8 JSON text of a result exactly as ``hotline-desktop score`` writes it.

    Writes the text directly (the same text as the generic indent-``indent`` dump of
    :func:`result_to_json_data`, which ``tests/core/test_scoring_output.py`` checks), with the
    rounded figures and quoted strings memoised: a year of 1,000 units takes tens of ms.
    """
    if indent != 2:
        return _dump(result_to_json_data(result), indent, 0) + "\n"
    scheme: Scheme = result.scheme
    numbers: dict[str, str] = {}  # exact text of a figure -> its JSON number (figures repeat)
    strings: dict[str, str] = {}

    def num(value) -> str:
        if value is None:
            return "null"
        key = str(value)
        text = numbers.get(key)
        if text is None:
            text = numbers[key] = json_number(value)
        return text

    def quote(value: str | None) -> str:
        if value is None:
            return "null"
        text = strings.get(value)
        if text is None:
            text = strings[value] = json.dumps(value, ensure_ascii=False)
        return text

    def rank(value: int | None) -> str:
        return "null" if value is None else str(value)

    def indicators(values: Mapping, keys: tuple[tuple[str, str], ...], end: str) -> str:
        parts = []
        for k, prefix in keys:
            if k in values:
                value = values[k]
                text = numbers.get(str(value)) if value is not None else None
                parts.append(prefix + (text if text is not None else num(value)))
        if not parts:
            return "{}"
        return "{\n" + ",\n".join(parts) + "\n" + end + "}"

    annual_keys = tuple((i.key, f"{' ' * 8}{quote(i.key)}: ") for i in scheme.annual_indicators)
    monthly_keys = tuple((i.key, f"{' ' * 12}{quote(i.key)}: ") for i in scheme.monthly_indicators)
    monthly = scheme.has_monthly_scores
    basic = scheme.has_annual_basic
    months = result.months
    p6, p8, p10 = " " * 6, " " * 8, " " * 10
    out: list[str] = []
    for u in result.ordered():
        missing = "[]" if not u.missing else (
            "[\n" + ",\n".join(p8 + quote(m) for m in u.missing) + "\n" + p6 + "]"
        )
        lines = [
            f'{p6}"code": {quote(u.code)}',
            f'{p6}"group": {quote(u.group)}',
            f'{p6}"status": {quote(u.status)}',
            f'{p6}"total": {num(u.total)}',
            f'{p6}"rank": {rank(u.rank)}',
            f'{p6}"tied": {"true" if u.tied else "false"}',
            f'{p6}"missing": {missing}',
            f'{p6}"veto": {quote(u.veto)}',
            f'{p6}"indicators": {indicators(u.indicators, annual_keys, p6)}',
        ]
        if monthly:
            lines.append(f'{p6}"monthly_average": {num(u.monthly_average)}')
            if basic:
                lines.append(f'{p6}"annual_basic": {num(u.annual_score)}')
            if months:
                blocks = []
                for m in months:
                    mr = u.months[m]
                    blocks.append(
                        f'{p8}{quote(m)}: {{\n'
                        f'{p10}"score": {num(mr.score)},\n'
                        f'{p10}"rank": {rank(mr.rank)},\n'
                        f'{p10}"averaged": {"true" if mr.averaged else "false"},\n'
                        f'{p10}"indicators": {indicators(mr.indicators, monthly_keys, p10)}\n'
                        f'{p8}}}'
                    )
                lines.append(f'{p6}"months": {{\n' + ",\n".join(blocks) + f"\n{p6}}}")
            else:
                lines.append(f'{p6}"months": {{}}')
        out.append("    {\n" + ",\n".join(lines) + "\n    }")
    units = "[]" if not out else "[\n" + ",\n".join(out) + "\n  ]"
    return f'{{\n  "scheme": {quote(scheme.id)},\n  "units": {units}\n}}\n'


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
    except CaseError as exc:
        for line in exc.lines:
            _write_err(stderr, line)
        return 2
    except ScoringInputError as exc:
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
