"""``hotline-desktop score CASE.json``: output JSON exactly as scoring.md shows it; exit 2 with
one stderr line per problem and nothing on stdout for bad input."""

import io
import json

import pytest

from hotline_desktop.core.scoring.case import run_score_case

RATES = {"on_time_completion_rate": 98.5, "satisfaction_rate": 99, "rework_rate": 3, "sign_in_rate": 100,
         "response_rate": 95, "return_overdue_rate": 5, "first_extension_rate": 10, "second_extension_rate": 3}


def run(tmp_path, case, output=None):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False) if not isinstance(case, str) else case, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_score_case(str(path), output, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


HOTLINE_CASE = {
    "scheme": "ganxian-2023-hotline",
    "year": 2023,
    "months": ["2023-01", "2023-02"],
    "units": [{"code": "T01", "name": "梅林镇", "kind": "town"}, {"code": "D01", "name": "区民政局", "kind": "department"}],
    "monthly": [
        {"unit": "T01", "month": "2023-01", "values": {"volume": 21, **RATES}},
        {"unit": "T01", "month": "2023-02", "values": {"volume": 0}},
        {"unit": "D01", "month": "2023-01", "values": {"volume": 52, **RATES, "satisfaction_rate": "97.25"}},
        {"unit": "D01", "month": "2023-02", "values": {"volume": 10, **RATES}},
    ],
    "annual": [{"unit": "T01", "values": {"guarantee_mechanism": True, "dedicated_staff": True, "kb_format": "qa"}}],
}


def test_hotline_output_shape_and_numbers(tmp_path):
    code, out, err = run(tmp_path, HOTLINE_CASE)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["scheme", "units"] and data["scheme"] == "ganxian-2023-hotline"
    t01, d01 = data["units"]
    assert list(t01) == ["code", "group", "status", "total", "rank", "tied", "missing", "veto", "indicators",
                         "monthly_average", "annual_basic", "months"]
    assert t01["code"] == "T01" and t01["group"] == "all" and t01["status"] == "ranked"
    # T01 January: 23.5 + 24 + 10 + 10 + 5 + 6 + 8 + 7 + 2 + 2 = 97.5, volume bonus +2 → 99.5
    jan = t01["months"]["2023-01"]
    assert list(jan) == ["score", "rank", "averaged", "indicators"]
    assert jan == {"score": 99.5, "rank": 1, "averaged": False, "indicators": {
        "on_time_completion": 23.5, "satisfaction": 24, "rework": 10, "sign_in": 10, "response": 5,
        "return_timeliness": 6, "extension": 8, "dispatch": 7, "notices": 2, "result_reply": 2}}
    # D01 January: 97.5 − 1.75 = 95.75 + 1 (52 orders) = 96.75; February 97.5 (10 orders: no bonus)
    feb = t01["months"]["2023-02"]
    assert feb == {"score": 97.5, "rank": None, "averaged": True, "indicators": {}}
    assert t01["monthly_average"] == 98.5 and t01["annual_basic"] == 24 and t01["indicators"]["guarantee"] == 14
    assert t01["total"] == 83.6  # 0.8 × 98.5 + 0.2 × (14 + 10)
    assert d01["monthly_average"] == 97.13 and d01["annual_basic"] == 15
    assert d01["total"] == 80.7  # 0.8 × 97.125 + 0.2 × 15 = 80.7
    assert (t01["rank"], d01["rank"], t01["tied"], t01["veto"], t01["missing"]) == (1, 2, False, None, [])
    # integral values print without a fraction, others with up to 2 decimals
    assert '"guarantee": 14,' in out and '"annual_basic": 24,' in out and '"monthly_average": 97.13,' in out
    assert '"total": 83.6,' in out


def test_output_file_and_online_shape(tmp_path):
    case = {"scheme": "ganxian-2023-online", "months": ["2023-01"],
            "units": [{"code": "A", "name": "a", "kind": "town"}, {"code": "B", "name": "b", "kind": "town"}],
            "monthly": [{"unit": "A", "month": "2023-01", "values": {"on_time_reply_rate": 99.125}},
                        {"unit": "B", "month": "2023-01", "values": {"on_time_reply_rate": 100}}],
            "annual": [{"unit": "B", "values": {"negative_impact": "是", "national_overdue": True}}]}
    target = tmp_path / "out.json"
    code, out, err = run(tmp_path, case, str(target))
    assert code == 0 and out == "" and err == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    a, b = data["units"]
    assert list(a) == ["code", "group", "status", "total", "rank", "tied", "missing", "veto", "indicators",
                       "monthly_average", "months"]
    assert a["indicators"] == {} and a["total"] == 99.13  # half-up: 99.125 → 99.13
    assert b["veto"] == "negative_impact" and b["total"] == 0 and b["monthly_average"] == 100
    assert b["status"] == "ranked" and b["rank"] == 2


def test_licheng_output_and_order(tmp_path):
    full = {"leadership": 5, "institution": 2, "communication": 2, "rework": 4, "attitude": 5}
    case = {"scheme": "licheng-2020", "year": 2020,
            "units": [{"code": "S2", "name": "二社区", "kind": "community"},
                      {"code": "S1", "name": "一社区", "kind": "community"},
                      {"code": "K1", "name": "科一", "kind": "department"},
                      {"code": "S3", "name": "三社区", "kind": "community"}],
            "monthly": [{"unit": "S1", "month": "2020-01", "values": {"volume": 10, "satisfaction_rate": 96.5}},
                        {"unit": "S2", "month": "2020-01", "values": {"volume": 30, "satisfaction_rate": 100}},
                        {"unit": "K1", "month": "2020-03", "values": {"volume": 5, "satisfaction_rate": 100}}],
            "annual": [{"unit": c, "values": full} for c in ("S1", "S2", "K1")]}
    code, out, err = run(tmp_path, case)
    assert code == 0, err
    data = json.loads(out)
    assert [(u["code"], u["group"], u["status"], u["rank"]) for u in data["units"]] == [
        ("S2", "community", "ranked", 1), ("S1", "community", "ranked", 2), ("S3", "community", "incomplete", None),
        ("K1", "department", "ranked", 1)]
    s1 = data["units"][1]
    assert list(s1) == ["code", "group", "status", "total", "rank", "tied", "missing", "veto", "indicators"]
    assert len(s1["indicators"]) == 17 and s1["indicators"]["satisfaction"] == 46.5
    assert s1["indicators"]["volume_share"] == 0.75 and s1["total"] == 92.25
    assert data["units"][3]["indicators"]["volume_share"] == 0  # department under 10 orders
    assert data["units"][2]["total"] is None and data["units"][2]["missing"] == [
        "leadership", "institution", "communication", "rework", "attitude"]


def test_bad_values_exit_2_one_line_each(tmp_path):
    case = dict(HOTLINE_CASE)
    case["monthly"] = [
        {"unit": "T01", "month": "2023-01", "values": {"volume": 3.5, "satisfaction_rate": 105}},
        {"unit": "X", "month": "2023-01", "values": {}},
    ]
    case["annual"] = [{"unit": "D01", "values": {"training": "maybe"}}]
    code, out, err = run(tmp_path, case)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("unit=T01 month=2023-01 key=volume value=3.5: ")
    assert "unit=T01 month=2023-01 key=satisfaction_rate value=105: 诉求满意率必须在 0 到 100 之间：105" in lines
    assert any(line.startswith("unit=X month=2023-01") for line in lines)
    assert any(line.startswith("unit=D01 month=- key=training value=maybe") for line in lines)


@pytest.mark.parametrize("case,needle", [
    ("{not json", "不是有效的 JSON"),
    ({"months": []}, "scheme"),
    ({"scheme": "nope-2000", "units": []}, "nope-2000"),
    ({"scheme": "ganxian-2023-hotline", "units": []}, "months"),
    ({"scheme": "licheng-2020"}, "units"),
    ([1, 2], "JSON 对象"),
])
def test_bad_case_file_exit_2(tmp_path, case, needle):
    code, out, err = run(tmp_path, case)
    assert code == 2 and out == "" and needle in err


def test_missing_file_exit_2(tmp_path):
    err = io.StringIO()
    assert run_score_case(str(tmp_path / "none.json"), None, stderr=err) == 2
    assert "无法读取" in err.getvalue()
