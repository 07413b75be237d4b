"""Schemes ganxian-2023-hotline and ganxian-2023-online (赣县区): monthly indicators at their
thresholds, ±10 / ±20 caps, the 100 ceiling, zero-volume months, dropped months, vetoes."""

from decimal import Decimal as D

import pytest

from hotline_desktop.core.scoring import ScoringEngine, UnitRef

PERFECT = {
    "volume": 5, "on_time_completion_rate": 100, "satisfaction_rate": 100, "rework_rate": 0,
    "sign_in_rate": 100, "response_rate": 100, "return_overdue_rate": 0, "first_extension_rate": 0,
    "second_extension_rate": 0,
}


def month(scheme, values, kind="town", annual=None):
    e = ScoringEngine(scheme, [UnitRef("U1", "u", kind)], months=["2023-01"],
                      monthly={("U1", "2023-01"): values}, annual={"U1": annual or {}})
    return e.result()["U1"]


def indicator(scheme, key, **changes):
    return month(scheme, {**PERFECT, **changes}).months["2023-01"].indicators[key]


@pytest.mark.parametrize("rate,expected", [(100, 25), (99, 24), ("96.5", "21.5"), (90, 15), (75, 0), (60, 0)])
def test_on_time_completion_and_satisfaction(hotline, rate, expected):
    assert indicator(hotline, "on_time_completion", on_time_completion_rate=rate) == D(expected)
    assert indicator(hotline, "satisfaction", satisfaction_rate=rate) == D(expected)


@pytest.mark.parametrize("rate,expected", [(0, 10), (3, 10), ("3.5", "9.5"), (5, 8), (13, 0), (50, 0)])
def test_rework_over_3_percent(hotline, rate, expected):
    assert indicator(hotline, "rework", rework_rate=rate) == D(expected)


@pytest.mark.parametrize("rate,expected", [(100, 10), ("99.5", "9.5"), (90, 0), (80, 0)])
def test_sign_in(hotline, rate, expected):
    assert indicator(hotline, "sign_in", sign_in_rate=rate) == D(expected)


@pytest.mark.parametrize("rate,expected", [(100, 5), (90, 5), ("89.5", "4.5"), (86, 1), (85, 0), (10, 0)])
def test_response_below_90(hotline, rate, expected):
    assert indicator(hotline, "response", response_rate=rate) == D(expected)


@pytest.mark.parametrize("rate,twice,expected", [
    (0, 0, 6), (5, 0, 6), (6, 0, 5), (5, 1, 4), (7, 1, 2), (5, 3, 0), (20, 0, 0), (8, 2, 0),
])
def test_return_timeliness(hotline, rate, twice, expected):
    assert indicator(hotline, "return_timeliness", return_overdue_rate=rate,
                     returned_twice_reassigned=twice) == D(expected)


@pytest.mark.parametrize("first,second,expected", [
    (0, 0, 8), (10, 3, 8), (12, 3, 6), (10, 5, 6), (14, 7, 0), (30, 0, 4), (0, 50, 4), ("10.5", "3.25", "7.25"),
])
def test_extension_halves_clamped_separately(hotline, first, second, expected):
    assert indicator(hotline, "extension", first_extension_rate=first,
                     second_extension_rate=second) == D(expected)


@pytest.mark.parametrize("main,co,expected", [(0, 0, 7), (1, 0, 5), (1, 2, 3), (3, 0, 1), (3, 1, 0), (4, 4, 0)])
def test_dispatch(hotline, main, co, expected):
    assert indicator(hotline, "dispatch", dispatch_main_failures=main, dispatch_co_failures=co) == D(expected)


def test_notices_and_result_reply(hotline):
    assert [indicator(hotline, "notices", notice_failures=n) for n in (0, 1, 2, 3)] == [2, 1, 0, 0]
    assert [indicator(hotline, "result_reply", reply_nonstandard=n) for n in (0, 1, 3, 4, 9)] == [
        2, D("1.5"), D("0.5"), 0, 0]


