"""The ``score`` output text is byte-identical to the original generic serializer.

``dumps_result`` (memoised, the one serializer of ``hotline-desktop score`` and the ranking JSON
export) is pinned to the original implementation — a plain indent-2 dump of ``result_to_json_data``
kept here as the reference — over cases covering every status (ranked, unranked, incomplete,
averaged, missing months, veto, ties, dropped months), and for a fixed larger case to the figures it
must show and to the bytes the original serializer wrote.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping
from decimal import Decimal

import pytest

from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme
from hotline_desktop.core.scoring.case import dumps_result, result_to_json_data, score_case
from hotline_desktop.core.scoring.numbers import json_number


def _ref_dump(value, indent: int, level: int) -> str:
    """The original serializer of ``hotline-desktop score`` (reference, do not optimise)."""
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
        parts = [f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {_ref_dump(v, indent, level + 1)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(parts) + "\n" + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(pad + _ref_dump(v, indent, level + 1) for v in value) + "\n" + end + "]"
    raise TypeError(f"cannot serialise {type(value).__name__}")


def reference_text(result) -> str:
    return _ref_dump(result_to_json_data(result), 2, 0) + "\n"


RATES = ("on_time_completion_rate", "satisfaction_rate", "rework_rate", "sign_in_rate", "response_rate",
         "return_overdue_rate", "first_extension_rate", "second_extension_rate")
COUNTS = ("returned_twice_reassigned", "dispatch_main_failures", "dispatch_co_failures", "notice_failures",
          "reply_nonstandard", "praise", "complaints", "supervision_light", "supervision_heavy")
KINDS = ("town", "department", "community")


def hotline_case(n_units: int, n_months: int, seed: int) -> dict:
    """A deterministic case with every status: averaged, incomplete and missing months, ties."""
    rng = random.Random(seed)
    units = [{"code": f"U{i:03d}", "name": f"单位\"{i}\"\\", "kind": KINDS[i % 3]} for i in range(n_units)]
    months = [f"2023-{m:02d}" for m in range(1, n_months + 1)]
    monthly = []
    for u in units:
        for m in months:
            r = rng.random()
            if r < 0.03:
                continue  # missing month
            volume = 0 if r < 0.08 else rng.randint(1, 120)
            values: dict[str, object] = {"volume": volume}
            if volume:
                for k in RATES:
                    values[k] = rng.choice(("100", "0", "3", "99.5", f"{rng.randint(8000, 10000) / 100:.2f}",
                                            f"{rng.randint(0, 1000) / 100:.2f}", "97.125", "99.995"))
                if r < 0.11:
                    values.pop("satisfaction_rate")  # incomplete month
                for c in COUNTS:
                    values[c] = rng.choice((0, 0, 0, 1, 2, 7))
            monthly.append({"unit": u["code"], "month": m, "values": values})
    annual = [{"unit": u["code"], "values": {
        "guarantee_mechanism": rng.random() < 0.8, "dedicated_staff": rng.random() < 0.9,
        "publicity_articles": rng.randint(0, 10), "kb_format": rng.choice(("qa", "other", "none")),
        "leadership_meetings": rng.randint(0, 5), "commend_city": rng.randint(0, 9),
        "criticism_national": rng.choice((0, 0, 0, 3)),
    }} for u in units]
    return {"scheme": "ganxian-2023-hotline", "year": 2023, "months": months, "units": units,
            "monthly": monthly, "annual": annual}


def _engine(scheme_id, units, months, monthly, annual):
    return ScoringEngine(load_scheme(scheme_id), [UnitRef(*u) for u in units], months=months,
                         monthly=monthly, annual=annual)


def small_results():
    ones = {k: "100" for k in RATES} | {"rework_rate": "0", "return_overdue_rate": "0",
                                          "first_extension_rate": "0", "second_extension_rate": "0"}
    hot = _engine(
        "ganxian-2023-hotline",
        [("A", "甲", "town"), ("B", "乙", "department"), ("C", "丙", "community"), ("D", "丁", "town")],
        ["2023-01", "2023-02", "2023-03"],
        {("A", "2023-01"): {"volume": 5, **ones}, ("B", "2023-01"): {"volume": 5, **ones},
         ("C", "2023-01"): {"volume": 0}, ("A", "2023-02"): {"volume": 3, **ones, "satisfaction_rate": "97.255"},
         ("B", "2023-02"): {"volume": 3, **ones, "sign_in_rate": None}, ("D", "2023-01"): {"volume": 0},
         ("A", "2023-03"): {"volume": 0}},
        {"A": {"kb_format": "qa"}, "D": {"special_plan": True}},
    )
    online = _engine(
        "ganxian-2023-online", [("A", "a", "town"), ("B", "b", "town"), ("C", "c", "department")],
        ["2023-01", "2023-02"],
        {("A", "2023-01"): {"on_time_reply_rate": "99.125"}, ("B", "2023-01"): {"on_time_reply_rate": 100},
         ("C", "2023-01"): {"on_time_reply_rate": "99.125", "supervised": 1},
         ("A", "2023-02"): {"on_time_reply_rate": "0"}},
        {"B": {"negative_impact": True, "national_overdue": True}, "C": {"national_overdue": True}},
    )
    full = {"leadership": 5, "institution": 2, "communication": 2, "rework": 4, "attitude": 5,
            "dissatisfaction_analysis": "1.5", "archives": True}
    licheng = _engine(
        "licheng-2020",
        [("C1", "社区一", "community"), ("C2", "社区二", "community"), ("D1", "科室一", "department"),
         ("D2", "科室二", "department"), ("D3", "科室三", "department")],
        None,
        {("C1", "2020-01"): {"volume": 30, "satisfaction_rate": "97.5", "praise": 3, "info_reports": 7},
         ("C2", "2020-01"): {"volume": 10, "satisfaction_rate": "99", "dissatisfied_orders": 2},
         ("D1", "2020-02"): {"volume": 9, "satisfaction_rate": "100"},
         ("D2", "2020-02"): {"volume": 0},
         ("D3", "2020-01"): {"volume": 4}},
        {"C1": full, "C2": full, "D1": full, "D2": full},
    )
    return [hot.result(), online.result(), licheng.result()]


def test_small_cases_match_reference():
    for result in small_results():
        assert dumps_result(result) == reference_text(result)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_cases_match_reference(seed):
    from hotline_desktop.core.scoring.case import load_case

    result = load_case(hotline_case(40, 12, seed)).result()
    assert dumps_result(result) == reference_text(result)


def test_dropped_month_and_empty_period():
    e = _engine("ganxian-2023-hotline", [("A", "a", "town")], ["2023-01", "2023-02"],
                {("A", "2023-01"): {"volume": 0}}, {})
    assert dumps_result(e.result()) == reference_text(e.result())


# sha256 of the ``score`` output for hotline_case(120, 12, seed=11), taken with the original
# generic serializer before any fast path existed: the bytes, beyond the figures named below.
GOLDEN_SHA256 = "dcd515b6c91fda4a46a0d2149a191fbae092bae0c8f8e3d92357d7efc33bbdcd"


def test_fixed_case_output_figures_and_bytes():
    text = score_case(json.loads(json.dumps(hotline_case(120, 12, 11)), parse_float=Decimal))
    out = json.loads(text, parse_float=Decimal)
    units = {u["code"]: u for u in out["units"]}
    assert [u["status"] for u in out["units"]].count("ranked") == 43 and len(units) == 120
    first = out["units"][0]  # ranked units first, by rank
    assert (first["code"], first["total"], first["rank"]) == ("U045", Decimal("58.22"), 1)
    u = units["U000"]  # total = 0.8 × monthly mean + 0.2 × 年度基础考核, each rounded half-up for output
    assert (u["total"], u["rank"], u["monthly_average"], u["annual_basic"]) == (Decimal("50.4"), 23, Decimal("48.99"), 56)
    assert u["months"]["2023-02"] == {"score": Decimal("48.06"), "rank": None, "averaged": True, "indicators": {}}
    assert units["U003"]["status"] == "incomplete" and units["U003"]["missing"] == ["2023-01:satisfaction_rate"]
    assert '"total": 50.4,' in text and '"score": 53,' in text  # figures without trailing zeros
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == GOLDEN_SHA256
