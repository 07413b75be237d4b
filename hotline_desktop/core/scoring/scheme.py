"""Scheme definitions: loaded from TOML, validated (every error with its path), compiled.

A scheme names its inputs, its indicators (each a clamp of ``start`` + a sum of rule terms,
see :mod:`rules`), the category subtotals of the printed tables, the ranking groups, the
monthly and annual score (sum of indicators, separately capped bonus / penalty, clamp), the
vetoes and how the total combines. No code and no ``eval``: only the fixed term types exist.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, partial
from pathlib import Path
from types import MappingProxyType

from hotline_desktop.core.scoring.errors import InputValueError, SchemeError, SchemeProblem, shown
from hotline_desktop.core.scoring.numbers import HUNDRED, ZERO, NumberOutOfBounds, fmt2, plain, to_decimal
from hotline_desktop.core.scoring.scale import COUNT_LIMIT, RATE_DECIMALS, TERM_TYPES, scale_for
from hotline_desktop.core.text import control_problem

MAX_COUNT = COUNT_LIMIT  # a count (办件量 …) stays below this: what is stored valid can be scored
COUNT_DIGITS = len(str(MAX_COUNT - 1))  # = 9 (issue 7.2)
MAX_RATE_DECIMALS = RATE_DECIMALS  # rates and scores: digits after the point
FORMAT_VERSION = 1  # the scheme file format this code reads (``format_version`` in every file)
MAX_TEXT = 500  # characters of a title, label or rule text (the longest shipped: 67)

UNIT_KINDS = ("community", "department", "town")
UNIT_KIND_LABELS = MappingProxyType({"community": "社区", "department": "科室·职能部门", "town": "乡镇·街道"})
_KIND_LABELS = {"rate": "比率", "count": "数量", "boolean": "是/否", "manual": "评分", "choice": "选项"}
_PERIODS = ("monthly", "annual")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Per term type: the input kinds it reads, and its fields beside type / input / cap (``deduct`` /
#: ``add``: points per unit).
_TERMS = {
    "shortfall": (("rate",), ("deduct", "add", "target")), "excess": (("rate",), ("deduct", "add", "threshold")),
    "count": (("count",), ("deduct", "add")), "flag": (("boolean",), ("deduct", "add")),
    "choice": (("choice",), ("points",)), "manual": (("manual",), ()),
    "floor": (("count",), ("deduct", "add", "per")), "share": (("count",), ("deduct", "add", "scope", "min_by_kind")),
}
_TRUE = frozenset({"true", "yes", "y", "t", "1", "1.0", "是", "有", "√", "✓", "✔", "对"})
_FALSE = frozenset({"false", "no", "n", "f", "0", "0.0", "否", "无", "×", "✗", "✘", "x", "错"})


def builtin_schemes_dir() -> Path:
    from hotline_desktop.paths import builtin_data_dir

    return builtin_data_dir() / "schemes"


# ---------------------------------------------------------------------------- definitions


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, eq=False)
class InputDef:
    """One typed input. ``parse`` is the per-cell parser/validator the GUI uses."""

    key: str
    label: str
    kind: str  # rate | count | boolean | manual | choice
    period: str  # monthly | annual
    unit: str = ""  # display unit: % / 件 / 分 …
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[Choice, ...] = ()
    default: object = None  # value when left out (count 0, boolean False, choice default)
    default_from: str | None = None  # another input of the same period whose value is copied
    required: bool = False  # always required (rates / manual scores)
    required_when_positive: str | None = None  # rate required when this count > 0
    aggregate: str | None = None  # sum | weighted_mean (monthly inputs summed over a year)
    weight: str | None = None
    notes: str = ""

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS[self.kind]

    def parse(self, raw: object) -> object:
        """Typed value of one cell, or ``None`` for an empty cell.

        Raises :class:`InputValueError` (a ``ValueError``) with a Chinese message naming the
        problem and the value, e.g. ``满意率必须在 0 到 100 之间：105``.
        """
        t = type(raw)
        if t is int and self.kind == "count" and 0 <= raw < MAX_COUNT:
            return raw
        if t is Decimal and self.kind == "rate" and raw.is_finite() and 0 <= raw <= 100:
            return raw
        if t is not str:
            return None if raw is None else self._parse(raw)
        cache = self.__dict__.setdefault("_texts", {})  # the same text always parses the same; cells repeat
        value = cache.get(raw)
        if value is None:
            value = self._parse(raw)
            if value is not None:
                if len(cache) >= 4096:
                    cache.clear()
                cache[raw] = value
        return value

    def _parse(self, raw: object) -> object:
        if type(raw) is str and (problem := control_problem(raw)):  # never read as empty (clearing) nor as a value
            raise self._refused(raw, problem)
        if type(raw) is str and not raw.strip():
            return None
        return {"boolean": self._parse_bool, "choice": self._parse_choice}.get(self.kind, self._parse_number)(raw)

    def _refused(self, raw: object, problem: str) -> InputValueError:
        return InputValueError(self.key, raw, f"{self.label}{problem}：{shown(raw, strip=True)}")

    def _parse_number(self, raw: object) -> Decimal | int:
        count = self.kind == "count"
        text = raw.strip().rstrip("%％").strip() if self.kind == "rate" and isinstance(raw, str) else raw
        try:
            value = to_decimal(text)
        except NumberOutOfBounds as e:
            raise self._refused(raw, e.reason) from None
        except ValueError:
            raise self._refused(raw, "必须是整数" if count else "必须是数字") from None
        if count:
            if value != value.to_integral_value():
                raise self._refused(raw, "必须是整数")
            if value < 0:
                raise self._refused(raw, "不能为负数")
            if value >= MAX_COUNT:
                raise self._refused(raw, f"过大（最多 {COUNT_DIGITS} 位数字）")
            return int(value)
        if value.as_tuple().exponent < -MAX_RATE_DECIMALS and value != round(value, MAX_RATE_DECIMALS):
            raise self._refused(raw, f"最多 {MAX_RATE_DECIMALS} 位小数")
        low, high = (ZERO, HUNDRED) if self.kind == "rate" else (ZERO if self.min is None else self.min, self.max)
        if value < low or (high is not None and value > high):
            raise self._refused(raw, f"必须在 {fmt2(low)} 到 {fmt2(high)} 之间")
        return value

    def _parse_bool(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | Decimal | float) and raw in (0, 1):
            return bool(raw)
        text = raw.strip().lower() if isinstance(raw, str) else None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise self._refused(raw, "应填 是/否（true/false、1/0、有/无、√/×）")

    def _parse_choice(self, raw: object) -> str:
        text = raw.strip() if isinstance(raw, str) else None
        for c in self.choices:
            if text is not None and (text.lower() == c.value.lower() or text == c.label):
                return c.value
        options = "、".join(f"{c.value}（{c.label}）" for c in self.choices)
        raise self._refused(raw, f"必须是以下之一：{options}")

    def format(self, value: object) -> str:
        """Display text of a parsed value (empty for ``None``)."""
        if value is None:
            return ""
        if self.kind == "boolean":
            return "是" if value else "否"
        if self.kind == "choice":
            return next((c.label for c in self.choices if c.value == value), str(value))
        return plain(value) if isinstance(value, Decimal) else str(value)


@dataclass(frozen=True, eq=False)
class TermDef:
    type: str
    input: str
    params: Mapping[str, object]


@dataclass(frozen=True, eq=False)
class IndicatorDef:
    key: str
    label: str
    category: str
    level: str  # monthly | annual
    max: Decimal
    start: Decimal
    terms: tuple[TermDef, ...]
    rule_text: str = ""
    sheet_text: str = ""
    sheet_text_by_group: Mapping[str, str] = field(default_factory=dict)
    full_when_zero: str | None = None
    fixed_by_kind: Mapping[str, Decimal] = field(default_factory=dict)
    inputs: frozenset[str] = frozenset()
    manual_inputs: tuple[str, ...] = ()

    def heading(self) -> str:
        return f"{self.label}（{fmt2(self.max)}分）"

    def sheet_text_for(self, group: str | None = None) -> str:
        """The rule text printed in the score-sheet header (may differ per ranking group)."""
        if group is not None and group in self.sheet_text_by_group:
            return self.sheet_text_by_group[group]
        return self.sheet_text or self.rule_text


@dataclass(frozen=True, eq=False)
class AdjustmentDef:
    """Bonus or penalty of a score: sum of terms, capped at ``cap`` (its own cap)."""

    label: str
    cap: Decimal | None
    terms: tuple[TermDef, ...]
    rule_text: str = ""


@dataclass(frozen=True, eq=False)
class ScoreDef:
    """How a level's indicators combine: Σ + min(bonus, cap) − min(penalty, cap), clamped."""

    label: str
    min: Decimal | None = None
    max: Decimal | None = None
    bonus: AdjustmentDef | None = None
    penalty: AdjustmentDef | None = None
    rule_text: str = ""


