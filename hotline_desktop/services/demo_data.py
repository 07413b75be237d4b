"""Plausible figures for the demo district: a year under each built-in scheme.

2025 is assessed with licheng-2020 (a full year); 2026 with ganxian-2023-hotline and
ganxian-2023-online side by side, January to October (the months so far).
"""

from __future__ import annotations

import random
from decimal import Decimal

from hotline_desktop.core.domain import UnitRow
from hotline_desktop.services.assessment import CellEdit, month_keys

DEMO_YEARS: list[tuple[int, str, int]] = [  # year, scheme, months with data
    (2025, "licheng-2020", 12),
    (2026, "ganxian-2023-hotline", 10),
    (2026, "ganxian-2023-online", 10),
]

# Per-key profiles: rates as (low, high) of a triangular draw peaking near high; counts as
# (probability of a non-zero month, max). Anything not listed falls back by kind.
RATES = {
    "satisfaction_rate": (86, 100), "on_time_completion_rate": (92, 100), "sign_in_rate": (94, 100),
    "response_rate": (84, 100), "rework_rate": (0, 7), "return_overdue_rate": (0, 9),
    "first_extension_rate": (0, 14), "second_extension_rate": (0, 5), "on_time_reply_rate": (88, 100),
}
LOW_IS_GOOD = {"rework_rate", "return_overdue_rate", "first_extension_rate", "second_extension_rate"}
COUNTS = {
    "overdue_normal": (0.12, 2), "overdue_urgent": (0.05, 1), "overdue_key": (0.03, 1),
    "shirk_once": (0.06, 2), "shirk_multi": (0.02, 1), "supervision_unfinished": (0.03, 1),
    "dissatisfied_orders": (0.3, 3), "info_reports": (0.5, 4), "praise": (0.25, 2),
    "returned_twice_reassigned": (0.05, 1), "dispatch_main_failures": (0.03, 1),
    "dispatch_co_failures": (0.04, 1), "notice_failures": (0.04, 1), "reply_nonstandard": (0.1, 2),
    "complaints": (0.08, 2), "supervision_light": (0.08, 2), "supervision_heavy": (0.02, 1),
    "nonstandard_replies": (0.1, 2), "late_returns": (0.06, 1), "missing_seal_pdf": (0.08, 2),
    "repeat_posts": (0.04, 1), "supervised": (0.05, 1),
    "publicity_articles": (0.7, 8), "kb_late_updates": (0.15, 2), "leadership_meetings": (0.9, 4),
    "commend_district": (0.3, 2), "commend_city": (0.1, 1), "commend_province": (0.03, 1),
    "commend_national": (0.0, 0), "criticism_district": (0.1, 1), "criticism_city": (0.04, 1),
    "criticism_province": (0.0, 0), "criticism_national": (0.0, 0),
}
BOOL_TRUE = {"negative_impact": 0.02, "national_overdue": 0.03, "special_plan": 0.1}
VOLUME = {"community": (4, 40), "department": (10, 160), "town": (15, 90)}


def _rate(rnd: random.Random, key: str) -> str:
    low, high = RATES.get(key, (85, 100))
    if key in LOW_IS_GOOD:
        v = rnd.triangular(low, high, low)
    else:
        v = rnd.triangular(low, high, high)
        if rnd.random() < 0.35:
            v = 100
    return str(Decimal(str(round(v, 2))).normalize() if v != 100 else 100)


def _count(rnd: random.Random, key: str) -> str:
    p, mx = COUNTS.get(key, (0.1, 1))
    return str(rnd.randint(1, mx) if mx and rnd.random() < p else 0)


def unit_month_values(scheme, unit: UnitRow, rnd: random.Random, idle: bool) -> dict[str, str]:
    vals: dict[str, str] = {}
    for inp in scheme.monthly_inputs:
        k = inp.key
        if k == "volume":
            lo, hi = VOLUME[unit.kind.value]
            vals[k] = "0" if idle else str(rnd.randint(lo, hi))
        elif k == "volume_all_channels":
            continue  # defaults to volume; set below for some units
        elif inp.kind == "rate":
            vals[k] = _rate(rnd, k)
        elif inp.kind == "count":
            vals[k] = _count(rnd, k)
        elif inp.kind == "boolean":
            vals[k] = "是" if rnd.random() < BOOL_TRUE.get(k, 0.5) else "否"
    if "volume_all_channels" in {i.key for i in scheme.monthly_inputs} and rnd.random() < 0.3:
        vals["volume_all_channels"] = str(int(vals.get("volume", "0")) + rnd.randint(1, 12))
    if "volume" in vals and vals["volume"] == "0":  # no work orders: no rates, no deductions
        for inp in scheme.monthly_inputs:
            if inp.kind == "rate":
                vals.pop(inp.key, None)
    return vals


