"""Scheme licheng-2020 (历城区): every indicator, unranked units, departments under 10 orders,
the dissatisfaction-analysis rule, groups per unit kind, incomplete units."""

from decimal import Decimal as D

import pytest

from hotline_desktop.core.scoring import ScoringEngine, UnitRef

MANUAL_FULL = {"leadership": 5, "institution": 2, "communication": 2, "rework": 4, "attitude": 5}


def score(scheme, monthly_by_unit, annual=None, kinds=None):
    kinds = kinds or {}
    units = [UnitRef(c, c, kinds.get(c, "community")) for c in monthly_by_unit]
    monthly = {}
    for code, months in monthly_by_unit.items():
        for month, values in months.items():
            monthly[(code, month)] = values
    annual = annual if annual is not None else {c: dict(MANUAL_FULL) for c in monthly_by_unit}
    return ScoringEngine(scheme, units, monthly=monthly, annual=annual).result()


def one(scheme, values, annual=None, kind="community"):
    """Score one unit with a single month of figures."""
    r = score(scheme, {"U1": {"2020-01": values}}, None if annual is None else {"U1": annual}, {"U1": kind})
    return r["U1"]


@pytest.mark.parametrize("rate,expected", [
    ("100", "50"), ("99", "49"), ("96.5", "46.5"), ("90", "40"), ("50", "0"), ("40", "0"), ("0", "0"),
])
def test_satisfaction_each_point_below_100_costs_one(licheng, rate, expected):
    u = one(licheng, {"volume": 5, "satisfaction_rate": rate})
    assert u.indicators["satisfaction"] == D(expected)


def test_satisfaction_is_volume_weighted_over_the_year(licheng):
    r = score(licheng, {"U1": {
        "2020-01": {"volume": 30, "satisfaction_rate": "100"},
        "2020-02": {"volume": 10, "satisfaction_rate": "90"},
        "2020-03": {"volume": 0},  # no orders: its (absent) rate is not needed and not counted
    }})
    assert r["U1"].indicators["satisfaction"] == D("47.5")  # rate 97.5


@pytest.mark.parametrize("key,input_key,per,mx", [
    ("overdue_normal", "overdue_normal", 1, 3), ("overdue_urgent", "overdue_urgent", 1, 3),
    ("overdue_key", "overdue_key", 1, 3), ("shirk_once", "shirk_once", 1, 4),
    ("shirk_multi", "shirk_multi", 2, 6), ("supervision", "supervision_unfinished", 2, 6),
])
def test_per_count_deductions_stop_at_zero(licheng, key, input_key, per, mx):
    for n in range(0, 8):
        u = one(licheng, {"volume": 5, "satisfaction_rate": 100, input_key: n})
        assert u.indicators[key] == D(max(0, mx - per * n))


def test_counts_are_summed_over_months(licheng):
    r = score(licheng, {"U1": {
        "2020-01": {"volume": 5, "satisfaction_rate": 100, "overdue_normal": 1, "shirk_multi": 1},
        "2020-02": {"volume": 5, "satisfaction_rate": 100, "overdue_normal": 1, "shirk_multi": 1},
    }})
    assert r["U1"].indicators["overdue_normal"] == 1
    assert r["U1"].indicators["shirk_multi"] == 2
    assert r["U1"].categories["timeliness"] == 7
    assert r["U1"].categories["shirk"] == 6


@pytest.mark.parametrize("n,expected", [(0, "0"), (1, "0.1"), (25, "2.5"), (40, "4"), (41, "4"), (100, "4")])
def test_info_reports_bonus_capped_at_4(licheng, n, expected):
    u = one(licheng, {"volume": 5, "satisfaction_rate": 100, "info_reports": n})
    assert u.indicators["info_reports"] == D(expected)


@pytest.mark.parametrize("n,expected", [(3, "0.3"), (20, "2"), (35, "2")])
def test_praise_bonus_capped_at_2(licheng, n, expected):
    u = one(licheng, {"volume": 5, "satisfaction_rate": 100, "praise": n})
    assert u.indicators["praise"] == D(expected)


def test_manual_scores_as_entered_and_archives(licheng):
    annual = {"leadership": "4.5", "institution": 1, "communication": 2, "rework": "3.5", "attitude": 4,
              "archives": "有"}
    u = one(licheng, {"volume": 5, "satisfaction_rate": 100}, annual)
    assert u.indicators["leadership"] == D("4.5")
    assert u.indicators["rework"] == D("3.5")
    assert u.indicators["archives"] == 1
    assert one(licheng, {"volume": 5, "satisfaction_rate": 100}, dict(MANUAL_FULL)).indicators["archives"] == 0


def test_dissatisfaction_analysis_full_without_dissatisfied_orders(licheng):
    u = one(licheng, {"volume": 5, "satisfaction_rate": 100})
    assert u.indicators["dissatisfaction_analysis"] == 2
    assert u.status == "ranked"
    # with dissatisfied orders the manual score is required …
    u = one(licheng, {"volume": 5, "satisfaction_rate": 90, "dissatisfied_orders": 2})
    assert u.status == "incomplete" and u.missing == ("dissatisfaction_analysis",) and u.total is None
    # … and used as entered
    u = one(licheng, {"volume": 5, "satisfaction_rate": 90, "dissatisfied_orders": 2},
            {**MANUAL_FULL, "dissatisfaction_analysis": "0.5"})
    assert u.indicators["dissatisfaction_analysis"] == D("0.5")
    # without dissatisfied orders an entered score is ignored
    u = one(licheng, {"volume": 5, "satisfaction_rate": 100}, {**MANUAL_FULL, "dissatisfaction_analysis": 0})
    assert u.indicators["dissatisfaction_analysis"] == 2


