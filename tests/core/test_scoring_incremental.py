"""Incremental recompute at a larger scale: many units, few distinct figures (many ties, long
runs of equal ranks), averaged months, incomplete months, records added and removed.

After every edit the live result must equal a fresh engine built from the same values, the
reported changed units must be exactly those whose result differs plus those whose entered
values changed, and ranks must follow the
competition rule (1, 2, 2, 4) on rounded figures.
"""

from __future__ import annotations

import random

import pytest
from engine_helpers import edited_units, entered, fresh

from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme
from hotline_desktop.core.scoring.numbers import round2

HOTLINE = load_scheme("ganxian-2023-hotline")
ONLINE = load_scheme("ganxian-2023-online")
LICHENG = load_scheme("licheng-2020")
MONTHS = ["2023-01", "2023-02", "2023-03", "2023-04"]
GOOD = ["on_time_completion_rate", "satisfaction_rate", "sign_in_rate", "response_rate"]
BAD = ["rework_rate", "return_overdue_rate", "first_extension_rate", "second_extension_rate"]
KINDS = ("town", "department", "community")


def check_ranks(result):
    for group in result.groups:
        ranked = [u for u in result.group_units(group) if u.status == "ranked"]
        for u in ranked:
            higher = sum(1 for v in ranked if v.rounded_total > u.rounded_total)
            same = sum(1 for v in ranked if v.rounded_total == u.rounded_total)
            assert (u.rank, u.tied) == (higher + 1, same > 1)
    for m in result.months if result.scheme.has_monthly_scores else ():
        scored = [u.months[m] for u in result.units.values() if u.months[m].status == "scored"]
        for mr in scored:
            mine = round2(mr.score)
            higher = sum(1 for o in scored if round2(o.score) > mine)
            same = sum(1 for o in scored if round2(o.score) == mine)
            assert (mr.rank, mr.tied) == (higher + 1, same > 1)


def hotline_values(rng: random.Random) -> dict:
    r = rng.random()
    if r < 0.1:
        return {"volume": 0}
    values = {"volume": rng.choice((5, 20, 60))}
    values.update({k: rng.choice(("100", "99", "98.5")) for k in GOOD})
    values.update({k: rng.choice(("0", "3", "11")) for k in BAD})
    if r < 0.15:
        values.pop("sign_in_rate")  # incomplete
    values["complaints"] = rng.choice((0, 0, 1))
    return values


def run(scheme, months, make_values, edit, n_units=30, n_edits=120, seed=0):
    rng = random.Random(seed)
    units = [UnitRef(f"U{i:02d}", f"u{i}", KINDS[i % 3]) for i in range(n_units)]
    monthly = {(u.code, m): make_values(rng) for u in units for m in (months or MONTHS) if rng.random() < 0.95}
    engine = ScoringEngine(scheme, units, months=months, monthly=monthly, annual={})
    for _ in range(n_edits):
        before = engine.result()
        values_before = entered(engine)
        changed = edit(engine, rng, units)
        after = engine.result()
        full = fresh(engine, scheme, months).result()
        assert after.units == full.units
        assert after.months == full.months and after.dropped_months == full.dropped_months
        assert dict(after.month_averages) == dict(full.month_averages)
        differing = {c for c in after.units.keys() | before.units.keys()
                     if before.units.get(c) != after.units.get(c)}
        assert set(changed) == differing | edited_units(values_before, entered(engine))
        check_ranks(after)
        # a later edit never alters an earlier result
        assert before.units == {c: before.units[c] for c in before.units}


def hotline_edit(engine, rng, units):
    code = rng.choice(units).code
    month = rng.choice(MONTHS)
    r = rng.random()
    if r < 0.08:
        return engine.remove_month(code, month)
    if r < 0.2:
        return engine.set_many(monthly={(code, month): hotline_values(rng)}, replace=True)
    if r < 0.3:
        key, options = rng.choice((("training", (True, False, None)), ("kb_format", ("qa", "other", None)),
                                   ("commend_city", (0, 2, 7, None))))
        return engine.set_annual_value(code, key, rng.choice(options))
    if r < 0.4:
        return engine.set_monthly_value(code, month, "volume", rng.choice((0, 10, None)))
    key = rng.choice(GOOD + BAD + ["complaints"])
    value = rng.choice((0, 1, 2)) if key == "complaints" else rng.choice(("100", "99", "98.5", "97", None))
    return engine.set_monthly_value(code, month, key, value)


@pytest.mark.parametrize("seed", range(4))
def test_hotline_many_ties_fixed_period(seed):
    run(HOTLINE, MONTHS, hotline_values, hotline_edit, seed=seed)


@pytest.mark.parametrize("seed", range(2))
def test_hotline_many_ties_period_from_data(seed):
    run(HOTLINE, None, hotline_values, hotline_edit, seed=10 + seed)


def online_edit(engine, rng, units):
    code = rng.choice(units).code
    if rng.random() < 0.1:
        return engine.set_annual_value(code, "negative_impact", rng.choice((True, False)))
    return engine.set_monthly_value(code, rng.choice(MONTHS), rng.choice(("on_time_reply_rate", "supervised")),
                                    rng.choice(("100", "99", "0", None)))


def test_online_many_ties():
    run(ONLINE, MONTHS, lambda rng: {"on_time_reply_rate": rng.choice(("100", "99"))}, online_edit, seed=3)


def licheng_edit(engine, rng, units):
    code = rng.choice(units).code
    if rng.random() < 0.3:
        return engine.set_annual_value(code, rng.choice(("leadership", "attitude")), rng.choice(("5", "4.5", None)))
    return engine.set_monthly_value(code, rng.choice(MONTHS[:2]).replace("2023", "2020"),
                                    rng.choice(("volume", "satisfaction_rate", "praise")),
                                    rng.choice((0, 10, 30)) if rng.random() < 0.5 else rng.choice(("97", "100")))


def test_licheng_many_ties():
    full = {"leadership": 5, "institution": 2, "communication": 2, "rework": 4, "attitude": 5,
            "dissatisfaction_analysis": 2, "archives": True}

    def values(rng):
        return {"volume": rng.choice((0, 10, 30)), "satisfaction_rate": rng.choice(("97", "100"))}

    rng = random.Random(5)
    units = [UnitRef(f"U{i:02d}", f"u{i}", ("community", "department")[i % 2]) for i in range(24)]
    monthly = {(u.code, m): values(rng) for u in units for m in ("2020-01", "2020-02")}
    engine = ScoringEngine(LICHENG, units, monthly=monthly, annual={u.code: full for u in units})
    for _ in range(80):
        before = engine.result()
        values_before = entered(engine)
        changed = licheng_edit(engine, rng, units)
        after = engine.result()
        assert after.units == fresh(engine, LICHENG, None).result().units
        assert set(changed) == ({c for c in after.units if before.units[c] != after.units[c]}
                                | edited_units(values_before, entered(engine)))
        check_ranks(after)
