"""Engine behaviour the GUI relies on: bad input reported all at once and never applied,
edits report exactly the units whose figures changed, unit and period changes."""

from decimal import Decimal as D

import pytest

from hotline_desktop.core.scoring import ScoringEngine, ScoringInputError, UnitRef

PERFECT = {
    "volume": 5, "on_time_completion_rate": 100, "satisfaction_rate": 100, "rework_rate": 0,
    "sign_in_rate": 100, "response_rate": 100, "return_overdue_rate": 0, "first_extension_rate": 0,
    "second_extension_rate": 0,
}


def make(hotline):
    units = [UnitRef("A", "甲镇", "town"), UnitRef("B", "乙镇", "town"), UnitRef("C", "丙局", "department")]
    monthly = {(u.code, m): dict(PERFECT) for u in units for m in ("2023-01", "2023-02")}
    monthly[("C", "2023-02")] = {"volume": 0}
    return ScoringEngine(hotline, units, months=["2023-01", "2023-02"], monthly=monthly, annual={})


def test_bad_input_collected_with_unit_month_key_value(hotline):
    with pytest.raises(ScoringInputError) as info:
        ScoringEngine(hotline, [UnitRef("A", "a", "town")], months=["2023-01"], monthly={
            ("A", "2023-01"): {"satisfaction_rate": "105", "praise": "2.5", "nope": 1},
            ("Z", "2023-01"): {},
            ("A", "2023-07"): {},
        }, annual={"A": {"kb_format": "x"}})
    problems = info.value.problems
    assert len(problems) == 6
    p = problems[0]
    assert (p.unit, p.month, p.key, p.value) == ("A", "2023-01", "satisfaction_rate", "105")
    assert p.message_zh == "诉求满意率必须在 0 到 100 之间：105"
    assert "unit=A month=2023-01 key=satisfaction_rate value=105" in p.line()
    assert any(q.unit == "Z" and "未知的单位" in q.message_zh for q in problems)
    assert any(q.month == "2023-07" and "不在考核期内" in q.message_zh for q in problems)
    assert len(str(info.value).splitlines()) == 6


def test_bad_edit_changes_nothing(hotline):
    e = make(hotline)
    before = e.result()
    with pytest.raises(ScoringInputError) as info:
        e.set_many(monthly={("A", "2023-01"): {"satisfaction_rate": 90},
                            ("B", "2023-01"): {"satisfaction_rate": -1}})
    assert len(info.value.problems) == 1
    assert e.result() is before and e.monthly_values("A", "2023-01")["satisfaction_rate"] == 100


def test_edit_reports_changed_units(hotline):
    e = make(hotline)
    changed = e.set_monthly_value("A", "2023-01", "satisfaction_rate", "99")
    # A's score and rank change; B's monthly and annual rank change (no longer tied);
    # C is averaged in February only, so January's mean change does not touch it.
    assert changed == {"A", "B"}
    r = e.result()
    assert r["A"].months["2023-01"].score == 99 and r["A"].months["2023-01"].rank == 3
    assert (r["C"].rank, r["B"].rank, r["B"].tied, r["A"].rank) == (1, 2, False, 3)
    changed = e.set_monthly_value("A", "2023-02", "satisfaction_rate", "99")
    # C's averaged February follows the mean; B is no longer tied in February
    assert changed == {"A", "B", "C"}
    assert not e.result()["B"].months["2023-02"].tied
    assert e.result()["C"].months["2023-02"].score == D("99.5")
    assert e.set_monthly_value("A", "2023-02", "satisfaction_rate", "99.0") == frozenset()


def test_clear_required_rate_then_restore(hotline):
    e = make(hotline)
    e.set_monthly_value("A", "2023-01", "sign_in_rate", None)
    a = e.result()["A"]
    assert a.status == "incomplete" and a.missing == ("2023-01:sign_in_rate",)
    e.set_monthly_value("A", "2023-01", "sign_in_rate", "100")
    assert e.result()["A"].status == "ranked"


def test_remove_month_record_and_annual_edit(hotline):
    e = make(hotline)
    assert "B" in e.remove_month("B", "2023-02")
    assert e.result()["B"].missing == ("2023-02",)
    changed = e.set_annual_value("A", "training", "是")
    assert "A" in changed and e.result()["A"].indicators["training"] == 5