@dataclass(frozen=True)
class CategoryDef:
    key: str
    label: str
    level: str
    max: Decimal
    heading: str  # e.g. 综合满意率（50分）
    print: str  # subtotal (one column, rule text under it) | indicators (a column per indicator)
    rule_text: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class GroupDef:
    key: str
    label: str
    kinds: tuple[str, ...]
    title: str = ""
    name_header: str = "单位名称"

    def title_for(self, year: int | str | None) -> str:
        return self.title.replace("{year}", "" if year is None else str(year))


@dataclass(frozen=True)
class VetoDef:
    key: str
    input: str
    label: str
    rule_text: str = ""
    total: Decimal = ZERO


@dataclass(frozen=True)
class TotalDef:
    combine: str  # annual | weighted | monthly_mean
    label: str = "总分"
    monthly_weight: Decimal | None = None
    annual_weight: Decimal | None = None


@dataclass(frozen=True, eq=False)
class Scheme:
    id: str
    title: str
    version: str
    source: str
    text: str  # the TOML text it was loaded from (frozen per year in the database)
    unit_kinds: tuple[str, ...]
    months_required: bool
    zero_volume: str | None  # "average" or None
    volume_input: str | None
    unranked_when_zero: str | None
    monthly_ranks: bool
    groups: tuple[GroupDef, ...]
    total: TotalDef
    monthly_score: ScoreDef | None
    annual_score: ScoreDef | None
    inputs: tuple[InputDef, ...]
    categories: tuple[CategoryDef, ...]
    indicators: tuple[IndicatorDef, ...]
    vetoes: tuple[VetoDef, ...]
    origin: str = ""
    format_version: int = FORMAT_VERSION
    topic: str = ""  # what the printed monthly / annual tables are about (e.g. 12345热线); default: title

    def __repr__(self) -> str:
        return f"Scheme({self.id!r}, version={self.version!r})"

    @cached_property
    def scale(self):
        """The scaled-integer number system of this scheme's figures (see :mod:`rules`);
        ``ValueError`` when its constants need too many decimals or its figures could overflow int64."""
        indicators, scores = self.indicators, (self.monthly_score, self.annual_score)
        adjustments = [a for s in scores if s is not None for a in (s.bonus, s.penalty) if a is not None]
        terms = [t for owner in (*indicators, *adjustments) for t in owner.terms]
        constants = [c for i in indicators for c in (i.max, i.start, *i.fixed_by_kind.values())]
        constants += [c for s in scores if s is not None for c in (s.min, s.max) if c is not None]
        constants += [a.cap for a in adjustments if a.cap is not None]
        for t in terms:
            constants += [t.params.get(k) for k in ("points", "cap", "target", "threshold")
                          if isinstance(t.params.get(k), Decimal)]
            constants += t.params.get("table", {}).values()
        return scale_for(constants, [t.params["points"] for t in terms if t.params.get("points") is not None])

    @cached_property
    def _by_key(self) -> dict[str, dict]:
        return {"input": {i.key: i for i in self.inputs}, "indicator": {i.key: i for i in self.indicators},
                "category": {c.key: c for c in self.categories}, "group": {g.key: g for g in self.groups},
                "kind": {k: g.key for g in self.groups for k in g.kinds}}

    def _lookup(table: str):  # noqa: N805 - builds the look-up methods below
        return lambda self, key: self._by_key[table][key]

    indicator, category, group, group_of_kind = map(_lookup, ("indicator", "category", "group", "kind"))

    def input(self, key: str) -> InputDef:
        try:
            return self._by_key["input"][key]
        except KeyError:
            raise KeyError(f"方案 {self.id} 没有数据项 {key}") from None

    def has_input(self, key: str) -> bool:
        return key in self._by_key["input"]

    def _of_level(items: str, level_field: str, level: str):  # noqa: N805 - builds the properties below
        return cached_property(lambda self: tuple(i for i in getattr(self, items) if getattr(i, level_field) == level))

    #: The inputs / indicators of one period, in file order.
    monthly_inputs, annual_inputs = map(partial(_of_level, "inputs", "period"), _PERIODS)
    monthly_indicators, annual_indicators = map(partial(_of_level, "indicators", "level"), _PERIODS)
    del _lookup, _of_level

    def categories_for(self, level: str) -> tuple[CategoryDef, ...]:
        return tuple(c for c in self.categories if c.level == level)

    @property
    def has_monthly_scores(self) -> bool:
        """Ganxian-style: a score per month, monthly ranks, total from the monthly mean."""
        return bool(self.monthly_indicators)

    @property
    def has_annual_basic(self) -> bool:
        """Whether the total combines the monthly mean with an annual basic score."""
        return self.total.combine == "weighted"

    def subtotals(self, indicators: Mapping[str, Decimal], level: str = "annual") -> dict[str, Decimal]:
        """Category subtotals of a set of indicator values (categories with a missing value omitted)."""
        return {c.key: sum((indicators[k] for k in c.indicators), ZERO) for c in self.categories_for(level)
                if all(indicators.get(k) is not None for k in c.indicators)}


