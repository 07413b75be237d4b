"""`export case` and `export ranking … .json`: a year's scored inputs as a `score` case, and the
ranking in the `score` output contract (shared/spec/scoring.md).

The case holds exactly what the engine scored (services.ranking.engine_inputs: participants,
months, monthly values with fed counts applied, annual values), so `hotline-desktop score` on it
reproduces `export ranking … .json` byte for byte. When the year's frozen scheme differs from the
built-in file, the frozen definition is written beside the case (score it with `--scheme-file`;
a case's `scheme` is always a scheme id, never a path).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.scoring import ScoringEngine, UnitRef
from hotline_desktop.services.errors import ServiceError


def _year_scheme(services, scheme_id: str, year) -> object:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ServiceError(f"考核年度应为整数：{year}") from None
    row = services.assessment.find(year, scheme_id)
    if row is None:
        used = services.assessment.assignments(year)
        names = "、".join(f"{r.scheme_id}（{r.title}）" for r in used) or "没有任何考核方案"
        raise ServiceError(f"{year} 年未使用考核方案“{scheme_id}”（该年：{names}）")
    return row


def _check_out(out: Path, suffix: str) -> Path:
    out = Path(out)
    if out.suffix.lower() != suffix:
        raise ServiceError(f"导出文件须为 {suffix}：{out}")
    if not out.parent.is_dir():
        raise ServiceError(f"导出目录不存在：{out.parent}")
    if out.is_dir():
        raise ServiceError(f"导出路径是一个文件夹：{out}")
    return out


def _json_value(v):
    if isinstance(v, Decimal):
        return f"{v:f}"  # exact text; the scheme parses it back to the same Decimal
    return v


def case_data(services, scheme_id: str, year) -> tuple[dict, str | None]:
    """(the case object, the frozen scheme text when it differs from the built-in file)."""
    from hotline_desktop.core.scoring.scheme import SchemeError, load_scheme
    from hotline_desktop.services.ranking import engine_inputs

    row = _year_scheme(services, scheme_id, year)
    scheme = services.assessment.scheme(row.id)
    units, monthly, annual = engine_inputs(services.assessment, row.id)
    engine = ScoringEngine(scheme, [UnitRef(u.code, u.name, u.kind.value) for u in units], None, monthly, annual,
                           year=row.year)
    try:
        builtin = load_scheme(scheme.id).text
    except SchemeError:
        builtin = None
    frozen = None if builtin == scheme.text else scheme.text
    order = {u.code: i for i, u in enumerate(units)}
    data = {
        "scheme": scheme.id,
        "year": row.year,
        "months": list(engine.months),
        "units": [{"code": u.code, "name": u.name, "kind": u.kind.value} for u in units],
        "monthly": [
            {"unit": code, "month": month, "values": {k: _json_value(v) for k, v in sorted(vals.items())}}
            for (code, month), vals in sorted(monthly.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
        ],
        "annual": [
            {"unit": code, "values": {k: _json_value(v) for k, v in sorted(vals.items())}}
            for code, vals in sorted(annual.items(), key=lambda kv: order[kv[0]])
        ],
    }
    return data, frozen


def export_case(services, *, scheme_id: str, year, out: Path | str) -> tuple[Path, Path | None]:
    """Write the case; returns it and, when the year's frozen scheme differs from the built-in
    file, the scheme file written beside it (to score with `score CASE --scheme-file FILE`)."""
    out = _check_out(Path(out), ".json")
    data, frozen = case_data(services, scheme_id, year)
    side = None
    if frozen is not None:
        side = out.with_name(f"{out.stem}.{data['scheme']}.toml")
        with atomic_write(side) as tmp:
            tmp.write_text(frozen, encoding="utf-8")
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    with atomic_write(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out, side


def ranking_json(services, scheme_id: str, year) -> str:
    from hotline_desktop.core.scoring.case import dumps_result

    row = _year_scheme(services, scheme_id, year)
    return dumps_result(services.rankings.live(row.id).result())


def export_ranking_json(services, *, scheme_id: str, year, out: Path | str) -> Path:
    out = _check_out(Path(out), ".json")
    text = ranking_json(services, scheme_id, year)
    with atomic_write(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out