def test_volume_bonus_seed_examples(hotline):
    # 如某单位月办件52件，则加1分，某镇月办件21件，则加2分
    dept = month(hotline, {**PERFECT, "volume": 52}, kind="department").months["2023-01"]
    town = month(hotline, {**PERFECT, "volume": 21}, kind="town").months["2023-01"]
    assert dept.bonus == 1 and town.bonus == 2
    assert month(hotline, {**PERFECT, "volume": 49}, kind="department").months["2023-01"].bonus == 0
    assert month(hotline, {**PERFECT, "volume": 9}, kind="community").months["2023-01"].bonus == 0
    # all channels count when given
    assert month(hotline, {**PERFECT, "volume": 5, "volume_all_channels": 30}).months["2023-01"].bonus == 3


def test_monthly_score_ceiling_100_and_caps(hotline):
    m = month(hotline, {**PERFECT, "volume": 500}).months["2023-01"]
    assert m.bonus == 10 and m.score == 100  # 100 + 10 → 100
    m = month(hotline, {**PERFECT, "satisfaction_rate": 80, "volume": 500, "praise": 3}).months["2023-01"]
    assert m.base == 80 and m.bonus == 10 and m.score == 90  # plus capped at 10 (50 + 3)
    m = month(hotline, {**PERFECT, "complaints": 4, "supervision_light": 3, "supervision_heavy": 5,
                        "volume": 100}).months["2023-01"]
    assert m.penalty == 10 and m.bonus == 10 and m.score == 100  # 17 capped to 10; separate caps
    m = month(hotline, {**PERFECT, "complaints": 2, "supervision_heavy": 1, "volume": 1}).months["2023-01"]
    assert m.score == 96


def test_monthly_score_floor_zero(hotline):
    worst = {"volume": 1, "on_time_completion_rate": 0, "satisfaction_rate": 0, "rework_rate": 100,
             "sign_in_rate": 0, "response_rate": 0, "return_overdue_rate": 100, "first_extension_rate": 100,
             "second_extension_rate": 100, "dispatch_main_failures": 9, "notice_failures": 9,
             "reply_nonstandard": 9, "complaints": 20}
    m = month(hotline, worst).months["2023-01"]
    assert m.base == 0 and m.score == 0


def test_annual_basic_indicators(hotline):
    annual = {"guarantee_mechanism": "是", "dedicated_staff": True, "rules_established": 1,
              "summary_plan_submitted": "否", "publicity_articles": 9, "kb_format": "other", "kb_updated": True,
              "kb_late_updates": 2, "training": "√", "leadership_meetings": 3,
              "station_rules": True, "station_ledger": False}
    u = month(hotline, PERFECT, annual=annual)
    assert dict(u.indicators) == {"guarantee": 14, "institution": 5, "publicity": 16, "knowledge_base": 11,
                                  "training": 5, "leadership": 15, "service_station": 5}
    assert u.annual_score == 71
    dept = month(hotline, PERFECT, kind="department", annual={})
    assert dept.indicators["service_station"] == 15  # 无此项工作的视为满分
    assert month(hotline, PERFECT, annual={"kb_late_updates": 3, "kb_format": "qa"}).indicators["knowledge_base"] == 4
    assert month(hotline, PERFECT, annual={"kb_late_updates": 9}).indicators["knowledge_base"] == 0
    assert month(hotline, PERFECT, annual={}).indicators["knowledge_base"] == 0  # kb_format missing → none