# ---------------------------------------------------------------------------- loading


def list_builtin_schemes() -> list[str]:
    """Ids of the schemes shipped in ``data/schemes`` (sorted)."""
    return sorted(p.stem for p in builtin_schemes_dir().glob("*.toml"))


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a built-in scheme by id (``licheng-2020``) or a scheme file by path."""
    path, name = Path(name_or_path), str(name_or_path)
    if path.suffix.lower() != ".toml" or not path.exists():
        candidate = builtin_schemes_dir() / f"{name}.toml"
        if "/" not in name and "\\" not in name and candidate.exists():
            path = candidate
        elif not path.exists():
            known = "、".join(list_builtin_schemes())
            raise SchemeError(name, [SchemeProblem("", f"找不到考核方案：{name}（内置方案：{known}）")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(str(path), [SchemeProblem("", f"无法读取方案文件：{exc}")]) from None
    return load_scheme_text(text, source=str(path))


def load_scheme_text(text: str, source: str = "<text>", *, frozen: bool = False) -> Scheme:
    """Parse and validate a scheme from its TOML text; raises :class:`SchemeError`. ``frozen``:
    a definition frozen with a year before files carried ``format_version`` (read as version 1)."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(source, [SchemeProblem("", f"TOML 格式错误：{exc}")]) from None
    return _Builder(data, text, source, frozen).build()


# ---------------------------------------------------------------------------- validation


