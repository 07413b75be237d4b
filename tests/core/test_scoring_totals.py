"""Ranks compare totals rounded to cents. The totals have one definition (``_totals``), computed
over whole int64 columns for ranks (``_Fixed``) and in Decimals for what results show: rounding
the columns must agree with rounding each unit's Decimal total — also for units with averaged
months (volume 0) and with a total on a half cent, which the columns leave to the Decimals."""

from __future__ import annotations

import random

import numpy as np
import pytest

from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme
from hotline_desktop.core.scoring.engine import _Fixed
from hotline_desktop.core.scoring.numbers import round2

RATES = ["on_time_completion_rate", "satisfaction_rate", "sign_in_rate", "response_rate", "rework_rate",
         "return_overdue_rate", "first_extension_rate", "second_extension_rate"]
MONTHS = [f"2023-{m:02d}" for m in range(1, 8)]  # seven months: averages that do not terminate


def engine(scheme_id: str, seed: int) -> ScoringEngine:
    rng = random.Random(seed)
    units = [UnitRef(f"U{i:03d}", "", rng.choice(("town", "department", "community"))) for i in range(150)]
    monthly = {}
    for u in units:
        for m in MONTHS:
            if rng.random() < 0.15:
                monthly[(u.code, m)] = {"volume": 0}  # averaged
            else:
                monthly[(u.code, m)] = {"volume": rng.choice((3, 40)), **{
                    k: rng.choice(("100", "99.5", "97.25", "93.333333", "88")) for k in RATES}}
    annual = {u.code: {"training": rng.random() < 0.5, "publicity_articles": rng.randrange(4)} for u in units}
    if scheme_id == "ganxian-2023-online":
        monthly = {k: {"on_time_reply_rate": rng.choice(("100", "99.5", "97.333333"))} for k in monthly}
        annual = {}
    return ScoringEngine(load_scheme(scheme_id), units, months=MONTHS, monthly=monthly, annual=annual)


@pytest.mark.parametrize("scheme_id", ["ganxian-2023-hotline", "ganxian-2023-online"])
@pytest.mark.parametrize("seed", range(3))
def test_column_rounding_equals_rounding_each_total(scheme_id, seed):
    e = engine(scheme_id, seed)
    snap = e._snap
    ranked = snap.status == 0
    rows = np.flatnonzero(ranked & (snap.annual.veto < 0))
    cents, sure = _Fixed.cents(e._totals(snap, rows, _Fixed(e._e))[1])
    assert sure.sum() >= len(rows) - 2  # the whole column, averaged months included
    assert (e._rank_cents(snap, ranked)[rows] == cents)[sure].all()
    r = e.result()
    for j, i in enumerate(rows):
        u = r[e._codes[i]]
        assert not sure[j] or cents[j] == int(round2(u.total).scaleb(2)), u.code
    if scheme_id == "ganxian-2023-hotline":
        assert any(m.status == "averaged" for u in r.units.values() for m in u.months.values())


def test_a_total_on_a_half_cent_rounds_up_and_ties():
    """0.8 × 95 + 0.2 × 90.625 = 94.125 → 94.13, level with a unit at 94.13."""
    e = engine("ganxian-2023-hotline", 0)
    snap = e._snap
    ranked = np.flatnonzero(snap.status == 0)
    i, j = ranked[:2]
    # place unit i's Σ months and annual score exactly so (scale e), no month averaged
    s = e.scheme.scale.e
    p = len(snap.period)
    snap.averaged[:, [i, j]] = False
    snap.sums[i], snap.annual.level.score[i] = 95 * p * 10**s, 90625 * 10 ** (s - 3)
    snap.sums[j], snap.annual.level.score[j] = 95 * p * 10**s, 90650 * 10 ** (s - 3)
    cents, sure = _Fixed.cents(e._totals(snap, np.array([i, j]), _Fixed(e._e))[1])
    assert not sure[0] and sure[1] and cents[1] == 9413  # on the half cent: left to the Decimal total
    assert e._rank_cents(snap, snap.status == 0)[[i, j]].tolist() == [9413, 9413]