def test_annual_caps_20_and_ceiling(hotline):
    full = {"guarantee_mechanism": True, "dedicated_staff": True, "rules_established": True,
            "summary_plan_submitted": True, "publicity_articles": 8, "kb_format": "qa", "kb_updated": True,
            "training": True, "leadership_meetings": 4, "station_rules": True, "station_ledger": True}
    assert month(hotline, PERFECT, annual=full).annual_score == 100
    assert month(hotline, PERFECT, annual={**full, "special_plan": True}).annual_score == 100
    u = month(hotline, PERFECT, annual={"commend_national": 2, "commend_city": 3, "special_plan": True,
                                        "training": True})
    assert u.annual_bonus == 20 and u.annual_score == 25  # 16 + 9 + 10 = 35 → 20
    u = month(hotline, PERFECT, annual={**full, "criticism_province": 3, "criticism_district": 9,
                                        "commend_district": 2})
    assert u.annual_penalty == 20 and u.annual_score == 82  # 100 + 2 − 20
    assert month(hotline, PERFECT, annual={"criticism_national": 1}).annual_score == 0


def test_total_is_weighted_80_20(hotline):
    u = month(hotline, {**PERFECT, "satisfaction_rate": "97.5"},
              annual={"guarantee_mechanism": True, "kb_format": "qa"})
    assert u.monthly_average == D("97.5") and u.annual_score == 16
    assert u.total == D("81.2")  # 0.8 × 97.5 + 0.2 × 16


def engine(scheme, units, months, monthly, annual=None):
    refs = [UnitRef(c, c, k) for c, k in units.items()]
    return ScoringEngine(scheme, refs, months=months, monthly=monthly, annual=annual or {})


def test_zero_volume_month_takes_the_month_average(hotline):
    e = engine(hotline, {"A": "town", "B": "town", "C": "town"}, ["2023-01", "2023-02"], {
        ("A", "2023-01"): {**PERFECT, "satisfaction_rate": 90},
        ("B", "2023-01"): {**PERFECT, "satisfaction_rate": 95},
        ("C", "2023-01"): {"volume": 0},
        ("A", "2023-02"): PERFECT, ("B", "2023-02"): PERFECT, ("C", "2023-02"): PERFECT,
    })
    r = e.result()
    c = r["C"].months["2023-01"]
    assert c.averaged and c.score == D("92.5") and c.rank is None
    assert r.month_averages["2023-01"] == D("92.5")
    assert r["A"].months["2023-01"].rank == 2 and r["B"].months["2023-01"].rank == 1
    assert r["C"].monthly_average == D("96.25") and r["C"].status == "ranked"


def test_incomplete_unit_left_out_of_the_mean_but_ranked_in_complete_months(hotline):
    no_rate = {k: v for k, v in PERFECT.items() if k != "sign_in_rate"}
    e = engine(hotline, {"A": "town", "B": "town", "C": "town"}, ["2023-01", "2023-02"], {
        ("A", "2023-01"): {**PERFECT, "satisfaction_rate": 90}, ("A", "2023-02"): PERFECT,
        ("B", "2023-01"): no_rate, ("B", "2023-02"): PERFECT,
        ("C", "2023-01"): {"volume": 0}, ("C", "2023-02"): PERFECT,
    })
    r = e.result()
    assert r["C"].months["2023-01"].score == 90  # only A's complete month
    b = r["B"]
    assert b.status == "incomplete" and b.missing == ("2023-01:sign_in_rate",) and b.total is None
    assert b.months["2023-01"].status == "incomplete" and b.months["2023-01"].rank is None
    assert b.months["2023-02"].rank == 1 and b.months["2023-02"].tied  # ranked where complete


def test_missing_month_makes_unit_incomplete(hotline):
    e = engine(hotline, {"A": "town", "B": "town"}, ["2023-01", "2023-02"], {
        ("A", "2023-01"): PERFECT, ("A", "2023-02"): PERFECT, ("B", "2023-01"): PERFECT,
    })
    b = e.result()["B"]
    assert b.status == "incomplete" and b.missing == ("2023-02",) and b.rank is None
    assert b.months["2023-02"].status == "missing"