def test_a_unit_without_data_is_incomplete_and_a_refused_unit_is_named(hotline):
    """A unit with no month entered misses every month; a unit of an unknown kind, one without a
    code or no unit at all is refused at once, each with one problem."""
    units = [UnitRef("A", "甲镇", "town"), UnitRef("D", "丁镇", "town")]
    e = ScoringEngine(hotline, units, months=["2023-01", "2023-02"],
                      monthly={("A", m): dict(PERFECT) for m in ("2023-01", "2023-02")})
    assert e.result()["D"].status == "incomplete" and e.result()["D"].missing == ("2023-01", "2023-02")
    for bad in (UnitRef("E", "e", "village"), UnitRef("", "空", "town"), "E"):
        with pytest.raises(ScoringInputError) as info:
            ScoringEngine(hotline, [*units, bad], months=["2023-01"])
        assert len(info.value.problems) == 1


def test_months_default_to_data_or_are_fixed(hotline):
    units = [UnitRef("A", "a", "town"), UnitRef("B", "b", "town")]
    e = ScoringEngine(hotline, units, monthly={("A", "2023-03"): PERFECT, ("B", "2023-03"): PERFECT})
    assert e.result().months == ("2023-03",)
    e.set_monthly_value("A", "2023-04", "volume", 0)
    assert e.months == ("2023-03", "2023-04")
    assert e.result().months == ("2023-03",) and e.result().dropped_months == ("2023-04",)
    changed = e.set_many(monthly={("B", "2023-05"): PERFECT})
    assert changed == {"A", "B"}
    assert e.result()["A"].missing == ("2023-05",)
    fixed = ScoringEngine(hotline, units, months=["2023-03", "2023-04", "2023-05", "2023-06"],
                          monthly={("A", "2023-03"): PERFECT, ("B", "2023-05"): PERFECT})
    assert fixed.result().months == ("2023-03", "2023-05")  # months without a scored unit are dropped
    with pytest.raises(ScoringInputError, match="不在考核期内"):
        fixed.set_monthly_value("A", "2023-07", "volume", 1)


def test_year_check_and_month_format(hotline):
    with pytest.raises(ScoringInputError, match="YYYY-MM"):
        ScoringEngine(hotline, [], months=["2023-1"])
    with pytest.raises(ScoringInputError, match="不属于 2023 年"):
        ScoringEngine(hotline, [], months=["2024-01"], year=2023)


def test_duplicate_unit_rejected(hotline):
    with pytest.raises(ScoringInputError, match="单位编码重复"):
        ScoringEngine(hotline, [UnitRef("A", "a", "town"), UnitRef("A", "b", "town")], months=[])


def test_result_is_immutable(hotline):
    r = make(hotline).result()
    with pytest.raises(TypeError):
        r["A"].indicators["training"] = D(5)
    with pytest.raises(AttributeError):
        r["A"].total = D(1)


def test_a_cell_parses_by_its_type_not_by_an_equal_value_parsed_before(hotline):
    """Parsed texts are cached (InputDef.parse: cells repeat across units and months): a boolean
    typed into a count is refused even after the count 1 was taken (True == 1 in Python), and 1.5
    is no integer."""
    units = [UnitRef("A", "甲镇", "town"), UnitRef("B", "乙镇", "town")]
    e = ScoringEngine(hotline, units, months=["2023-01"], monthly={("A", "2023-01"): {**PERFECT, "praise": 1}})
    for bad in (True, 1.5):
        with pytest.raises(ScoringInputError) as info:
            e.set_monthly_value("B", "2023-01", "praise", bad)
        assert [p.key for p in info.value.problems] == ["praise"]
    assert e.monthly_values("B", "2023-01") is None and e.monthly_values("A", "2023-01")["praise"] == 1


def test_competition_ranks_count_close_totals_and_sort_far_ones():
    """Ranks 1, 2, 2, 4: 1 + the rows above, 并列 when shared; the same whether the totals lie close
    together (counted) or far apart (sorted), and rows not ranked get 0."""
    import random

    import numpy as np

    from hotline_desktop.core.scoring.rules import competition_ranks

    rank, tied = competition_ranks(np.array([9500, 9400, 9999, 9400, 9100, 8000]), np.array([1, 1, 1, 1, 0, 1], bool))
    assert rank.tolist() == [2, 3, 1, 3, 0, 5] and tied.tolist() == [False, True, False, True, False, False]
    rng = random.Random(3)
    for spread in (50, 10**9):
        values = [rng.randrange(spread) for _ in range(300)] + [7] * 3
        ranked = [rng.random() < 0.9 for _ in values]
        rank, tied = competition_ranks(np.array(values, np.int64), np.array(ranked))
        shown = [v for v, r in zip(values, ranked, strict=True) if r]
        assert rank.tolist() == [1 + sum(w > v for w in shown) if r else 0 for v, r in zip(values, ranked, strict=True)]
        assert tied.tolist() == [r and shown.count(v) > 1 for v, r in zip(values, ranked, strict=True)]