class _Reader:
    """Field readers: each checks one field of a TOML table, reports a problem at its path and
    returns the value (or the default). ``fields`` reads a whole table by a spec."""

    def __init__(self) -> None:
        self.problems: list[SchemeProblem] = []
        self.inputs: dict[str, InputDef] = {}  # the inputs read so far (see input_ref)

    def err(self, path: str, message: str, fallback=None):
        """Report a problem at ``path``; returns ``fallback``, what the field reads as instead."""
        self.problems.append(SchemeProblem(path, message))
        return fallback

    def fields(self, table: dict, path: str, spec: Mapping) -> dict:
        """``table`` read by ``spec`` (field -> reader, or ``None``: the caller reads it); any
        other field is reported unknown."""
        self.unknown_keys(table, spec, path)
        return {k: read(self, table, k, path) for k, read in spec.items() if read is not None}

    def unknown_keys(self, table: dict, allowed, path: str) -> None:
        for key in table:
            if key not in allowed:
                self.err(f"{path}{key}", "未知的字段")

    def given(self, table: dict, key: str, path: str, required: bool):
        """The field's value, ``None`` when left out (a problem when ``required``)."""
        value = table.get(key)
        if value is None and required:
            self.err(f"{path}{key}", "缺少必填项")
        return value

    def string(self, table: dict, key: str, path: str, *, required=True, default="", numbers=False) -> str:
        value = self.given(table, key, path, required)
        if value is None:
            return default
        if numbers and isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            return self.err(f"{path}{key}", "必须为非空字符串", default)
        problem = _text_problem(value)
        return self.err(f"{path}{key}", problem, default) if problem else value or default

    def key_of(self, table: dict, key: str, path: str) -> str:
        value = self.given(table, key, path, True)
        if value is None:
            return ""
        if not isinstance(value, str) or not _KEY_RE.match(value):
            return self.err(f"{path}{key}", f"必须由小写字母、数字和下划线组成：{value!r}", "")
        return value

    def number(self, table: dict, key: str, path: str, *, required=True, default=None, nonneg=True,
               positive=False) -> Decimal | None:
        value = self.given(table, key, path, required)
        if value is None:
            return default
        try:
            number = to_decimal(value)  # refuses booleans too
        except ValueError:
            return self.err(f"{path}{key}", f"必须为数字：{value!r}", default)
        problem = "必须为正数" if positive and number <= 0 else "必须为非负数" if nonneg and number < 0 else None
        return self.err(f"{path}{key}", problem, default) if problem else number

    def boolean(self, table: dict, key: str, path: str, *, default: bool) -> bool:
        value = table.get(key, default)
        return value if isinstance(value, bool) else self.err(f"{path}{key}", "必须为 true 或 false", default)

    def choice(self, table: dict, key: str, path: str, *, options, required=True, default=None):
        value = table.get(key)
        if value is not None and value in options:
            return value
        if value is not None or required:
            what = "缺少必填项" if value is None else f"未知的取值 {value!r}"
            self.err(f"{path}{key}", f"{what}（可选：{'、'.join(options)}）")
        return default

    def tables(self, value, path: str, problem: str, *, allow_empty=False, not_table="必须为表") -> list:
        """(path of each item, item) of an array of tables; ``problem``: it is not an array (or is empty)."""
        if not isinstance(value, list) or not (value or allow_empty):
            return self.err(path, problem, [])
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.err(f"{path}[{i}]", not_table)
        return [(f"{path}[{i}].", item) for i, item in enumerate(value) if isinstance(item, dict)]

    def section(self, data: dict, key: str, path: str = "") -> dict | None:
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            return self.err(f"{path}{key}", "必须为表")
        return value

    def members(self, value, path: str, problem: str, refused) -> list:
        """The items of a non-empty array (else ``problem``) that ``refused(item, accepted so far)``
        (a problem or ``None``) accepts."""
        if not isinstance(value, list) or not value:
            return self.err(path, problem, [])
        good: list = []
        for i, item in enumerate(value):
            why = refused(item, good)
            if why:
                self.err(f"{path}[{i}]", why)
            else:
                good.append(item)
        return good

    def keyed(self, t: dict, key: str, path: str, not_table: str, keys, not_key: str, read) -> dict:
        """A table ``k = value`` (else ``not_table``) whose every ``k`` is one of ``keys`` (else
        ``not_key``); ``read(table, k, path)`` reads each value (``None``: refused)."""
        table = t.get(key, {})
        if not isinstance(table, dict):
            return self.err(f"{path}{key}", not_table, {})
        out = {}
        for k in table:
            if k not in keys:
                self.err(f"{path}{key}.{k}", not_key)
            elif (v := read(table, k, f"{path}{key}.")) is not None:
                out[k] = v
        return out

    def input_ref(self, table: dict, key: str, path: str, *, kinds=None, period=None, level=None,
                  required=True) -> str | None:
        """The field if it names an input (of ``self.inputs``) usable here, else ``None`` (reported):
        of one of ``kinds``, of ``period``; read by a ``level`` indicator: monthly, or annual or
        summed over the year."""
        ref = table.get(key)
        inp = self.inputs.get(ref) if isinstance(ref, str) else None
        need = period or (level if level == "monthly" else None)
        if ref is None:
            problem = "缺少必填项" if required else None
        elif not isinstance(ref, str) or not ref:
            problem = "必须为数据项的键"
        elif inp is None:
            problem = f"引用了不存在的数据项 {ref!r}"
        elif kinds is not None and inp.kind not in kinds:
            problem = f"数据项 {ref!r} 的类型为 {inp.kind}，此处需要 {'、'.join(kinds)}"
        elif need is not None and inp.period != need:
            problem = f"数据项 {ref!r} 必须为{'月度' if need == 'monthly' else '年度'}数据项"
        elif level == "annual" and inp.period == "monthly" and not inp.aggregate:
            problem = f"月度数据项 {ref!r} 没有定义全年汇总方式（aggregate），不能用于年度指标"
        else:
            return ref
        return self.err(f"{path}{key}", problem) if problem else None

    def unique(self, seen: set, key: str, path: str, what: str) -> None:
        if key and key in seen:
            self.err(f"{path}key", f"重复的{what} {key!r}")
        seen.add(key)


def _text_problem(text: str) -> str | None:
    """Why a scheme's text (a title, label or rule, shown on screen and printed) is refused, or None."""
    if len(text) > MAX_TEXT:
        return f"过长（{len(text):,} 个字符，最多 {MAX_TEXT} 个）"
    return control_problem(text)


_TEXT = _Reader.string
_OPTIONAL = partial(_Reader.string, required=False)
_KEY = _Reader.key_of
_LEVEL = partial(_Reader.choice, options=_PERIODS)
_OPTIONAL_NUMBER = partial(_Reader.number, required=False)
#: The fields of each table of a scheme file and how each is read (``None``: by its section).
_TOP = {
    "format_version": None, "id": _TEXT, "title": _TEXT, "topic": _OPTIONAL,
    "version": partial(_Reader.string, numbers=True), "source": _OPTIONAL,
    **dict.fromkeys(("unit_kinds", "period", "ranking", "total", "monthly_score", "annual_score", "inputs",
                     "categories", "indicators", "vetoes")),
}
_PERIOD = {"months_required": partial(_Reader.boolean, default=False),
           "zero_volume": partial(_Reader.choice, options=("average",), required=False), "volume_input": None}
_RANKING = {"groups": None, "monthly_ranks": partial(_Reader.boolean, default=False),
            "unranked_when_zero": partial(_Reader.input_ref, kinds=("count",), level="annual", required=False)}
_GROUP = {"key": _KEY, "label": _TEXT, "kinds": None, "title": _OPTIONAL,
          "name_header": partial(_Reader.string, required=False, default="单位名称")}
