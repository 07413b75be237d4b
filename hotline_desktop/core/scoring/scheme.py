"""Scheme definitions: loaded from TOML, validated (every error with its path), compiled.

A scheme names its inputs, its indicators (each a clamp of ``start`` + a sum of rule terms,
see :mod:`rules`), the category subtotals of the printed tables, the ranking groups, the
monthly and annual score (sum of indicators, separately capped bonus / penalty, clamp), the
vetoes and how the total combines. No code and no ``eval``: only the fixed term types exist.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from hotline_desktop.core.scoring.errors import InputValueError, SchemeError, SchemeProblem
from hotline_desktop.core.scoring.numbers import HUNDRED, ZERO, NumberOutOfBounds, fmt2, to_decimal
from hotline_desktop.core.scoring.scale import COUNT_LIMIT, RATE_DECIMALS, TERM_TYPES, scale_for
from hotline_desktop.core.text import clip

COUNT_DIGITS = 9  # a count (办件量 …) has at most this many digits (issue 7.2)
MAX_COUNT = 10**COUNT_DIGITS  # = the columnar engine's COUNT_LIMIT: what is stored valid can be scored
MAX_RATE_DECIMALS = 6  # rates and scores: digits after the point (= the engine's RATE_DECIMALS)
assert MAX_COUNT == COUNT_LIMIT and MAX_RATE_DECIMALS == RATE_DECIMALS

__all__ = [
    "UNIT_KINDS",
    "UNIT_KIND_LABELS",
    "INPUT_KINDS",
    "Choice",
    "InputDef",
    "TermDef",
    "IndicatorDef",
    "AdjustmentDef",
    "ScoreDef",
    "CategoryDef",
    "GroupDef",
    "VetoDef",
    "TotalDef",
    "Scheme",
    "load_scheme",
    "load_scheme_text",
    "list_builtin_schemes",
    "builtin_schemes_dir",
]

#: The scheme file format this code reads (``format_version`` in every scheme file).
FORMAT_VERSION = 1

UNIT_KINDS = ("community", "department", "town")
UNIT_KIND_LABELS = MappingProxyType(
    {"community": "社区", "department": "科室·职能部门", "town": "乡镇·街道"}
)
INPUT_KINDS = ("rate", "count", "boolean", "manual", "choice")
_PERIODS = ("monthly", "annual")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_INPUT_KEYS = {
    "key", "label", "kind", "period", "unit", "min", "max", "choices", "default", "default_from",
    "required", "required_when_positive", "aggregate", "weight", "notes",
}
_TERM_INPUTS = {
    "shortfall": ("rate",), "excess": ("rate",), "count": ("count",), "flag": ("boolean",),
    "choice": ("choice",), "manual": ("manual",), "floor": ("count",), "share": ("count",),
}
_POINTS_TERMS = frozenset({"shortfall", "excess", "count", "flag", "floor", "share"})
_INDICATOR_KEYS = {
    "key", "label", "category", "level", "max", "start", "terms", "rule_text", "sheet_text",
    "sheet_text_by_group", "full_when_zero", "fixed_by_kind",
}
_TOP_KEYS = {
    "format_version", "id", "title", "topic", "version", "source", "unit_kinds", "period", "ranking",
    "total", "monthly_score", "annual_score", "inputs", "categories", "indicators", "vetoes",
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
        return {"rate": "比率", "count": "数量", "boolean": "是/否", "manual": "评分", "choice": "选项"}[
            self.kind
        ]

    def parse(self, raw: object) -> object:
        """Typed value of one cell, or ``None`` for an empty cell.

        Raises :class:`InputValueError` (a ``ValueError``) with a Chinese message naming the
        problem and the value, e.g. ``满意率必须在 0 到 100 之间：105``.
        """
        kind = self.kind
        t = type(raw)
        if t is int and kind == "count" and 0 <= raw < MAX_COUNT:
            return raw
        if t is Decimal and kind == "rate" and raw.is_finite() and 0 <= raw <= 100:
            return raw
        if raw is None:
            return None
        if t is str:
            # the same text always parses to the same value: remember it (cells repeat a lot)
            cache = self.text_cache()
            value = cache.get(raw)
            if value is not None:
                return value
            value = self._parse(raw, kind, t)
            if value is not None:
                if len(cache) >= 4096:
                    cache.clear()
                cache[raw] = value
            return value
        return self._parse(raw, kind, t)

    def text_cache(self) -> dict[str, object]:
        """Cell text -> value already returned by :meth:`parse` (never a rejected text)."""
        cache = self.__dict__.get("_texts")
        if cache is None:
            cache = self.__dict__["_texts"] = {}
        return cache

    def _parse(self, raw: object, kind: str, t: type) -> object:
        if t is str and not raw.strip():
            return None
        if kind == "boolean":
            return self._parse_bool(raw)
        if kind == "choice":
            return self._parse_choice(raw)
        text = raw
        if kind == "rate" and isinstance(raw, str):
            text = raw.strip().rstrip("%％").strip()
        try:
            value = to_decimal(text)
        except NumberOutOfBounds as e:
            raise InputValueError(self.key, raw, f"{self.label}{e.reason}：{_show(raw)}") from None
        except ValueError:
            what = "整数" if kind == "count" else "数字"
            raise InputValueError(self.key, raw, f"{self.label}必须是{what}：{_show(raw)}") from None
        if kind == "count":
            if value != value.to_integral_value():
                raise InputValueError(self.key, raw, f"{self.label}必须是整数：{_show(raw)}")
            if value < 0:
                raise InputValueError(self.key, raw, f"{self.label}不能为负数：{_show(raw)}")
            if value >= MAX_COUNT:
                raise InputValueError(self.key, raw, f"{self.label}过大（最多 {COUNT_DIGITS} 位数字）：{_show(raw)}")
            return int(value)
        if value.as_tuple().exponent < -MAX_RATE_DECIMALS and value != round(value, MAX_RATE_DECIMALS):
            raise InputValueError(
                self.key, raw, f"{self.label}最多 {MAX_RATE_DECIMALS} 位小数：{_show(raw)}"
            )
        if kind == "rate":
            if value < 0 or value > HUNDRED:
                raise InputValueError(self.key, raw, f"{self.label}必须在 0 到 100 之间：{_show(raw)}")
            return value
        low = self.min if self.min is not None else ZERO
        high = self.max
        if value < low or (high is not None and value > high):
            raise InputValueError(
                self.key,
                raw,
                f"{self.label}必须在 {fmt2(low)} 到 {fmt2(high)} 之间：{_show(raw)}",
            )
        return value

    def _parse_bool(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | Decimal | float) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str):
            text = raw.strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
        raise InputValueError(
            self.key, raw, f"{self.label}应填 是/否（true/false、1/0、有/无、√/×）：{_show(raw)}"
        )

    def _parse_choice(self, raw: object) -> str:
        if isinstance(raw, str):
            text = raw.strip()
            for choice in self.choices:
                if text.lower() == choice.value.lower() or text == choice.label:
                    return choice.value
        options = "、".join(f"{c.value}（{c.label}）" for c in self.choices)
        raise InputValueError(self.key, raw, f"{self.label}必须是以下之一：{options}：{_show(raw)}")

    def format(self, value: object) -> str:
        """Display text of a parsed value (empty for ``None``)."""
        if value is None:
            return ""
        if self.kind == "boolean":
            return "是" if value else "否"
        if self.kind == "choice":
            for choice in self.choices:
                if choice.value == value:
                    return choice.label
            return str(value)
        if isinstance(value, Decimal):
            text = f"{value:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text
        return str(value)


def _show(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return clip(raw.strip() if isinstance(raw, str) and len(raw) < 1000 else raw)


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
    uses_share: bool = False

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

    def clamp(self, value: Decimal) -> Decimal:
        if self.min is not None and value < self.min:
            return self.min
        if self.max is not None and value > self.max:
            return self.max
        return value


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

    def __post_init__(self) -> None:
        d = self.__dict__
        d["_inputs"] = {i.key: (i) for i in self.inputs}
        d["_monthly_inputs"] = {i.key: i for i in self.inputs if i.period == "monthly"}
        d["_annual_inputs"] = {i.key: i for i in self.inputs if i.period == "annual"}
        d["_indicators"] = {i.key: i for i in self.indicators}
        d["_categories"] = {c.key: c for c in self.categories}
        d["_groups"] = {g.key: g for g in self.groups}
        d["_group_of_kind"] = {k: g.key for g in self.groups for k in g.kinds}
        d["_scale"] = None

    @property
    def scale(self):
        """The scaled-integer number system of this scheme's figures (see :mod:`rules`)."""
        ns = self.__dict__["_scale"]
        if ns is None:
            ns = self.__dict__["_scale"] = _scale(self.indicators, (self.monthly_score, self.annual_score))
        return ns

    def __repr__(self) -> str:
        return f"Scheme({self.id!r}, version={self.version!r})"

    # -- look-ups -------------------------------------------------------------------------

    def input(self, key: str) -> InputDef:
        try:
            return self.__dict__["_inputs"][key]
        except KeyError:
            raise KeyError(f"方案 {self.id} 没有数据项 {key}") from None

    def has_input(self, key: str) -> bool:
        return key in self.__dict__["_inputs"]

    def indicator(self, key: str) -> IndicatorDef:
        return self.__dict__["_indicators"][key]

    def category(self, key: str) -> CategoryDef:
        return self.__dict__["_categories"][key]

    def group(self, key: str) -> GroupDef:
        return self.__dict__["_groups"][key]

    def group_of_kind(self, kind: str) -> str:
        return self.__dict__["_group_of_kind"][kind]

    @property
    def monthly_inputs(self) -> tuple[InputDef, ...]:
        return tuple(self.__dict__["_monthly_inputs"].values())

    @property
    def annual_inputs(self) -> tuple[InputDef, ...]:
        return tuple(self.__dict__["_annual_inputs"].values())

    @property
    def monthly_indicators(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for i in self.indicators if i.level == "monthly")

    @property
    def annual_indicators(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for i in self.indicators if i.level == "annual")

    def categories_for(self, level: str) -> tuple[CategoryDef, ...]:
        return tuple(c for c in self.categories if c.level == level)

    @property
    def has_monthly_scores(self) -> bool:
        """Ganxian-style: a score per month, monthly ranks, total from the monthly mean."""
        return any(i.level == "monthly" for i in self.indicators)

    @property
    def has_annual_basic(self) -> bool:
        """Whether the total combines the monthly mean with an annual basic score."""
        return self.total.combine == "weighted"

    def subtotals(self, indicators: Mapping[str, Decimal], level: str = "annual") -> dict[str, Decimal]:
        """Category subtotals of a set of indicator values (categories with a missing value omitted)."""
        out: dict[str, Decimal] = {}
        for cat in self.categories:
            if cat.level != level:
                continue
            total = ZERO
            for key in cat.indicators:
                value = indicators.get(key)
                if value is None:
                    break
                total += value
            else:
                out[cat.key] = total
        return out


