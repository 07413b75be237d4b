"""A unit's annual items as the 年度考核 list shows them: what is entered, what is missing, what
the rules do with empty items, and the unit's real status from the scoring result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from hotline_desktop.core.scoring.numbers import fmt2
from hotline_desktop.core.scoring.results import INCOMPLETE, UNRANKED, UnitResult, describe_missing
from hotline_desktop.core.scoring.scheme import InputDef, Scheme

MAX_REASONS = 4  # reasons listed in full; the rest are counted


def is_required(inp: InputDef) -> bool:
    """An annual item the operator must enter (manual scores, required items)."""
    return inp.required or inp.kind == "manual"


@dataclass(frozen=True)
class AnnualStatus:
    """Completeness of one unit's annual items, plus its scoring status.

    ``empty``: optional items left empty, which the rules count as 否/0.
    ``scoring``: the result's status (ranked | unranked | incomplete), None when not scored.
    ``reasons``: why the result is incomplete apart from annual items (months, rates).
    """

    filled: int = 0
    total: int = 0
    missing: tuple[str, ...] = ()  # labels of required items not entered (or invalid)
    errors: int = 0  # entered but invalid
    files: int = 0  # evidence files
    empty: int = 0
    scoring: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def incomplete_result(self) -> bool:
        return self.scoring == INCOMPLETE

    @property
    def complete(self) -> bool:
        """Nothing missing, nothing wrong, nothing left to the 否/0 rule, and fully scored."""
        return not self.missing and not self.errors and not self.empty and not self.incomplete_result

    @property
    def level(self) -> str:
        """bad (cannot be ranked as is), warn (counted, but look at it) or ok."""
        if self.missing or self.incomplete_result:
            return "bad"
        if self.errors or self.empty:
            return "warn"
        return "ok"

    def empty_text(self) -> str:
        return f"未填 {self.empty} 项，按否/0 计" if self.empty else ""

    def reasons_text(self) -> str:
        shown = list(self.reasons[:MAX_REASONS])
        if len(self.reasons) > MAX_REASONS:
            shown.append(f"等 {len(self.reasons)} 处")
        return "、".join(shown)

    def short_text(self) -> str:
        """The list's 完成情况 cell."""
        if self.missing:
            return f"缺 {len(self.missing)} 项"
        parts = []
        if self.incomplete_result:
            parts.append("数据不全")
        if self.errors:
            parts.append(f"{self.errors} 项有误")
        if self.empty:
            parts.append(self.empty_text())
        if not parts:
            return "✓ 完整" if self.scoring != UNRANKED else "✓ 完整（不参与排名）"
        return " · ".join(parts)

    def long_text(self) -> str:
        """The unit header's line: every reason, in the operator's words."""
        parts = []
        if self.missing:
            parts.append("尚缺：" + "、".join(self.missing))
        if self.errors:
            parts.append(f"有 {self.errors} 项填写有误")
        if self.incomplete_result:
            why = self.reasons_text()
            parts.append("数据不全，暂不排名" + (f"（{why}）" if why else ""))
        if self.empty:
            parts.append(self.empty_text())
        return "；".join(parts) if parts else "年度项目已齐全"


def annual_status(
    scheme: Scheme,
    entered: Mapping[str, bool],
    missing_keys: Iterable[str] = (),
    result: UnitResult | None = None,
    files: int = 0,
) -> AnnualStatus:
    """Status of one unit. ``entered``: annual key → valid, for the items stored;
    ``missing_keys``: keys the service found missing (required, absent or invalid)."""
    inputs = scheme.annual_inputs
    miss_keys = list(dict.fromkeys(missing_keys))
    reasons: list[str] = []
    if result is not None:
        for m in result.missing:
            if scheme.has_input(m) and scheme.input(m).period == "annual":
                if m not in miss_keys:
                    miss_keys.append(m)
            else:
                reasons.append(describe_missing(scheme, m))
    filled = errors = empty = 0
    for inp in inputs:
        if inp.key in entered:
            filled += 1
            if not entered[inp.key] and inp.key not in miss_keys:
                errors += 1
        elif inp.key not in miss_keys:
            empty += 1
    labels = []
    for k in miss_keys:
        if not scheme.has_input(k):
            labels.append(k)
        else:
            labels.append(scheme.input(k).label + ("（填写有误）" if k in entered else ""))
    return AnnualStatus(
        filled, len(inputs), tuple(labels), errors, files, empty,
        result.status if result is not None else None, tuple(reasons),
    )


def required_missing(scheme: Scheme, entered: Mapping[str, bool]) -> list[str]:
    """Keys of required annual items that are absent or invalid."""
    return [i.key for i in scheme.annual_inputs if is_required(i) and not entered.get(i.key, False)]


class ItemFeed(NamedTuple):
    """One place an annual item counts: an indicator, the bonus or penalty, or a veto."""

    kind: str  # indicator | bonus | penalty | veto
    key: str  # the points key of the result (indicator key, "bonus", "penalty", veto key)
    heading: str  # 满意率（满分 20 分）, 年度考核·加分（以 5 分为限）, 否决项：…
    rule: str  # the rule text of the scheme file


def item_feeds(scheme: Scheme, key: str) -> list[ItemFeed]:
    """What an annual item feeds, in the scheme's order (empty: recorded, not scored)."""
    out = [ItemFeed("indicator", ind.key, f"{ind.label}（满分 {fmt2(ind.max)} 分）", ind.rule_text)
           for ind in scheme.indicators if key in ind.inputs]
    sc = scheme.annual_score
    if sc is not None:
        for kind, adj in (("bonus", sc.bonus), ("penalty", sc.penalty)):
            if adj is not None and any(t.input == key for t in adj.terms):
                cap = f"（以 {fmt2(adj.cap)} 分为限）" if adj.cap is not None else ""
                out.append(ItemFeed(kind, kind, f"{sc.label}·{adj.label}{cap}", adj.rule_text))
    out += [ItemFeed("veto", v.key, f"否决项：{v.label}", v.rule_text) for v in scheme.vetoes if v.input == key]
    return out