def test_volume_share_within_group_and_department_under_10(licheng):
    r = score(licheng, {
        "C1": {"2020-01": {"volume": 30, "satisfaction_rate": 100}},
        "C2": {"2020-01": {"volume": 10, "satisfaction_rate": 100}},
        "D1": {"2020-01": {"volume": 9, "satisfaction_rate": 100}},
        "D2": {"2020-01": {"volume": 27, "satisfaction_rate": 100}},
    }, kinds={"C1": "community", "C2": "community", "D1": "department", "D2": "department"})
    assert r["C1"].indicators["volume_share"] == D("2.25")  # 3 × 30 / 40
    assert r["C2"].indicators["volume_share"] == D("0.75")
    assert r["D1"].indicators["volume_share"] == 0  # 少于10件不计分 …
    assert r["D2"].indicators["volume_share"] == D("2.25")  # … but its 9 still count in Σ (27 / 36)
    assert r["C1"].group == "community" and r["D1"].group == "department"
    assert r["C1"].rank == 1 and r["D2"].rank == 1  # separate ranking per kind


def test_full_marks_total_is_105(licheng):
    u = one(licheng, {"volume": 10, "satisfaction_rate": 100, "info_reports": 40, "praise": 20},
            {**MANUAL_FULL, "archives": True})
    assert u.total == 105 and u.categories["extra"] == 15 and u.categories["daily"] == 15


def test_unit_without_orders_is_unranked_but_shown(licheng):
    r = score(licheng, {
        "C1": {"2020-01": {"volume": 10, "satisfaction_rate": 95}},
        "C2": {"2020-01": {"volume": 0}},
    })
    c2 = r["C2"]
    assert c2.status == "unranked" and c2.rank is None
    assert c2.indicators["satisfaction"] == 50
    assert c2.total == 50 + 9 + 10 + 6 + 15 + 5
    assert r["C1"].rank == 1
    assert [u.code for u in r.ordered()] == ["C1", "C2"]


def test_missing_rate_makes_unit_incomplete(licheng):
    r = score(licheng, {"C1": {"2020-01": {"volume": 10, "satisfaction_rate": 95},
                               "2020-02": {"volume": 3}}})
    u = r["C1"]
    assert u.status == "incomplete" and u.total is None and u.rank is None
    assert u.missing == ("2020-02:satisfaction_rate",)
    assert "satisfaction" not in u.indicators  # not shown from half the data
    assert u.indicators["overdue_normal"] == 3


def test_missing_manual_score_incomplete_and_precedes_unranked(licheng):
    r = score(licheng, {"C1": {"2020-01": {"volume": 0}}}, annual={"C1": {"leadership": 5}})
    u = r["C1"]
    assert u.status == "incomplete"
    assert set(u.missing) == {"institution", "communication", "rework", "attitude"}


def test_licheng_ties_share_rank(licheng):
    vals = {"volume": 10, "satisfaction_rate": 100}
    r = score(licheng, {
        "C1": {"2020-01": {**vals, "satisfaction_rate": 99}},
        "C2": {"2020-01": vals}, "C3": {"2020-01": vals},
        "C4": {"2020-01": {**vals, "overdue_key": 1}},
    })
    assert [(u.code, u.rank, u.tied) for u in r.ordered()] == [
        ("C2", 1, True), ("C3", 1, True), ("C1", 3, True), ("C4", 3, True)]
    assert r["C2"].rank_text == "1（并列）"


def test_year_figures_are_what_the_indicators_score(licheng):
    """The monthly grid's 全年 columns read these: Σ counts, volume-weighted rate (None without volume)."""
    units = [UnitRef("A", "a", "community"), UnitRef("B", "b", "community")]
    monthly = {("A", "2025-01"): {"volume": 30, "satisfaction_rate": "90", "praise": 2},
               ("A", "2025-02"): {"volume": 10, "satisfaction_rate": "98", "praise": 1},
               ("A", "2025-03"): {"volume": 0, "satisfaction_rate": "10"},  # no volume: no weight
               ("B", "2025-01"): {"volume": 0}}
    e = ScoringEngine(licheng, units, monthly=monthly, annual={})
    a = e.year_figures("A")
    assert a["volume"] == 40 and a["praise"] == 3
    assert a["satisfaction_rate"] == D(92)  # (90 × 30 + 98 × 10) / 40
    assert e.result()["A"].indicators["satisfaction"] == 50 - (100 - 92)
    assert e.year_figures("B")["satisfaction_rate"] is None and e.year_figures("B")["volume"] == 0
    e.set_monthly_value("A", "2025-02", "satisfaction_rate", "90")
    assert e.year_figures("A")["satisfaction_rate"] == 90


def test_a_period_month_without_any_data_scores_the_months_that_have_some(licheng):
    """A fixed period with a month nobody entered yet (was a KeyError): the year sums what exists."""
    e = ScoringEngine(licheng, [UnitRef("U1", "U1", "community")], months=["2020-01", "2020-02"],
                      monthly={("U1", "2020-01"): {"volume": 10, "satisfaction_rate": "99"}},
                      annual={"U1": dict(MANUAL_FULL)})
    u = e.result()["U1"]
    assert e.year_figures("U1")["volume"] == 10 and e.year_figures("U1")["satisfaction_rate"] == 99
    assert u == one(licheng, {"volume": 10, "satisfaction_rate": "99"})