_INPUT = {
    "key": _KEY, "label": _TEXT, "kind": partial(_Reader.choice, options=tuple(_KIND_LABELS)), "period": _LEVEL,
    "unit": _OPTIONAL, "notes": _OPTIONAL,
    "aggregate": partial(_Reader.choice, options=("sum", "weighted_mean"), required=False),
    **dict.fromkeys(("min", "max", "choices", "default", "default_from", "required", "required_when_positive",
                     "weight")),
}
_CATEGORY = {
    "key": _KEY, "label": _TEXT, "level": _LEVEL, "max": _OPTIONAL_NUMBER,
    "heading": partial(_Reader.string, required=False, default="{label}（{max}分）"),
    "print": partial(_Reader.choice, options=("subtotal", "indicators"), required=False, default="subtotal"),
    "rule_text": _OPTIONAL,
}
_INDICATOR = {
    "key": _KEY, "label": _TEXT, "category": _TEXT, "level": _LEVEL, "max": _Reader.number, "rule_text": _OPTIONAL,
    "sheet_text": _OPTIONAL, **dict.fromkeys(("start", "terms", "sheet_text_by_group", "full_when_zero", "fixed_by_kind")),
}
_SCORE = {"label": partial(_Reader.string, required=False, default="得分"), "min": _OPTIONAL_NUMBER,
          "max": _OPTIONAL_NUMBER, "bonus": None, "penalty": None, "rule_text": _OPTIONAL}
_ADJUSTMENT = {"label": None, "cap": _OPTIONAL_NUMBER, "terms": None, "rule_text": _OPTIONAL}
_TOTAL = {"combine": partial(_Reader.choice, options=("annual", "weighted", "monthly_mean"), default="annual"),
          "label": partial(_Reader.string, required=False, default="总分"), "monthly_weight": None,
          "annual_weight": None}
_VETO = {"key": _KEY, "label": _TEXT, "rule_text": _OPTIONAL, "total": partial(_Reader.number, required=False, default=ZERO),
         "input": partial(_Reader.input_ref, kinds=("boolean",), period="annual")}