def test_month_without_any_volume_is_dropped(hotline):
    e = engine(hotline, {"A": "town", "B": "town"}, ["2023-01", "2023-02"], {
        ("A", "2023-01"): PERFECT, ("B", "2023-01"): {**PERFECT, "satisfaction_rate": 80},
        ("A", "2023-02"): {"volume": 0},  # B has no record in February: not missing, month dropped
    })
    r = e.result()
    assert r.months == ("2023-01",) and r.dropped_months == ("2023-02",)
    assert r["B"].status == "ranked" and r["B"].monthly_average == 80
    assert "2023-02" not in r["A"].months


def test_every_month_dropped_makes_everyone_incomplete(hotline):
    e = engine(hotline, {"A": "town"}, ["2023-01"], {("A", "2023-01"): {"volume": 0}})
    a = e.result()["A"]
    assert a.status == "incomplete" and a.total is None and a.missing == ("period",)


def test_ties_share_rank_and_skip(hotline):
    e = engine(hotline, {c: "town" for c in "ABCD"}, ["2023-01"], {
        ("A", "2023-01"): PERFECT,
        ("B", "2023-01"): {**PERFECT, "satisfaction_rate": "99.001"},
        ("C", "2023-01"): {**PERFECT, "satisfaction_rate": "98.996"},  # both round to 99.00
        ("D", "2023-01"): {**PERFECT, "satisfaction_rate": 98},
    })
    r = e.result()
    assert [(u.code, u.rank, u.tied) for u in r.ordered()] == [
        ("A", 1, False), ("B", 2, True), ("C", 2, True), ("D", 4, False)]
    assert r["B"].total != r["C"].total  # ranks use the rounded totals


# ---------------------------------------------------------------- online

def test_online_indicators_and_supervision(online):
    e = ScoringEngine(online, [UnitRef("A", "a", "department")], months=["2023-01"], monthly={
        ("A", "2023-01"): {"on_time_reply_rate": "95.5", "nonstandard_replies": 2, "late_returns": 6,
                           "missing_seal_pdf": 3, "repeat_posts": 1, "supervised": 1},
    })
    m = e.result()["A"].months["2023-01"]
    assert dict(m.indicators) == {"on_time_reply": D("45.5"), "reply_standard": 6, "return_timeliness": 0,
                                  "sealed_pdf": 14, "repeat_posts": 5}
    assert m.penalty == 5 and m.score == D("65.5")
    assert e.set_monthly_value("A", "2023-01", "supervised", 5) == {"A"}
    assert e.result()["A"].months["2023-01"].score == D("60.5")  # 督办 capped at 10
    e.set_many(monthly={("A", "2023-01"): {"on_time_reply_rate": 0, "repeat_posts": 2, "nonstandard_replies": 9,
                                           "missing_seal_pdf": 10}})
    assert e.result()["A"].months["2023-01"].score == 0


def test_online_rate_required_always(online):
    e = ScoringEngine(online, [UnitRef("A", "a", "town")], months=["2023-01"],
                      monthly={("A", "2023-01"): {"late_returns": 1}})
    a = e.result()["A"]
    assert a.status == "incomplete" and a.missing == ("period",)  # the only month has no complete unit


def test_online_vetoes(online):
    units = {c: "town" for c in "ABC"}
    refs = [UnitRef(c, c, k) for c, k in units.items()]
    monthly = {(c, "2023-01"): {"on_time_reply_rate": 100} for c in units}
    e = ScoringEngine(online, refs, months=["2023-01"], monthly=monthly, annual={
        "A": {"negative_impact": True, "national_overdue": True}, "B": {"national_overdue": "是"}})
    r = e.result()
    assert r["A"].veto == "negative_impact" and r["B"].veto == "national_overdue" and r["C"].veto is None
    assert r["A"].total == 0 and r["A"].status == "ranked" and r["A"].monthly_average == 100
    assert [(u.code, u.rank, u.tied) for u in r.ordered()] == [("C", 1, False), ("A", 2, True), ("B", 2, True)]