def unit_annual_values(scheme, unit: UnitRow, rnd: random.Random) -> dict[str, str]:
    vals: dict[str, str] = {}
    for inp in scheme.annual_inputs:
        k = inp.key
        if inp.kind == "boolean":
            vals[k] = "是" if rnd.random() < BOOL_TRUE.get(k, 0.85) else "否"
        elif inp.kind == "count":
            vals[k] = _count(rnd, k)
        elif inp.kind == "manual":
            top = inp.max if inp.max is not None else Decimal(5)
            step = Decimal("0.5")
            v = top - step * rnd.choice((0, 0, 0, 1, 1, 2, 3))
            vals[k] = str(max(Decimal(0), v).normalize())
        elif inp.kind == "choice":
            weights = [0.1, 0.25, 0.65][-len(inp.choices):]
            ordered = sorted(inp.choices, key=lambda c: ["none", "other", "qa"].index(c.value)
                             if c.value in ("none", "other", "qa") else 0)
            vals[k] = rnd.choices([c.value for c in ordered], weights=weights[: len(ordered)])[0]
    return vals


EVIDENCE_SAMPLES = {  # item key → (file name, text)
    "guarantee_mechanism": ("热线工作保障机制文件.pdf", "关于建立12345热线工作保障机制的通知"),
    "rules_established": ("热线办理工作制度.pdf", "12345热线工单办理工作制度"),
    "training": ("业务培训签到表.pdf", "12345热线业务骨干培训签到表"),
    "leadership": ("领导重视情况记录.pdf", "主要领导听取热线工作汇报会议纪要"),
}


def _sample_pdf(folder, name: str, text: str):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from hotline_desktop.core.pdf_fonts import register_cjk_font

    font, bold = register_cjk_font()
    path = folder / name
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(bold, 18)
    c.drawCentredString(A4[0] / 2, A4[1] - 90, text)
    c.setFont(font, 11)
    c.drawString(72, A4[1] - 130, "（示例区县的演示材料，非真实文件）")
    c.save()
    return path


def attach_demo_evidence(services, year_scheme_id: int, units: list[UnitRow], count: int = 12) -> int:
    """A few scanned-looking PDFs attached to the first units, so the evidence lists are not empty."""
    import tempfile
    from pathlib import Path

    scheme = services.assessment.scheme(year_scheme_id)
    keys = [k for k in EVIDENCE_SAMPLES if scheme.has_input(k)]
    if not keys:
        return 0
    added = 0
    with tempfile.TemporaryDirectory() as tmp:
        files = {k: _sample_pdf(Path(tmp), *EVIDENCE_SAMPLES[k]) for k in keys}
        for u in units[:count]:
            for k in keys:
                services.evidence.add(year_scheme_id, u.id, k, files[k])
                added += 1
    return added


def fill_demo_year(assessment, year: int, scheme_id: str, months: int, seed: int = 2026) -> int:
    """Assign the scheme to the year and fill it; returns the number of values written."""
    ys = assessment.ensure(year, scheme_id)
    scheme = assessment.scheme(ys.id)
    units = assessment.participants(ys.id)
    rnd = random.Random(f"{seed}-{year}-{scheme_id}")
    idle_units = {u.id for u in rnd.sample(units, k=max(1, len(units) // 25))}  # a few without orders
    edits: list[CellEdit] = []
    for m in month_keys(year)[:months]:
        for u in units:
            idle = u.id in idle_units or rnd.random() < 0.03
            for k, v in unit_month_values(scheme, u, rnd, idle).items():
                edits.append(CellEdit(u.id, m, k, v))
    # A department with hardly any orders (Licheng: under 10 in the year scores 0 for volume)
    for u in units:
        for k, v in unit_annual_values(scheme, u, rnd).items():
            edits.append(CellEdit(u.id, None, k, v))
    return len(assessment.set_values(ys.id, edits))