class _Builder(_Reader):
    """One scheme file's data, validated section by section into a :class:`Scheme`."""

    def __init__(self, data: dict, text: str, source: str, frozen: bool):
        super().__init__()
        self.data, self.text, self.source, self.frozen = data, text, source, frozen

    def build(self) -> Scheme:
        head = self.build_header()
        self.unit_kinds = tuple(self.members(
            self.data.get("unit_kinds", list(UNIT_KINDS)), "unit_kinds", "必须为非空数组",
            lambda k, good: f"未知的单位类型 {k!r}（可选：{'、'.join(UNIT_KINDS)}）" if k not in UNIT_KINDS
            else f"重复的单位类型 {k!r}" if k in good else None))
        inputs = self.build_inputs()
        period, ranking = self.build_period(), self.build_ranking()
        categories_raw = list(self.rows("categories", _CATEGORY, "类别"))
        indicators = self.build_indicators({f["key"]: f for _, _, f in categories_raw})
        inputs = self.bound_manual_inputs(inputs)
        has_monthly = any(i.level == "monthly" for i in indicators)
        has_annual = any(i.level == "annual" for i in indicators)
        scores = self.build_scores(has_monthly, has_annual)
        total = self.build_total(has_monthly, has_annual)
        for path, on, what in (("period.months_required", period["months_required"], "要求逐月数据"),
                               ("period.zero_volume", period["zero_volume"], "按平均分处理无工单月份"),
                               ("ranking.monthly_ranks", ranking["monthly_ranks"], "有月度排名")):
            if on and not has_monthly:
                self.err(path, f"方案没有月度指标时不能{what}")
        vetoes = self.build_vetoes()
        categories = self.finish_categories(categories_raw, indicators, total)
        if self.problems:
            raise SchemeError(self.source, self.problems)
        scheme = Scheme(
            **head, text=self.text, unit_kinds=self.unit_kinds, **period, **ranking, total=total,
            monthly_score=scores[0], annual_score=scores[1], inputs=inputs, categories=categories,
            indicators=indicators, vetoes=vetoes, origin=self.source,
        )
        try:
            scheme.scale  # noqa: B018 - a scheme whose figures cannot be scaled is refused here
        except ValueError as exc:
            raise SchemeError(self.source, [SchemeProblem("indicators", str(exc))]) from None
        return scheme

    def build_header(self) -> dict:
        head = self.fields(self.data, "", _TOP)
        version = self.data.get("format_version")
        if version is None and not self.frozen:
            self.err("format_version", f"缺少必填项（方案文件格式版本，目前为 {FORMAT_VERSION}）")
        elif version is not None and version != FORMAT_VERSION:
            self.err("format_version", f"不支持的方案文件格式版本 {version!r}（本程序读取版本 {FORMAT_VERSION}）")
        if head["id"] and not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", head["id"]):
            self.err("id", f"只能包含字母、数字、-、_ 和 .：{head['id']!r}")
        return head

    def build_period(self) -> dict:
        t = self.section(self.data, "period") or {}
        f = self.fields(t, "period.", _PERIOD)
        f["volume_input"] = None  # read only for zero_volume
        if f["zero_volume"]:
            f["volume_input"] = self.input_ref(t, "volume_input", "period.", kinds=("count",), period="monthly")
        return f

    def build_ranking(self) -> dict:
        t = self.section(self.data, "ranking") or {}
        f = self.fields(t, "ranking.", _RANKING)
        f["groups"] = self.build_groups(t.get("groups"))
        self.group_keys = {g.key for g in f["groups"]}
        return f

    def build_groups(self, raw) -> tuple[GroupDef, ...]:
        entries = self.tables(raw, "ranking.groups", "至少需要一个排名组")
        if not isinstance(raw, list) or not raw:
            return ()
        groups, seen = [], set()
        covered: dict[str, str] = {}  # unit kind -> its group
        for path, t in entries:
            f = self.fields(t, path, _GROUP)
            self.unique(seen, f["key"], path, "排名组")
            kinds = self.members(t.get("kinds"), f"{path}kinds", "必须为非空的单位类型数组", lambda k, good, g=f["key"]: (
                f"不是本方案的单位类型：{k!r}" if k not in self.unit_kinds
                else f"单位类型 {k!r} 已属于排名组 {covered.get(k, g)!r}" if k in covered or k in good
                else None))
            covered.update(dict.fromkeys(kinds, f["key"]))
            groups.append(GroupDef(**f, kinds=tuple(kinds)))
        for k in self.unit_kinds:
            if k not in covered:
                self.err("ranking.groups", f"单位类型 {k!r} 不属于任何排名组")
        return tuple(groups)

    # -- inputs ------------------------------------------------------------------------------

    def build_inputs(self) -> tuple[InputDef, ...]:
        raw_defs: list[tuple[str, dict, InputDef]] = []
        for path, t, f in self.rows("inputs", _INPUT, "数据项"):
            self.input_kind_fields(t, path, f)
            aggregate = f["aggregate"]
            for wrong, problem in ((f["period"] != "monthly", "只有月度数据项可以汇总为全年数据"),
                                   (aggregate == "sum" and f["kind"] != "count", "只有数量类数据项可以按 sum 汇总"),
                                   (aggregate == "weighted_mean" and f["kind"] != "rate",
                                    "只有比率类数据项可以按 weighted_mean 汇总")):
                if aggregate and wrong:
                    self.err(f"{path}aggregate", problem)
            raw_defs.append((path, t, InputDef(**f)))
        if not raw_defs:
            self.err("inputs", "至少需要一个数据项")
        self.inputs = {inp.key: inp for _, _, inp in raw_defs}
        return tuple(self.link_input(path, t, inp) for path, t, inp in raw_defs)

    def input_kind_fields(self, t: dict, path: str, f: dict) -> None:
        """The fields that depend on an input's kind: bounds, ``required``, choices and default."""
        kind = f["kind"]
        if kind == "manual":
            f["min"] = self.number(t, "min", path, required=False, default=ZERO)
            f["max"] = self.number(t, "max", path, required=False)
            if f["max"] is not None and f["min"] is not None and f["max"] < f["min"]:
                self.err(f"{path}max", "不能小于 min")
            f["required"] = self.boolean(t, "required", path, default=True)
        elif kind == "rate":
            f.update(required=self.boolean(t, "required", path, default=False), min=ZERO, max=HUNDRED)
        else:
            for k in ("min", "max", "required", "required_when_positive"):
                if k in t:
                    self.err(f"{path}{k}", f"{kind} 类型的数据项不能设置此字段")
        if kind in ("count", "boolean"):
            f["default"] = 0 if kind == "count" else False
        elif kind == "choice":
            choices = f["choices"] = self.build_choices(t, path)
            default = f["default"] = t.get("default")
            if default is None:
                self.err(f"{path}default", "选项类数据项必须指定默认选项（未填时取值）")
            elif default not in [c.value for c in choices]:
                self.err(f"{path}default", f"默认选项 {default!r} 不在 choices 中")
        for k in ("default", "choices"):
            if k in t and kind != "choice":
                self.err(f"{path}{k}", f"只有选项类数据项可以设置 {k}")

    def link_input(self, path: str, t: dict, inp: InputDef) -> InputDef:
        """default_from / required_when_positive / weight: another input of the same period."""
        links = {}
        for ref_field, kinds in (("default_from", (inp.kind,) if inp.kind else None),
                                 ("required_when_positive", ("count",)), ("weight", ("count",))):
            ref = t.get(ref_field)
            if ref is not None and ref == inp.key:
                self.err(f"{path}{ref_field}", "不能引用自身")
            elif self.input_ref(t, ref_field, path, kinds=kinds, period=inp.period, required=False):
                links[ref_field] = ref
        if inp.aggregate == "weighted_mean" and not links.get("weight"):
            self.err(f"{path}weight", "按 weighted_mean 汇总时必须指定权重数据项（weight）")
        if links.get("weight") and inp.aggregate != "weighted_mean":
            self.err(f"{path}weight", "只有按 weighted_mean 汇总时才能指定 weight")
        return replace(inp, **links)

    def build_choices(self, t: dict, path: str) -> tuple[Choice, ...]:
        out: list[Choice] = []
        for p, c in self.tables(t.get("choices"), f"{path}choices", "必须为非空数组", not_table="必须为表（value、label）"):
            value = c.get("value")
            if not isinstance(value, str) or not value:
                self.err(f"{p}value", "必须为非空字符串")
            elif any(o.value == value for o in out):
                self.err(f"{p}value", f"重复的选项 {value!r}")
            else:
                out.append(Choice(value, self.string(c, "label", p)))
        return tuple(out)

    def bound_manual_inputs(self, inputs: tuple[InputDef, ...]) -> tuple[InputDef, ...]:
        """Manual inputs take their bounds from the indicator that scores them."""
        out = []
        for inp in inputs:
            most = self.manual[inp.key][0] if inp.key in self.manual else None
            if inp.kind == "manual" and most is None and inp.max is None:
                self.err("inputs", f"评分类数据项 {inp.key!r} 没有被任何指标使用，必须自行指定 max")
            elif inp.kind == "manual" and most is not None and inp.max is not None and inp.max > most:
                self.err("inputs", f"评分类数据项 {inp.key!r} 的上限 {fmt2(inp.max)} 超过了指标满分")
            out.append(replace(inp, max=most) if inp.kind == "manual" and inp.max is None and most is not None else inp)
        return tuple(out)

    # -- categories and indicators -----------------------------------------------------------

    def rows(self, key: str, spec: Mapping, what: str) -> Iterator[tuple[str, dict, dict]]:
        """(path, table, fields read by ``spec``) of each table of the array ``key``, read as iterated;
        the keys of ``what`` (its name in a message) must be unique."""
        seen: set[str] = set()
        for path, t in self.tables(self.data.get(key, []), key, "必须为表数组（[[...]]）", allow_empty=True):
            f = self.fields(t, path, spec)
            self.unique(seen, f["key"], path, what)
            yield path, t, f

    def finish_categories(self, raw, indicators, total: TotalDef) -> tuple[CategoryDef, ...]:
        out = []
        for path, _t, f in raw:
            members = tuple(i.key for i in indicators if i.category == f["key"])
            if not members:
                self.err(f"{path}key", f"类别 {f['key']!r} 没有任何指标")
            most = sum((i.max for i in indicators if i.category == f["key"]), ZERO)
            if f["max"] is not None and f["max"] != most:
                self.err(f"{path}max", f"与所含指标满分之和 {fmt2(most)} 不一致：{fmt2(f['max'])}")
            heading = f["heading"].replace("{label}", f["label"]).replace("{max}", fmt2(most))
            if "{weight}" in heading:
                weight = getattr(total, f"{f['level']}_weight", None)
                if weight is None:
                    self.err(f"{path}heading", "{weight} 只能用于按权重合成总分（combine = \"weighted\"）的方案")
                else:
                    heading = heading.replace("{weight}", f"{fmt2(weight * 100)}%")
            out.append(CategoryDef(**{**f, "max": most, "heading": heading}, indicators=members))
        return tuple(out)

    def build_indicators(self, categories: dict[str, dict]) -> tuple[IndicatorDef, ...]:
        entries = self.tables(self.data.get("indicators", []), "indicators", "必须为表数组（[[...]]）", allow_empty=True)
        if not entries:
            self.err("indicators", "至少需要一个指标")
        out = []
        seen: dict[str | None, set] = {}  # level -> indicator keys
        self.manual: dict[str, tuple[Decimal, str]] = {}  # manual input -> (max of its indicator, indicator path)
        for path, t in entries:
            n_before = len(self.problems)
            f = self.fields(t, path, _INDICATOR)
            level, mx, category = f["level"], f["max"], f["category"]
            self.unique(seen.setdefault(level, set()), f["key"], path, "指标")
            if category and category not in categories:
                self.err(f"{path}category", f"引用了不存在的类别 {category!r}")
            elif category and level and categories[category]["level"] != level:
                self.err(f"{path}category", f"类别 {category!r} 的层级与本指标不同")
            f["start"] = self.indicator_start(t, path, mx)
            terms = f["terms"] = self.build_terms(t.get("terms"), f"{path}terms", level or "annual")
            fwz = f["full_when_zero"] = self.input_ref(t, "full_when_zero", path, kinds=("count",), level=level,
                                                       required=False)
            over = lambda v, mx=mx: "不能大于 max" if mx is not None and v > mx else None  # noqa: E731
            f["fixed_by_kind"] = MappingProxyType(
                self.kind_table(t, "fixed_by_kind", path, "必须为表（单位类型 = 分值）", check=over))
            f["sheet_text_by_group"] = MappingProxyType(self.keyed(
                t, "sheet_text_by_group", path, "必须为表（排名组 = 文字）", self.group_keys, "不是本方案的排名组",
                lambda table, g, p: self.err(f"{p}{g}", "必须为字符串") if not isinstance(table[g], str)
                else self.err(f"{p}{g}", problem) if (problem := _text_problem(table[g])) else table[g]))
            scored = tuple(term.input for term in terms if term.type == "manual")
            for m in scored:
                if m in self.manual:
                    self.err(f"{path}terms", f"评分类数据项 {m!r} 已被 {self.manual[m][1]} 使用")
                self.manual[m] = (mx if mx is not None else ZERO, path[:-1])
            if len(self.problems) == n_before:
                out.append(IndicatorDef(**f, inputs=frozenset({term.input for term in terms} | {fwz} - {None}),
                                        manual_inputs=scored))
        return tuple(out)

    def indicator_start(self, t: dict, path: str, mx: Decimal | None) -> Decimal | None:
        if t.get("start", 0) == "max":
            return mx if mx is not None else ZERO
        start = self.number(t, "start", path, required=False, default=ZERO)
        if start is not None and mx is not None and start > mx:
            self.err(f"{path}start", "不能大于 max")
        return start

    def kind_table(self, t: dict, key: str, p: str, not_table: str, *, check=None, **number) -> dict[str, Decimal]:
        """A table ``unit kind = number`` (of this scheme's kinds); ``check(v)`` returns a problem or None."""
        def read(table: dict, k: str, path: str) -> Decimal | None:
            v = self.number(table, k, path, **number)
            problem = check(v) if check and v is not None else None
            return self.err(f"{path}{k}", problem) if problem else v

        return self.keyed(t, key, p, not_table, self.unit_kinds, "不是本方案的单位类型", read)

    # -- terms: a type, the input it reads and its parameters --------------------------------

    def build_terms(self, raw, path: str, level: str, *, adjustment=False) -> tuple[TermDef, ...]:
        terms = (self.build_term(t, p, level, adjustment) for p, t in self.tables(raw, path, "必须为非空的规则项数组"))
        return tuple(t for t in terms if t is not None)

    def build_term(self, t: dict, p: str, level: str, adjustment: bool) -> TermDef | None:
        n_before = len(self.problems)
        type_ = self.choice(t, "type", p, options=TERM_TYPES)
        kinds, fields = _TERMS.get(type_, (None, ()))
        key = self.input_ref(t, "input", p, kinds=kinds, level=level)
        params: dict[str, object] = {}
        if "add" in fields:
            params["points"] = self.term_points(t, p, adjustment)
        if type_ in ("shortfall", "excess"):
            name = "target" if type_ == "shortfall" else "threshold"
            params[name] = self.number(t, name, p, required=type_ == "excess", default=HUNDRED if name == "target" else None)
            if params[name] is not None and params[name] > HUNDRED:
                self.err(f"{p}{name}", "必须在 0 到 100 之间")
        elif type_ == "choice":
            params["table"] = self.choice_points(t, p, self.inputs.get(key))
        elif type_ == "floor":
            params["per"] = self.floor_per(t, p)
        elif type_ == "share":
            if level != "annual" or adjustment:
                self.err(f"{p}type", "share（占比）只能用于年度指标")
            params["scope"] = self.choice(t, "scope", p, options=("group", "all"), required=False, default="group")
            params["min_by_kind"] = self.kind_table(t, "min_by_kind", p, "必须为表（单位类型 = 最少数量）")
        elif type_ == "manual" and adjustment:
            self.err(f"{p}type", "加分 / 减分项不能使用 manual")
        params["cap"] = self.number(t, "cap", p, required=False)
        self.unknown_keys(t, {"type", "input", "cap", *fields}, p)
        if len(self.problems) > n_before or type_ is None or key is None:
            return None
        if type_ == "choice":
            params["options"] = tuple(c.value for c in self.inputs[key].choices)
        return TermDef(type=type_, input=key, params=MappingProxyType(params))

    def term_points(self, t: dict, p: str, adjustment: bool) -> Decimal | None:
        """Points per unit: ``deduct`` (negative) or ``add``, exactly one of them."""
        if ("deduct" in t) == ("add" in t):
            return self.err(f"{p}deduct", "必须且只能指定 deduct（每单位扣分）或 add（每单位加分）之一")
        if "add" in t:
            return self.number(t, "add", p)
        if adjustment:
            self.err(f"{p}deduct", "加分 / 减分项中的规则只能用 add（减分项的 add 为减去的分值）")
        d = self.number(t, "deduct", p)
        return -d if d is not None else None

    def choice_points(self, t: dict, p: str, inp: InputDef | None) -> dict[str, Decimal]:
        """The points of each option of a choice input: every option, no other."""
        if not isinstance(t.get("points"), dict):
            return self.err(f"{p}points", "必须为表（选项 = 分值）", {})
        if inp is None:
            return {}
        values = [c.value for c in inp.choices]
        for v in values:
            if v not in t["points"]:
                self.err(f"{p}points", f"缺少选项 {v!r} 的分值")
        return self.keyed(t, "points", p, "", values, "不是该数据项的选项", partial(self.number, nonneg=False))

    def floor_per(self, t: dict, p: str):
        """The base of a floor term: one positive integer, or one per unit kind."""
        per = t.get("per")
        whole = lambda v: None if v == v.to_integral_value() else "必须为正整数"  # noqa: E731
        if not isinstance(per, dict):
            v = self.number(t, "per", p, positive=True)
            return self.err(f"{p}per", whole(v)) if v is not None and whole(v) else v
        for k in self.unit_kinds:
            if k not in per:
                self.err(f"{p}per", f"缺少单位类型 {k!r} 的基数")
        return {k: int(v) for k, v in self.kind_table(t, "per", p, "", check=whole, positive=True).items()}

    # -- how a level's score and the total combine, vetoes ------------------------------------

    def build_scores(self, has_monthly: bool, has_annual: bool) -> tuple[ScoreDef | None, ScoreDef | None]:
        monthly_score = self.build_score("monthly_score", "monthly")
        annual_score = self.build_score("annual_score", "annual")
        if not has_monthly and monthly_score is not None:
            self.err("monthly_score", "方案没有月度指标，不能定义月度得分")
        return (monthly_score or (ScoreDef(label="月度得分") if has_monthly else None),
                annual_score or (ScoreDef(label="年度得分") if has_annual else None))

    def build_score(self, name: str, level: str) -> ScoreDef | None:
        t = self.section(self.data, name)
        if t is None:
            return None
        p = f"{name}."
        f = self.fields(t, p, _SCORE)
        if f["min"] is not None and f["max"] is not None and f["max"] < f["min"]:
            self.err(f"{p}max", "不能小于 min")
        for adjustment, label in (("bonus", "加分"), ("penalty", "减分")):
            a = self.section(t, adjustment, p)
            if a is not None:
                ap = f"{p}{adjustment}."
                f[adjustment] = AdjustmentDef(**self.fields(a, ap, _ADJUSTMENT),
                                              label=self.string(a, "label", ap, required=False, default=label),
                                              terms=self.build_terms(a.get("terms"), f"{ap}terms", level, adjustment=True))
        return ScoreDef(**f)

    def build_total(self, has_monthly: bool, has_annual: bool) -> TotalDef:
        t = self.section(self.data, "total")
        if t is None:
            self.err("total", "缺少必填项")
            return TotalDef(combine="annual")
        f = self.fields(t, "total.", _TOTAL)
        combine = f["combine"]
        if combine == "weighted":
            mw = f["monthly_weight"] = self.number(t, "monthly_weight", "total.")
            aw = f["annual_weight"] = self.number(t, "annual_weight", "total.")
            if mw is not None and aw is not None and mw + aw != 1:
                self.err("total.annual_weight", f"monthly_weight 与 annual_weight 之和必须为 1：{fmt2(mw)} + {fmt2(aw)}")
        for k in ("monthly_weight", "annual_weight"):
            if k in t and combine != "weighted":
                self.err(f"total.{k}", "只有 combine = \"weighted\" 时才能设置权重")
        for wrong, problem in (
            (combine == "weighted" and not (has_monthly and has_annual), "weighted 需要同时有月度指标和年度指标"),
            (combine == "annual" and has_monthly, "有月度指标的方案不能用 annual 合成总分（用 weighted 或 monthly_mean）"),
            (combine == "annual" and not has_annual, "annual 需要年度指标"),
            (combine == "monthly_mean" and not has_monthly, "monthly_mean 需要月度指标"),
        ):
            if wrong:
                self.err("total.combine", problem)
        return TotalDef(**f)

    def build_vetoes(self) -> tuple[VetoDef, ...]:
        return tuple(VetoDef(**f) for _, _, f in self.rows("vetoes", _VETO, "否决项"))