def _scale(indicators, scores):
    """The number system of a scheme's figures; ``ValueError`` when its constants need too many
    decimals or its figures could overflow int64."""
    constants: list[Decimal] = []
    weights: list[Decimal] = []

    def terms(ts):
        for t in ts:
            for name in ("points", "cap", "target", "threshold"):
                v = t.params.get(name)
                if isinstance(v, Decimal):
                    constants.append(v)
            if t.params.get("points") is not None:
                weights.append(t.params["points"])
            constants.extend(t.params.get("table", {}).values())

    for ind in indicators:
        constants += [ind.max, ind.start, *ind.fixed_by_kind.values()]
        terms(ind.terms)
    for sdef in scores:
        if sdef is None:
            continue
        constants += [v for v in (sdef.min, sdef.max) if v is not None]
        for adj in (sdef.bonus, sdef.penalty):
            if adj is not None:
                constants += [adj.cap] if adj.cap is not None else []
                terms(adj.terms)
    return scale_for(constants, weights)


# ---------------------------------------------------------------------------- loading


def list_builtin_schemes() -> list[str]:
    """Ids of the schemes shipped in ``data/schemes`` (sorted)."""
    folder = builtin_schemes_dir()
    return sorted(p.stem for p in folder.glob("*.toml"))


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a built-in scheme by id (``licheng-2020``) or a scheme file by path."""
    path = Path(name_or_path)
    text_name = str(name_or_path)
    if path.suffix.lower() != ".toml" or not path.exists():
        candidate = builtin_schemes_dir() / f"{text_name}.toml"
        if "/" not in text_name and "\\" not in text_name and candidate.exists():
            path = candidate
        elif not path.exists():
            known = "、".join(list_builtin_schemes())
            raise SchemeError(
                text_name, [SchemeProblem("", f"找不到考核方案：{text_name}（内置方案：{known}）")]
            )
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
    builder = _Builder(data, text, source)
    builder.frozen = frozen
    return builder.build()


# ---------------------------------------------------------------------------- validation


class _Builder:
    def __init__(self, data: dict, text: str, source: str):
        self.data = data
        self.text = text
        self.source = source
        self.problems: list[SchemeProblem] = []
        self.frozen = False

    # -- small checkers -------------------------------------------------------------------

    def err(self, path: str, message: str) -> None:
        self.problems.append(SchemeProblem(path, message))

    def string(self, table: dict, key: str, path: str, *, required=True, default="") -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.err(f"{path}{key}", "缺少必填项")
            return default
        if isinstance(value, int | Decimal) and not isinstance(value, bool) and key == "version":
            return str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.err(f"{path}{key}", "必须为非空字符串")
            return default
        return value

    def key_of(self, table: dict, path: str) -> str:
        value = table.get("key")
        if value is None:
            self.err(f"{path}key", "缺少必填项")
            return ""
        if not isinstance(value, str) or not _KEY_RE.match(value):
            self.err(f"{path}key", f"必须由小写字母、数字和下划线组成：{value!r}")
            return ""
        return value

    def number(
        self, table: dict, key: str, path: str, *, required=True, default=None, nonneg=True, positive=False
    ) -> Decimal | None:
        value = table.get(key)
        if value is None:
            if required:
                self.err(f"{path}{key}", "缺少必填项")
            return default
        try:
            if isinstance(value, bool):
                raise ValueError
            number = to_decimal(value)
        except ValueError:
            self.err(f"{path}{key}", f"必须为数字：{value!r}")
            return default
        if positive and number <= 0:
            self.err(f"{path}{key}", "必须为正数")
            return default
        if nonneg and number < 0:
            self.err(f"{path}{key}", "必须为非负数")
            return default
        return number

    def boolean(self, table: dict, key: str, path: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.err(f"{path}{key}", "必须为 true 或 false")
            return default
        return value

    def choice(self, table: dict, key: str, path: str, options, *, required=True, default=None):
        value = table.get(key)
        if value is None:
            if required:
                self.err(f"{path}{key}", f"缺少必填项（可选：{'、'.join(options)}）")
            return default
        if value not in options:
            self.err(f"{path}{key}", f"未知的取值 {value!r}（可选：{'、'.join(options)}）")
            return default
        return value

    def tables(self, value, path: str, problem: str, *, allow_empty=False, not_table="必须为表") -> list[tuple[str, dict]]:
        """(path of each item, item) of an array of tables; ``problem``: it is not an array (or is empty)."""
        if not isinstance(value, list) or not (value or allow_empty):
            self.err(path, problem)
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append((f"{path}[{i}].", item))
            else:
                self.err(f"{path}[{i}]", not_table)
        return out

    def table_list(self, key: str) -> list[tuple[str, dict]]:
        return self.tables(self.data.get(key, []), key, "必须为表数组（[[...]]）", allow_empty=True)

    def section(self, data: dict, key: str, path: str = "") -> dict | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.err(f"{path}{key}", "必须为表")
            return None
        return value

    def unknown_keys(self, table: dict, allowed: set[str], path: str) -> None:
        for key in table:
            if key not in allowed:
                self.err(f"{path}{key}", "未知的字段")

    # -- build ----------------------------------------------------------------------------

    def build(self) -> Scheme:
        self.unknown_keys(self.data, _TOP_KEYS, "")
        head = self.build_header()
        self.unit_kinds = self.build_unit_kinds()
        inputs = self.build_inputs()
        self.inputs = {i.key: i for i in inputs}
        period = self.build_period()
        ranking = self.build_ranking()
        categories_raw = self.build_categories()
        indicators = self.build_indicators(categories_raw)
        has_monthly = any(i.level == "monthly" for i in indicators)
        has_annual = any(i.level == "annual" for i in indicators)
        scores = self.build_scores(has_monthly, has_annual)
        total = self.total_def = self.build_total(has_monthly, has_annual)
        for path, on, what in (("period.months_required", period["months_required"], "要求逐月数据"),
                               ("period.zero_volume", period["zero_volume"], "按平均分处理无工单月份"),
                               ("ranking.monthly_ranks", ranking["monthly_ranks"], "有月度排名")):
            if on and not has_monthly:
                self.err(path, f"方案没有月度指标时不能{what}")
        vetoes = self.build_vetoes()
        categories = self.finish_categories(categories_raw, indicators)
        if not self.problems:
            try:
                _scale(indicators, scores)
            except ValueError as exc:
                self.err("indicators", str(exc))
        if self.problems:
            raise SchemeError(self.source, self.problems)
        return Scheme(
            **head, text=self.text, unit_kinds=self.unit_kinds, **period, **ranking, total=total,
            monthly_score=scores[0], annual_score=scores[1], inputs=inputs, categories=categories,
            indicators=indicators, vetoes=vetoes, origin=self.source,
        )

    def build_header(self) -> dict:
        data = self.data
        version_raw = data.get("format_version")
        if version_raw is None and not self.frozen:
            self.err("format_version", f"缺少必填项（方案文件格式版本，目前为 {FORMAT_VERSION}）")
        elif version_raw is not None and version_raw != FORMAT_VERSION:
            self.err("format_version", f"不支持的方案文件格式版本 {version_raw!r}（本程序读取版本 {FORMAT_VERSION}）")
        scheme_id = self.string(data, "id", "")
        if scheme_id and not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", scheme_id):
            self.err("id", f"只能包含字母、数字、-、_ 和 .：{scheme_id!r}")
        return dict(id=scheme_id, title=self.string(data, "title", ""),
                    topic=self.string(data, "topic", "", required=False), version=self.string(data, "version", ""),
                    source=self.string(data, "source", "", required=False))

    def build_unit_kinds(self) -> tuple[str, ...]:
        kinds_raw = self.data.get("unit_kinds", list(UNIT_KINDS))
        if not isinstance(kinds_raw, list) or not kinds_raw:
            self.err("unit_kinds", "必须为非空数组")
            return ()
        good: list[str] = []
        for i, k in enumerate(kinds_raw):
            if k not in UNIT_KINDS:
                self.err(f"unit_kinds[{i}]", f"未知的单位类型 {k!r}（可选：{'、'.join(UNIT_KINDS)}）")
            elif k in good:
                self.err(f"unit_kinds[{i}]", f"重复的单位类型 {k!r}")
            else:
                good.append(k)
        return tuple(good)

    def build_period(self) -> dict:
        period = self.section(self.data, "period") or {}
        self.unknown_keys(period, {"months_required", "zero_volume", "volume_input"}, "period.")
        months_required = self.boolean(period, "months_required", "period.", False)
        zero_volume = self.choice(period, "zero_volume", "period.", ("average",), required=False)
        volume_input = None
        if zero_volume:
            volume_input = self.string(period, "volume_input", "period.")
            if volume_input:
                self.check_input_ref(volume_input, "period.volume_input", kinds=("count",), period="monthly")
        return dict(months_required=months_required, zero_volume=zero_volume, volume_input=volume_input)

    def build_ranking(self) -> dict:
        ranking = self.section(self.data, "ranking") or {}
        self.unknown_keys(ranking, {"groups", "unranked_when_zero", "monthly_ranks"}, "ranking.")
        monthly_ranks = self.boolean(ranking, "monthly_ranks", "ranking.", False)
        unranked_when_zero = None
        if "unranked_when_zero" in ranking:
            unranked_when_zero = self.string(ranking, "unranked_when_zero", "ranking.")
            if unranked_when_zero:
                self.check_input_ref(
                    unranked_when_zero, "ranking.unranked_when_zero", kinds=("count",), aggregated=True
                )
        groups = self.build_groups(ranking)
        self.group_keys = {g.key for g in groups}
        return dict(monthly_ranks=monthly_ranks, unranked_when_zero=unranked_when_zero, groups=groups)

    def build_scores(self, has_monthly: bool, has_annual: bool) -> tuple[ScoreDef | None, ScoreDef | None]:
        monthly_score = self.build_score("monthly_score", "monthly")
        annual_score = self.build_score("annual_score", "annual")
        if has_monthly and monthly_score is None:
            monthly_score = ScoreDef(label="月度得分")
        if not has_monthly and monthly_score is not None:
            self.err("monthly_score", "方案没有月度指标，不能定义月度得分")
        if has_annual and annual_score is None:
            annual_score = ScoreDef(label="年度得分")
        return monthly_score, annual_score

    def check_input_ref(
        self, key, path, *, kinds=None, period=None, aggregated=False, level=None
    ) -> InputDef | None:
        """Check that ``key`` names an input usable here; report at ``path``."""
        if not isinstance(key, str) or not key:
            self.err(path, "必须为数据项的键")
            return None
        inp = self.inputs.get(key)
        if inp is None:
            self.err(path, f"引用了不存在的数据项 {key!r}")
            return None
        if kinds is not None and inp.kind not in kinds:
            wanted = "、".join(kinds)
            self.err(path, f"数据项 {key!r} 的类型为 {inp.kind}，此处需要 {wanted}")
            return None
        if period is not None and inp.period != period:
            self.err(path, f"数据项 {key!r} 必须为{'月度' if period == 'monthly' else '年度'}数据项")
            return None
        if level == "annual" or aggregated:
            if inp.period == "monthly" and not inp.aggregate:
                self.err(path, f"月度数据项 {key!r} 没有定义全年汇总方式（aggregate），不能用于年度指标")
                return None
        return inp

    def build_inputs(self) -> tuple[InputDef, ...]:
        entries = self.table_list("inputs")
        if not entries:
            self.err("inputs", "至少需要一个数据项")
        seen: set[str] = set()
        raw_defs: list[tuple[str, dict, dict]] = []
        for path, t in entries:
            self.unknown_keys(t, _INPUT_KEYS, path)
            key = self.key_of(t, path)
            if key and key in seen:
                self.err(f"{path}key", f"重复的数据项 {key!r}")
            seen.add(key)
            label = self.string(t, "label", path)
            kind = self.choice(t, "kind", path, INPUT_KINDS)
            fields = dict(key=key, label=label, kind=kind, period=self.choice(t, "period", path, _PERIODS),
                          unit=self.string(t, "unit", path, required=False),
                          notes=self.string(t, "notes", path, required=False))
            self.input_bounds(t, path, kind, fields)
            self.input_default(t, path, kind, fields)
            fields["aggregate"] = self.input_aggregate(t, path, kind, fields["period"])
            raw_defs.append((path, t, fields))
        by_key = {f["key"]: f for _, _, f in raw_defs if f["key"]}
        for path, t, f in raw_defs:
            self.link_input(path, t, f, by_key)
        return tuple(InputDef(**f) for _, _, f in raw_defs)

    def input_bounds(self, t: dict, path: str, kind: str | None, fields: dict) -> None:
        if kind == "manual":
            fields["min"] = self.number(t, "min", path, required=False, default=ZERO)
            fields["max"] = self.number(t, "max", path, required=False)
            if fields["max"] is not None and fields["min"] is not None and fields["max"] < fields["min"]:
                self.err(f"{path}max", "不能小于 min")
            fields["required"] = self.boolean(t, "required", path, True)
        elif kind == "rate":
            fields["required"] = self.boolean(t, "required", path, False)
            fields["min"], fields["max"] = ZERO, HUNDRED
        else:
            for k in ("min", "max", "required", "required_when_positive"):
                if k in t:
                    self.err(f"{path}{k}", f"{kind} 类型的数据项不能设置此字段")

    def input_default(self, t: dict, path: str, kind: str | None, fields: dict) -> None:
        if kind in ("count", "boolean"):
            fields["default"] = 0 if kind == "count" else False
        elif kind == "choice":
            choices = fields["choices"] = self.build_choices(t, path)
            default = fields["default"] = t.get("default")
            if default is None:
                self.err(f"{path}default", "选项类数据项必须指定默认选项（未填时取值）")
            elif default not in [c.value for c in choices]:
                self.err(f"{path}default", f"默认选项 {default!r} 不在 choices 中")
        for k in ("default", "choices"):
            if k in t and kind != "choice":
                self.err(f"{path}{k}", f"只有选项类数据项可以设置 {k}")

    def input_aggregate(self, t: dict, path: str, kind: str | None, period: str | None) -> str | None:
        aggregate = self.choice(t, "aggregate", path, ("sum", "weighted_mean"), required=False)
        if aggregate and period != "monthly":
            self.err(f"{path}aggregate", "只有月度数据项可以汇总为全年数据")
        if aggregate == "sum" and kind != "count":
            self.err(f"{path}aggregate", "只有数量类数据项可以按 sum 汇总")
        if aggregate == "weighted_mean" and kind != "rate":
            self.err(f"{path}aggregate", "只有比率类数据项可以按 weighted_mean 汇总")
        return aggregate

    def link_input(self, path: str, t: dict, f: dict, by_key: dict) -> None:
        """default_from / required_when_positive / weight: another input of the same period."""
        for ref_field, counts in (("default_from", False), ("required_when_positive", True), ("weight", True)):
            ref = t.get(ref_field)
            if ref is None:
                continue
            other = by_key.get(ref) if isinstance(ref, str) else None
            if other is None:
                problem = f"引用了不存在的数据项 {ref!r}"
            elif other["period"] != f["period"]:
                problem = f"数据项 {ref!r} 的周期与本项不同"
            elif counts and other["kind"] != "count":
                problem = f"数据项 {ref!r} 必须为数量类"
            elif ref_field == "default_from" and other["kind"] != f["kind"]:
                problem = f"数据项 {ref!r} 的类型与本项不同"
            elif ref == f["key"]:
                problem = "不能引用自身"
            else:
                f[ref_field] = ref
                continue
            self.err(f"{path}{ref_field}", problem)
        if f.get("aggregate") == "weighted_mean" and not f.get("weight"):
            self.err(f"{path}weight", "按 weighted_mean 汇总时必须指定权重数据项（weight）")
        if f.get("weight") and f.get("aggregate") != "weighted_mean":
            self.err(f"{path}weight", "只有按 weighted_mean 汇总时才能指定 weight")

    def build_choices(self, t: dict, path: str) -> tuple[Choice, ...]:
        out: list[Choice] = []
        for p, c in self.tables(t.get("choices"), f"{path}choices", "必须为非空数组", not_table="必须为表（value、label）"):
            value = c.get("value")
            if not isinstance(value, str) or not value:
                self.err(f"{p}value", "必须为非空字符串")
                continue
            if any(o.value == value for o in out):
                self.err(f"{p}value", f"重复的选项 {value!r}")
                continue
            out.append(Choice(value, self.string(c, "label", p)))
        return tuple(out)

    def build_groups(self, ranking: dict) -> tuple[GroupDef, ...]:
        raw = ranking.get("groups")
        entries = self.tables(raw, "ranking.groups", "至少需要一个排名组")
        if not isinstance(raw, list) or not raw:
            return ()
        groups: list[GroupDef] = []
        covered: dict[str, str] = {}
        for path, g in entries:
            self.unknown_keys(g, {"key", "label", "kinds", "title", "name_header"}, path)
            key = self.key_of(g, path)
            if key and any(x.key == key for x in groups):
                self.err(f"{path}key", f"重复的排名组 {key!r}")
            label = self.string(g, "label", path)
            kinds = g.get("kinds")
            good = []
            if not isinstance(kinds, list) or not kinds:
                self.err(f"{path}kinds", "必须为非空的单位类型数组")
            else:
                for j, k in enumerate(kinds):
                    if k not in self.unit_kinds:
                        self.err(f"{path}kinds[{j}]", f"不是本方案的单位类型：{k!r}")
                    elif k in covered:
                        self.err(f"{path}kinds[{j}]", f"单位类型 {k!r} 已属于排名组 {covered[k]!r}")
                    else:
                        covered[k] = key
                        good.append(k)
            groups.append(
                GroupDef(
                    key=key,
                    label=label,
                    kinds=tuple(good),
                    title=self.string(g, "title", path, required=False),
                    name_header=self.string(g, "name_header", path, required=False, default="单位名称")
                    or "单位名称",
                )
            )
        for k in self.unit_kinds:
            if k not in covered:
                self.err("ranking.groups", f"单位类型 {k!r} 不属于任何排名组")
        return tuple(groups)

    def build_categories(self) -> list[tuple[str, dict, dict]]:
        out = []
        seen = set()
        for path, t in self.table_list("categories"):
            self.unknown_keys(t, {"key", "label", "level", "max", "heading", "print", "rule_text"}, path)
            key = self.key_of(t, path)
            if key and key in seen:
                self.err(f"{path}key", f"重复的类别 {key!r}")
            seen.add(key)
            fields = dict(
                key=key,
                label=self.string(t, "label", path),
                level=self.choice(t, "level", path, _PERIODS),
                max=self.number(t, "max", path, required=False),
                heading=self.string(t, "heading", path, required=False, default="{label}（{max}分）")
                or "{label}（{max}分）",
                print=self.choice(t, "print", path, ("subtotal", "indicators"), required=False,
                                  default="subtotal") or "subtotal",
                rule_text=self.string(t, "rule_text", path, required=False),
            )
            out.append((path, t, fields))
        return out

    def finish_categories(self, raw, indicators) -> tuple[CategoryDef, ...]:
        out = []
        for path, _t, f in raw:
            members = tuple(i.key for i in indicators if i.category == f["key"])
            if not members:
                self.err(f"{path}key", f"类别 {f['key']!r} 没有任何指标")
            total = sum((i.max for i in indicators if i.category == f["key"]), ZERO)
            if f["max"] is not None and f["max"] != total:
                self.err(f"{path}max", f"与所含指标满分之和 {fmt2(total)} 不一致：{fmt2(f['max'])}")
            heading = f["heading"].replace("{label}", f["label"]).replace("{max}", fmt2(total))
            if "{weight}" in heading:
                weight = getattr(self.total_def, f"{f['level']}_weight", None)
                if weight is None:
                    self.err(f"{path}heading", "{weight} 只能用于按权重合成总分（combine = \"weighted\"）的方案")
                else:
                    heading = heading.replace("{weight}", f"{fmt2(weight * 100)}%")
            out.append(
                CategoryDef(
                    key=f["key"], label=f["label"], level=f["level"], max=total, heading=heading,
                    print=f["print"], rule_text=f["rule_text"], indicators=members,
                )
            )
        return tuple(out)

    def build_terms(self, raw, path: str, level: str, *, adjustment=False) -> tuple[TermDef, ...]:
        terms = (self.build_term(t, p, level, adjustment) for p, t in self.tables(raw, path, "必须为非空的规则项数组"))
        return tuple(t for t in terms if t is not None)

    def build_term(self, t: dict, p: str, level: str, adjustment: bool) -> TermDef | None:
        n_before = len(self.problems)
        type_ = self.choice(t, "type", p, TERM_TYPES)
        period = "monthly" if level == "monthly" else None
        inp = self.check_input_ref(t.get("input"), f"{p}input", kinds=_TERM_INPUTS.get(type_), period=period,
                                   level=level)
        allowed = {"type", "input", "cap"}
        params: dict[str, object] = {}
        if type_ in _POINTS_TERMS:
            allowed |= {"deduct", "add"}
            params["points"] = self.term_points(t, p, adjustment)
        if type_ in ("shortfall", "excess"):
            key = "target" if type_ == "shortfall" else "threshold"
            allowed.add(key)
            params[key] = self.number(t, key, p, required=type_ == "excess", default=HUNDRED if key == "target" else None)
            if params[key] is not None and params[key] > HUNDRED:
                self.err(f"{p}{key}", "必须在 0 到 100 之间")
        elif type_ == "choice":
            allowed.add("points")
            params["table"] = self.choice_points(t, p, inp)
        elif type_ == "floor":
            allowed.add("per")
            params["per"] = self.floor_per(t, p)
        elif type_ == "share":
            allowed |= {"scope", "min_by_kind"}
            if level != "annual" or adjustment:
                self.err(f"{p}type", "share（占比）只能用于年度指标")
            params["scope"] = self.choice(t, "scope", p, ("group", "all"), required=False, default="group")
            params["min_by_kind"] = self.kind_table(t, "min_by_kind", p, "必须为表（单位类型 = 最少数量）")
        elif type_ == "manual" and adjustment:
            self.err(f"{p}type", "加分 / 减分项不能使用 manual")
        params["cap"] = self.number(t, "cap", p, required=False)
        self.unknown_keys(t, allowed, p)
        if len(self.problems) > n_before or type_ is None or inp is None:
            return None
        if type_ == "choice":
            params["options"] = tuple(c.value for c in inp.choices)
        return TermDef(type=type_, input=inp.key, params=MappingProxyType(params))

    def term_points(self, t: dict, p: str, adjustment: bool) -> Decimal | None:
        """Points per unit: ``deduct`` (negative) or ``add``, exactly one of them."""
        has_d, has_a = "deduct" in t, "add" in t
        if has_d == has_a:
            self.err(f"{p}deduct", "必须且只能指定 deduct（每单位扣分）或 add（每单位加分）之一")
            return None
        if has_a:
            return self.number(t, "add", p)
        if adjustment:
            self.err(f"{p}deduct", "加分 / 减分项中的规则只能用 add（减分项的 add 为减去的分值）")
        d = self.number(t, "deduct", p)
        return -d if d is not None else None

    def choice_points(self, t: dict, p: str, inp: InputDef | None) -> dict[str, Decimal]:
        table = t.get("points")
        out: dict[str, Decimal] = {}
        if not isinstance(table, dict):
            self.err(f"{p}points", "必须为表（选项 = 分值）")
            return out
        if inp is None:
            return out
        for c in inp.choices:
            if c.value not in table:
                self.err(f"{p}points", f"缺少选项 {c.value!r} 的分值")
        for k in table:
            if not any(c.value == k for c in inp.choices):
                self.err(f"{p}points.{k}", "不是该数据项的选项")
            elif (v := self.number(table, k, f"{p}points.", nonneg=False)) is not None:
                out[k] = v
        return out

    def floor_per(self, t: dict, p: str):
        """The base of a floor term: one positive integer, or one per unit kind."""
        per = t.get("per")
        whole = lambda v: None if v == v.to_integral_value() else "必须为正整数"  # noqa: E731
        if not isinstance(per, dict):
            v = self.number(t, "per", p, positive=True)
            if v is not None and whole(v):
                self.err(f"{p}per", whole(v))
            return v
        for k in self.unit_kinds:
            if k not in per:
                self.err(f"{p}per", f"缺少单位类型 {k!r} 的基数")
        return {k: int(v) for k, v in self.kind_table(t, "per", p, "", check=whole, positive=True).items()}

    def kind_table(self, t: dict, key: str, p: str, not_table: str, *, check=None, **number) -> dict[str, Decimal]:
        """A table ``unit kind = number`` (of this scheme's kinds); ``check(v)`` returns a problem or None."""
        table = t.get(key, {})
        out: dict[str, Decimal] = {}
        if not isinstance(table, dict):
            self.err(f"{p}{key}", not_table)
            return out
        for k in table:
            if k not in self.unit_kinds:
                self.err(f"{p}{key}.{k}", "不是本方案的单位类型")
            elif (v := self.number(table, k, f"{p}{key}.", **number)) is not None:
                problem = check(v) if check else None
                if problem:
                    self.err(f"{p}{key}.{k}", problem)
                else:
                    out[k] = v
        return out

    def build_indicators(self, categories_raw) -> tuple[IndicatorDef, ...]:
        cats = {f["key"]: f for _, _, f in categories_raw}
        entries = self.table_list("indicators")
        if not entries:
            self.err("indicators", "至少需要一个指标")
        out = []
        seen: dict[tuple[str, str], str] = {}
        manual: dict[str, tuple[Decimal, str]] = {}  # manual input -> (max of its indicator, indicator path)
        for path, t in entries:
            n_before = len(self.problems)
            self.unknown_keys(t, _INDICATOR_KEYS, path)
            key = self.key_of(t, path)
            level = self.choice(t, "level", path, _PERIODS)
            if key and (level, key) in seen:
                self.err(f"{path}key", f"重复的指标 {key!r}")
            seen[(level, key)] = path
            label = self.string(t, "label", path)
            category = self.string(t, "category", path)
            if category and category not in cats:
                self.err(f"{path}category", f"引用了不存在的类别 {category!r}")
            elif category and level and cats[category]["level"] != level:
                self.err(f"{path}category", f"类别 {category!r} 的层级与本指标不同")
            mx = self.number(t, "max", path)
            start = self.indicator_start(t, path, mx)
            terms = self.build_terms(t.get("terms"), f"{path}terms", level or "annual")
            fwz = t.get("full_when_zero")
            if fwz is not None:
                self.check_input_ref(fwz, f"{path}full_when_zero", kinds=("count",), level=level,
                                     period="monthly" if level == "monthly" else None)
            over = lambda v, mx=mx: "不能大于 max" if mx is not None and v > mx else None  # noqa: E731
            fixed = self.kind_table(t, "fixed_by_kind", path, "必须为表（单位类型 = 分值）", check=over)
            by_group = self.sheet_texts(t, path)
            scored = tuple(term.input for term in terms if term.type == "manual")
            for m in scored:
                if m in manual:
                    self.err(f"{path}terms", f"评分类数据项 {m!r} 已被 {manual[m][1]} 使用")
                manual[m] = (mx if mx is not None else ZERO, path[:-1])
            if len(self.problems) > n_before:
                continue
            out.append(IndicatorDef(
                key=key, label=label, category=category, level=level, max=mx, start=start,
                terms=terms, rule_text=self.string(t, "rule_text", path, required=False),
                sheet_text=self.string(t, "sheet_text", path, required=False),
                sheet_text_by_group=MappingProxyType(by_group), full_when_zero=fwz,
                fixed_by_kind=MappingProxyType(fixed), inputs=frozenset({term.input for term in terms} | {fwz} - {None}),
                manual_inputs=scored, uses_share=any(term.type == "share" for term in terms),
            ))
        self.bound_manual_inputs({k: v[0] for k, v in manual.items()})
        return tuple(out)

    def indicator_start(self, t: dict, path: str, mx: Decimal | None) -> Decimal | None:
        if t.get("start", 0) == "max":
            return mx if mx is not None else ZERO
        start = self.number(t, "start", path, required=False, default=ZERO)
        if start is not None and mx is not None and start > mx:
            self.err(f"{path}start", "不能大于 max")
        return start

    def sheet_texts(self, t: dict, path: str) -> dict[str, str]:
        by_group = t.get("sheet_text_by_group", {})
        if not isinstance(by_group, dict):
            self.err(f"{path}sheet_text_by_group", "必须为表（排名组 = 文字）")
            return {}
        for g, text in by_group.items():
            if g not in self.group_keys:
                self.err(f"{path}sheet_text_by_group.{g}", "不是本方案的排名组")
            elif not isinstance(text, str):
                self.err(f"{path}sheet_text_by_group.{g}", "必须为字符串")
        return dict(by_group)

    def bound_manual_inputs(self, manual_max: dict[str, Decimal]) -> None:
        """Manual inputs take their bounds from the indicator that scores them."""
        for key, inp in list(self.inputs.items()):
            if inp.kind != "manual":
                continue
            if key in manual_max:
                if inp.max is None:
                    object.__setattr__(inp, "max", manual_max[key])
                elif inp.max > manual_max[key]:
                    self.err("inputs", f"评分类数据项 {key!r} 的上限 {fmt2(inp.max)} 超过了指标满分")
            elif inp.max is None:
                self.err("inputs", f"评分类数据项 {key!r} 没有被任何指标使用，必须自行指定 max")

    def build_adjustment(self, section: dict, name: str, path: str, level: str) -> AdjustmentDef | None:
        t = self.section(section, name, path)
        if t is None:
            return None
        p = f"{path}{name}."
        self.unknown_keys(t, {"label", "cap", "terms", "rule_text"}, p)
        return AdjustmentDef(
            label=self.string(t, "label", p, required=False, default="加分" if name == "bonus" else "减分")
            or ("加分" if name == "bonus" else "减分"),
            cap=self.number(t, "cap", p, required=False),
            terms=self.build_terms(t.get("terms"), f"{p}terms", level, adjustment=True),
            rule_text=self.string(t, "rule_text", p, required=False),
        )

    def build_score(self, name: str, level: str) -> ScoreDef | None:
        t = self.section(self.data, name)
        if t is None:
            return None
        p = f"{name}."
        self.unknown_keys(t, {"label", "min", "max", "bonus", "penalty", "rule_text"}, p)
        low = self.number(t, "min", p, required=False)
        high = self.number(t, "max", p, required=False)
        if low is not None and high is not None and high < low:
            self.err(f"{p}max", "不能小于 min")
        return ScoreDef(
            label=self.string(t, "label", p, required=False, default="得分") or "得分",
            min=low,
            max=high,
            bonus=self.build_adjustment(t, "bonus", p, level),
            penalty=self.build_adjustment(t, "penalty", p, level),
            rule_text=self.string(t, "rule_text", p, required=False),
        )

    def build_total(self, has_monthly: bool, has_annual: bool) -> TotalDef:
        t = self.section(self.data, "total")
        if t is None:
            self.err("total", "缺少必填项")
            return TotalDef(combine="annual")
        p = "total."
        self.unknown_keys(t, {"combine", "label", "monthly_weight", "annual_weight"}, p)
        combine = self.choice(t, "combine", p, ("annual", "weighted", "monthly_mean")) or "annual"
        label = self.string(t, "label", p, required=False, default="总分") or "总分"
        mw = aw = None
        if combine == "weighted":
            mw = self.number(t, "monthly_weight", p)
            aw = self.number(t, "annual_weight", p)
            if mw is not None and aw is not None and mw + aw != 1:
                self.err(f"{p}annual_weight", f"monthly_weight 与 annual_weight 之和必须为 1：{fmt2(mw)} + {fmt2(aw)}")
            if not has_monthly or not has_annual:
                self.err(f"{p}combine", "weighted 需要同时有月度指标和年度指标")
        else:
            for k in ("monthly_weight", "annual_weight"):
                if k in t:
                    self.err(f"{p}{k}", "只有 combine = \"weighted\" 时才能设置权重")
        if combine == "annual" and has_monthly:
            self.err(f"{p}combine", "有月度指标的方案不能用 annual 合成总分（用 weighted 或 monthly_mean）")
        if combine == "annual" and not has_annual:
            self.err(f"{p}combine", "annual 需要年度指标")
        if combine == "monthly_mean" and not has_monthly:
            self.err(f"{p}combine", "monthly_mean 需要月度指标")
        return TotalDef(combine=combine, label=label, monthly_weight=mw, annual_weight=aw)

    def build_vetoes(self) -> tuple[VetoDef, ...]:
        out = []
        for path, t in self.table_list("vetoes"):
            self.unknown_keys(t, {"key", "input", "label", "rule_text", "total"}, path)
            key = self.key_of(t, path)
            if key and any(v.key == key for v in out):
                self.err(f"{path}key", f"重复的否决项 {key!r}")
            inp = self.check_input_ref(t.get("input"), f"{path}input", kinds=("boolean",), period="annual")
            out.append(
                VetoDef(
                    key=key,
                    input=inp.key if inp else "",
                    label=self.string(t, "label", path),
                    rule_text=self.string(t, "rule_text", path, required=False),
                    total=self.number(t, "total", path, required=False, default=ZERO) or ZERO,
                )
            )
        return tuple(out)
