"""Result objects after an edit: what an edit reports is exactly the units whose results changed
(the rows a view repaints); units it did not change show equal results; results are built when
read, and a result read after later edits still shows what it showed when it was current. Edits
report the edited units even when none of their figures changed."""

from decimal import Decimal as D

import pytest
from engine_helpers import fresh

from hotline_desktop.core.scoring import ScoringEngine, UnitRef

MONTHS = ["2023-01", "2023-02", "2023-03"]
BASE = {
    "volume": 20, "on_time_completion_rate": 100, "satisfaction_rate": 100, "rework_rate": 0,
    "sign_in_rate": 100, "response_rate": 100, "return_overdue_rate": 0, "first_extension_rate": 0,
    "second_extension_rate": 0,
}
N = 60


def make(hotline) -> ScoringEngine:
    units = [UnitRef(f"U{i:02d}", f"单位{i}", "community") for i in range(N)]
    monthly = {}
    for i, u in enumerate(units):
        for j, m in enumerate(MONTHS):
            # distinct figures per unit, a few ties, the lowest unit first
            monthly[(u.code, m)] = {**BASE, "on_time_completion_rate": D(60) + D(i // 2 * 2 + j) / 2}
    for i in (7, 31, 44):  # no work orders in February: averaged
        monthly[(f"U{i:02d}", "2023-02")] = {"volume": 0}
    return ScoringEngine(hotline, units, months=MONTHS, monthly=monthly, annual={})


def touch_all(result) -> None:
    for u in result.units.values():
        for m in u.months.values():
            assert m.indicators is not None


def test_rank_shift_changes_only_ranks_and_reports_exactly_the_changed_units(hotline):
    e = make(hotline)
    before = e.result()
    touch_all(before)
    changed = e.set_monthly_value("U00", "2023-02", "on_time_completion_rate", "100")
    after = e.result()
    full = fresh(e, months=e.months).result()
    assert after.units == full.units and dict(after.month_averages) == dict(full.month_averages)

    feb_shifted = {c for c in after.units if c != "U00"
                   and after[c].months["2023-02"].rank != before[c].months["2023-02"].rank}
    annual_shifted = {c for c in after.units if c != "U00" and after[c].rank != before[c].rank}
    averaged = {"U07", "U31", "U44"}
    assert len(feb_shifted) >= 40 and len(annual_shifted) >= 40
    assert changed == {"U00"} | feb_shifted | annual_shifted | averaged
    assert all(after[c] == before[c] for c in after.units if c not in changed)
    assert e.rank_moves() == (feb_shifted | annual_shifted) - averaged  # their figures did not move

    for code in after.units.keys() - {"U00"}:
        old, new, ref = before[code], after[code], full[code]
        assert (new.rank, new.tied) == (ref.rank, ref.tied)
        for m in ("2023-01", "2023-03"):
            assert new.months[m] == old.months[m]
        om, nm, rm = old.months["2023-02"], new.months["2023-02"], ref.months["2023-02"]
        assert nm == rm and (nm.rank, nm.tied) == (rm.rank, rm.tied)
        if code in averaged:
            assert nm.status == "averaged" and nm.score == after.month_averages["2023-02"] != om.score
            assert new.total != old.total
            continue
        # a rank shift changes no figure
        assert dict(nm.indicators) == dict(om.indicators)
        assert (nm.score, nm.base, nm.bonus, nm.penalty) == (om.score, om.base, om.bonus, om.penalty)
        if code not in feb_shifted:
            assert nm == om
        for field in ("unit", "total", "indicators", "categories", "annual_score", "monthly_average", "missing"):
            assert getattr(new, field) == getattr(old, field), (code, field)

    # months never shown before the edit are built on demand and equal too
    e2 = make(hotline)
    e2.set_monthly_value("U00", "2023-02", "on_time_completion_rate", "100")
    assert e2.result().units == full.units


def test_rank_shift_then_more_edits_match_fresh(hotline):
    e = make(hotline)
    edits = [("U00", "2023-02", "100"), ("U59", "2023-02", "60"), ("U07", "2023-02", "90"),
             ("U30", "2023-01", "61"), ("U00", "2023-02", "60")]
    for i, (code, month, value) in enumerate(edits):
        if i % 2 == 0:
            touch_all(e.result())
        if code == "U07":
            e.set_many(monthly={(code, month): {**BASE, "on_time_completion_rate": value}}, replace=True)
        else:
            e.set_monthly_value(code, month, "on_time_completion_rate", value)
        full = fresh(e, months=e.months).result()
        assert e.result().units == full.units
        for c, u in e.result().units.items():
            for m in MONTHS:
                assert (u.months[m].rank, u.months[m].tied) == (full[c].months[m].rank, full[c].months[m].tied)


def test_edit_without_visible_change_reports_the_unit(hotline):
    e = make(hotline)
    before = e.result()
    touch_all(before)
    changed = e.set_monthly_value("U10", "2023-01", "volume", 21)  # same volume tier: same figures
    assert changed == {"U10"}
    assert e.result().units == before.units and e.result()["U10"] == before["U10"]
    assert e.monthly_values("U10", "2023-01")["volume"] == 21
    # the same value again is no edit
    assert e.set_monthly_value("U10", "2023-01", "volume", 21) == frozenset()
    assert e.set_many(monthly={("U11", "2023-02"): {"volume": 21}, ("U12", "2023-03"): {"volume": 20}}) == {"U11"}
    # an annual value entered as what it defaults to: no figure moves, the unit is reported
    before = e.result()
    assert e.set_annual_value("U12", "commend_city", 0) == {"U12"}
    assert e.result()["U12"] == before["U12"] and e.annual_values("U12") == {"commend_city": 0}


def test_results_read_late_show_their_own_snapshot(hotline):
    """Nothing is built until read: a result read only after later edits (months never opened,
    units never shown) still shows the figures of its time, as a fresh engine over those values."""
    e = make(hotline)
    first = e.result()
    half = [f"U{i:02d}" for i in range(0, N, 2)]
    for c in half:  # some units shown, with one month opened
        assert first[c].months["2023-02"].status in ("scored", "averaged")
    snapshots = [(first, fresh(e, months=e.months).result())]
    for i, (code, value) in enumerate([("U00", "100"), ("U01", "61"), ("U30", "99"), ("U07", "90"), ("U02", "60")]):
        e.set_monthly_value(code, "2023-02" if i % 2 == 0 else "2023-01", "on_time_completion_rate", value)
        if i % 2:
            e.result()["U00"].months["2023-03"]  # read a little of the current result
        snapshots.append((e.result(), fresh(e, months=e.months).result()))
    for live, ref in snapshots:
        assert live.units == ref.units
        for c in live.units:
            assert dict(live[c].months) == dict(ref[c].months)


@pytest.mark.parametrize("scheme", ["hotline", "licheng"])
def test_place_reads_ranks_without_building_results(scheme, request, hotline):
    """``place``: a unit's (status, rank, 并列) in the year or a month, as its result shows them."""
    e = make(hotline) if scheme == "hotline" else ScoringEngine(
        request.getfixturevalue("licheng"), [UnitRef(f"U{i}", "", "community") for i in range(4)],
        monthly={(f"U{i}", "2020-01"): {"volume": i, "satisfaction_rate": 90 + i} for i in range(4)},
        annual={f"U{i}": {"leadership": 5} for i in range(3)})
    e.set_many(monthly={(next(iter(e.result().units)), e.months[0]): None})  # a unit-month removed
    r = e.result()
    places = {(c, m): r.place(c, m) for c in r.units for m in (None, *r.months, "2099-01")}
    assert not r.units.built  # nothing built to answer
    for (c, m), place in places.items():
        u = r[c]
        shown = u if m is None else u.months.get(m)
        assert place == (("missing", None, False) if shown is None else (shown.status, shown.rank, shown.tied))
