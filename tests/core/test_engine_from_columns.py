"""ScoringEngine.from_columns: an engine over values already in column form (as the store keeps
them) scores exactly what the same values as records score, and refuses what records refuse."""

import numpy as np
import pytest

from hotline_desktop.core.scoring import ScoringEngine, ScoringInputError, UnitRef
from hotline_desktop.core.scoring.engine import column_value

PERFECT = {
    "volume": 5, "on_time_completion_rate": 100, "satisfaction_rate": 100, "rework_rate": 0,
    "sign_in_rate": 100, "response_rate": 100, "return_overdue_rate": 0, "first_extension_rate": 0,
    "second_extension_rate": 0,
}
UNITS = [UnitRef("B", "乙镇", "town"), UnitRef("A", "甲镇", "town"), UnitRef("C", "丙局", "department")]


def _records():
    monthly = {(u.code, m): dict(PERFECT) for u in UNITS for m in ("2023-01", "2023-02")}
    monthly[("A", "2023-02")] = {**PERFECT, "satisfaction_rate": "97.5", "volume": 9}
    monthly[("C", "2023-02")] = {"volume": 0}
    annual = {"B": {"publicity_articles": 3, "training": True}}
    return monthly, annual


def _columns(scheme, monthly, annual):
    pos = {u.code: i for i, u in enumerate(UNITS)}  # positions in UNITS as given (not code order)
    out = {}
    for (code, month), rec in monthly.items():
        present, cols = out.setdefault(month, ([], {}))
        present.append(pos[code])
        for key, v in rec.items():
            inp = scheme.input(key)
            rows, vals = cols.setdefault(key, ([], []))
            rows.append(pos[code])
            vals.append(column_value(inp, inp.parse(v)))
    acols = {}
    for code, rec in annual.items():
        for key, v in rec.items():
            inp = scheme.input(key)
            rows, vals = acols.setdefault(key, ([], []))
            rows.append(pos[code])
            vals.append(column_value(inp, inp.parse(v)))
    return ({m: (np.array(p), {k: (np.array(r), np.array(v)) for k, (r, v) in c.items()})
             for m, (p, c) in out.items()},
            {k: (np.array(r), np.array(v)) for k, (r, v) in acols.items()})


def test_columns_score_what_records_score(hotline):
    monthly, annual = _records()
    parsed = ScoringEngine(hotline, UNITS, None, monthly, annual, year=2023)
    mcols, acols = _columns(hotline, monthly, annual)
    loaded = ScoringEngine.from_columns(hotline, UNITS, None, monthly=mcols, annual=acols, year=2023)
    assert loaded.result().units == parsed.result().units
    assert loaded.monthly_values("A", "2023-02") == parsed.monthly_values("A", "2023-02")
    assert loaded.annual_values("B") == parsed.annual_values("B")
    # and it edits as any engine does
    assert loaded.set_monthly_value("C", "2023-02", "volume", 4) == parsed.set_monthly_value("C", "2023-02", "volume", 4)
    assert loaded.result().units == parsed.result().units


def test_columns_with_an_unknown_key_or_a_month_outside_the_year_are_refused(hotline):
    monthly, annual = _records()
    mcols, acols = _columns(hotline, monthly, annual)
    bad = dict(mcols)
    bad["2024-01"] = mcols["2023-01"]
    with pytest.raises(ScoringInputError) as e:
        ScoringEngine.from_columns(hotline, UNITS, None, monthly=bad, annual=acols, year=2023)
    assert any("2024-01" in p.message_zh for p in e.value.problems)
    present, cols = mcols["2023-01"]
    with pytest.raises(ScoringInputError) as e:
        ScoringEngine.from_columns(hotline, UNITS, None, monthly={"2023-01": (present, {**cols, "nope": cols["volume"]})},
                                   annual=acols, year=2023)
    assert any("nope" in p.message_zh for p in e.value.problems)
    with pytest.raises(ScoringInputError):  # a count past what the engine can compute
        huge = {**cols, "volume": (cols["volume"][0], np.full(len(cols["volume"][0]), 10**9))}
        ScoringEngine.from_columns(hotline, UNITS, None, monthly={"2023-01": (present, huge)}, annual=acols, year=2023)
